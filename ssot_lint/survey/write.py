"""Write what ``ssot-lint init`` proposes: the starter rule file (never over an existing file), a
config pointing at it when the project has none, and with ``baseline`` today's findings, so that
``ssot-lint check`` passes right after. A starter whose examples would fail is never written."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ssot_lint.ci import baseline as baselines
from ssot_lint.ci.coverage import Coverage
from ssot_lint.config.layout import Layout, declared_layout
from ssot_lint.config.rulefile import RuleSet, load_rule_docs
from ssot_lint.config.settings import Config
from ssot_lint.config.tomlfile import parse_toml, shown_path
from ssot_lint.errors import ConfigError
from ssot_lint.run.aggregation import aggregate
from ssot_lint.run.cache import ResultCache
from ssot_lint.run.options import RunOptions
from ssot_lint.run.per_file import analyze_files
from ssot_lint.survey import Survey
from ssot_lint.survey.starter import Covered, starter_rules

CONFIG_NAME = "ssot-lint.toml"


@dataclass
class Written:
    rules: str  # as shown to the user
    rule_count: int
    config: str | None = None  # a config written for the project
    config_hint: str = ""  # what to add to an existing config
    baseline: str | None = None
    baselined: int = 0
    left_out: list[str] = field(default_factory=list)  # what the configured rules cover already


def _create(path: Path, text: str) -> None:
    """Write ``text`` to a new file; refuse to replace one (also one created meanwhile)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ConfigError(f"{shown_path(path)} already exists; not overwritten (choose another file with --output)") from None
    except OSError as exc:
        raise ConfigError(f"cannot write {shown_path(path)}: {exc.strerror or exc}") from None


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def _config_text(rules: str, layout: Layout) -> str:
    """The config ``init`` writes: the starter's rule file, and the ``src`` folders the project's
    packaging declares, saying where they were read (a reader may not know why they are there)."""
    text = f"# Written by `ssot-lint init`.\nrule-files = {_toml_list([rules])}\n"
    if layout.roots:
        text += f"# From {layout.origin}: modules below these folders are named from them.\nsrc = {_toml_list(layout.roots)}\n"
    return text


def _config_hint(config: Config | None, rules: str, layout: Layout) -> str:
    """What to add to the project's own config, which ``init`` leaves alone."""
    if config is None or config.path is None:
        return ""
    hints = [f"add {rules!r} to rule-files in {shown_path(config.path)}"] if rules not in config.get("rule-files") else []
    if layout.roots and not config.get("src"):
        hints.append(f"add src = {_toml_list(layout.roots)} to {shown_path(config.path)} (from {layout.origin})")
    return "; ".join(hints)


def checked_ruleset(text: str, shown: str) -> RuleSet:
    """The starter's rules, loaded as the rule file will be, with every example run."""
    from ssot_lint.kinds.examples import run_example

    ruleset = load_rule_docs([parse_toml(text.encode("utf-8"), shown)])
    failures = [
        f"{rule.id}'s example {n} ({shown}:{example.line}; files {', '.join(sorted(example.files))}): {outcome.explain()}"
        for rule in ruleset.rules
        for n, example in enumerate(rule.meta.examples, 1)
        if not (outcome := run_example(rule, example)).passed
    ]
    if failures:  # a bug in the survey: say so rather than write a rule file that fails its own tests
        raise ConfigError(
            f"the starter rules failed their own examples, not written: {'; '.join(failures)}. "
            "This is a bug in ssot-lint's survey: please report it; `ssot-lint init --no-write` shows the rules anyway"
        )
    return ruleset


def write_starter(survey: Survey, output: Path | None = None, *, baseline: bool = False, cache: ResultCache | None = None, jobs: int | None = None) -> Written:
    root = survey.root
    rules_path = (output if output is not None else root / "ssot-rules.toml").resolve()
    shown = shown_path(rules_path)
    config = survey.config
    new_config = config is None or config.path is None
    for path in (rules_path, *([root / CONFIG_NAME] if new_config else [])):
        if path.exists():
            raise ConfigError(f"{shown_path(path)} already exists; not overwritten (choose another file with --output)")
    covered = Covered(survey.configured)
    text = starter_rules(survey, covered)
    ruleset = checked_ruleset(text, shown)
    if not ruleset.rules:  # the configured rules cover everything the starter would propose
        return Written("", 0, left_out=covered.left_out)
    baseline_path = root / (config.get("baseline") if config is not None else ".ssot-baseline.json")
    if baseline and baseline_path.exists():
        raise ConfigError(f"{shown_path(baseline_path)} already exists; not overwritten (run 'ssot-lint baseline' to update it)")
    _create(rules_path, text)
    written = Written(shown, len(ruleset.rules), left_out=covered.left_out)
    relative = os.path.relpath(rules_path, root).replace(os.sep, "/")
    layout = declared_layout(root)
    if new_config:
        config_path = root / CONFIG_NAME
        _create(config_path, _config_text(relative, layout))
        written.config = shown_path(config_path)
    else:
        written.config_hint = _config_hint(config, relative, layout)
    if baseline:
        rules = ruleset.rules
        results = analyze_files(survey.sources, rules, RunOptions(cache=cache, jobs=jobs))
        report = aggregate(rules, results, "info")
        coverage = Coverage.of(report.scanned, rules, True, rules)
        recorded = baselines.build(report, ruleset, coverage, None)
        _create(baseline_path, baselines.render(recorded))
        written.baseline = shown_path(baseline_path)
        written.baselined = len(report.findings)
    return written
