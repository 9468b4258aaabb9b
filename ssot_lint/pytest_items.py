"""The pytest plugin's nodes (``pytest_plugin`` holds its hooks): the session's plan of which
items each rule file and the config file hold, made once from the loaded project; the file node
pytest collects them under, found by pytest itself (``rules.toml::R1`` on its command line) or
added for the whole project; and the items, which share one check.

Like the hooks, this module imports only pytest until the plugin is switched on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ssot_lint.api import CheckResult, Project
    from ssot_lint.model import Finding, RuleSummary

PARSE_ITEM = "SSOT000"


class State:
    """The session's project and, once the first item asks, the check's result."""

    def __init__(self, project: Project, cwd: Path) -> None:
        from ssot_lint.report import FormatOptions

        self.project = project
        self.result: CheckResult | None = None
        self.error: Exception | None = None
        # Findings are shown as `ssot-lint check` shows them from the directory pytest runs in.
        self.shown = FormatOptions(cwd=(str(project.root), str(cwd))).shown()

    def check(self) -> CheckResult:
        if self.result is None and self.error is None:
            from ssot_lint import api
            from ssot_lint.errors import ConfigError

            try:
                self.result = api.check(config=self.project)
            except ConfigError as exc:
                self.error = exc
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


STATE = pytest.StashKey[State]()
PLAN = pytest.StashKey["Plan"]()


class Plan:
    """The items each rule file and the config file hold, made once per session from the loaded
    project, before pytest offers the first file (or at the end of the collection)."""

    def __init__(self, session: pytest.Session, config_file: Path | None) -> None:
        from ssot_lint import api
        from ssot_lint.errors import ConfigError

        config = session.config
        self.error: ConfigError | None = None
        # file (absolute) -> its items' names and makers, in the project's rule order; the config file last
        self.files: dict[Path, list[tuple[str, Callable[..., pytest.Item]]]] = {}
        self.keys: dict[Path, Path] = {}  # the file's absolute and resolved path -> its key in files
        self.named = False  # the command line names a rule file or an item in one
        self.ranks: dict[tuple[Path | None, str], int] = {}  # (file, item name) -> the item's place among ours
        try:
            project = api.load_project(config_file, cwd=config.rootpath)
            if not project.rules.rules:
                raise ConfigError("no rules loaded: set 'rule-files' in the ssot-lint config", str(project.config.path or project.root))
        except ConfigError as exc:
            self.error = exc
            return
        config.stash[STATE] = State(project, config.invocation_params.dir)
        for rule in project.rules.rules:
            # A rule's origin is relative to the working directory, as ssot-lint names it in errors.
            origin = Path(os.path.abspath(rule.meta.origin))
            self.files.setdefault(origin, []).append((rule.id, partial(RuleItem.from_parent, rule_id=rule.id, line=rule.meta.line)))
        config_file = Path(os.path.abspath(project.config.path or project.root / "ssot-lint"))
        self.files.setdefault(config_file, []).append((PARSE_ITEM, ParseErrorItem.from_parent))
        for key in self.files:
            # Matched without a system call per file pytest walks: it offers absolute paths.
            self.keys[key] = self.keys[key.resolve()] = key
        self.ranks = {pair: rank for rank, pair in enumerate((key, name) for key, made in self.files.items() for name, _ in made)}

    def missing(self, session: pytest.Session, present: set[Path | None]) -> list[pytest.Item]:
        """The items of the files pytest did not collect (the config error's item, if any)."""
        if self.error is not None:
            parent = SsotFile.from_parent(session, path=session.config.rootpath / "ssot-lint", name="ssot-lint", key=None)
            return [ConfigItem.from_parent(parent, name="config", error=self.error)]
        return [item for key in self.files if key not in present for item in file_node(session, key, key).collect()]

    def rank(self, item: pytest.Item) -> int:
        return self.ranks.get((getattr(item.parent, "key", None), item.name), -1)


def file_node(parent: pytest.Collector, path: Path, key: Path) -> SsotFile:
    # Node ids are relative to pytest's rootdir, which pytest turns into paths relative to where
    # it runs; a rule file outside the rootdir would otherwise get pytest's id for an argument
    # outside it, "" (``::R1``), which no command line can name.
    nodeid = os.path.relpath(path, parent.config.rootpath).replace(os.sep, "/")
    return SsotFile.from_parent(parent, path=path, nodeid=nodeid, key=key)


class SsotFile(pytest.File):
    """A rule file (or the config file) as the parent of the items it defines, made from the
    loaded project (the file is not read again)."""

    def __init__(self, *, key: Path | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key

    def collect(self) -> list[pytest.Item]:
        made = self.config.stash[PLAN].files.get(self.key, []) if self.key is not None else []
        items = [make(self, name=name) for name, make in made]
        for item in items:
            item.add_marker("ssot")
        return items


class SsotFailure(Exception):
    """A rule that fails: its text is the whole report (no traceback)."""


class SsotItem(pytest.Item):
    # pytest-run-parallel (a dev dependency of pydantic, NumPy, SciPy) warns at collection about
    # every item with no ``obj`` unless it has this attribute; under ``filterwarnings = error``
    # that warning ends the session before any test runs. The items share one check, so they run
    # in the main thread, which the plugin does for any item without ``obj``.
    _parallel_custom_item = True

    def state(self) -> State:
        return self.config.stash[STATE]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from ssot_lint.errors import ConfigError

        if isinstance(excinfo.value, (SsotFailure, ConfigError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))


class RuleItem(SsotItem):
    def __init__(self, *, rule_id: str, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule_id = rule_id
        self.line = line

    def runtest(self) -> None:
        result = self.state().check()
        summary = next(r for r in result.report.rules if r.id == self.rule_id)
        breaches = [b for b in (result.report.baseline.breaches if result.report.baseline else []) if b[0] == self.rule_id]
        if not summary.ok or breaches:
            findings = [f for f in result.findings if f.rule_id == self.rule_id]
            raise SsotFailure(_failure_text(summary, findings, result, self.state().shown))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), f"ssot-lint {self.rule_id}"


class ParseErrorItem(SsotItem):
    def runtest(self) -> None:
        from ssot_lint.model import PARSE_ERROR_ID
        from ssot_lint.report import plural
        from ssot_lint.report.text import finding_line

        state = self.state()
        unreadable = [f for f in state.check().findings if f.rule_id == PARSE_ERROR_ID]
        if unreadable:
            lines = [f"{PARSE_ERROR_ID}: {plural(len(unreadable), 'file')} could not be analyzed"] + [finding_line(f, state.shown(f.path)) for f in unreadable]
            raise SsotFailure("\n".join(lines))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"ssot-lint {PARSE_ITEM} (files that could not be analyzed)"


class ConfigItem(SsotItem):
    def __init__(self, *, error: Exception, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "ssot-lint config"


def _failure_text(summary: RuleSummary, findings: list[Finding], result: CheckResult, shown: Callable[[str], str]) -> str:
    from ssot_lint.report.text import baseline_notes, finding_line

    ceiling = "-" if summary.max is None else str(summary.max)
    head = f"{summary.id} ({summary.kind}, {summary.severity}): count {summary.count}, max {ceiling}"
    if summary.baselined is not None:
        head += f", {summary.baselined} baselined, {len(findings)} new"
    lines = [head] + [finding_line(f, shown(f.path)) for f in findings]
    lines += [note for note in baseline_notes(result.report) if note.startswith(f"{summary.id}:")]
    return "\n".join(lines)
