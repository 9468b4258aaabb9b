"""The Python API: everything the command line, the pytest plugin and the language server do goes
through these functions, so a script gets exactly what ``ssot-lint check`` would report.

    >>> import ssot_lint
    >>> result = ssot_lint.check(["fixtures"])
    >>> result.exit_status, len(result.findings)

Policy lives here, not in the shells: suppression comments (applied in aggregation), unused
suppressions, the baseline ratchet and the exit status.
"""

from __future__ import annotations

import contextlib
import io
import os
import tokenize
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ssot_lint.ci import baseline as baselines
from ssot_lint.ci import suppressions
from ssot_lint.ci.coverage import Coverage, project_wide
from ssot_lint.ci.fingerprint import with_fingerprints
from ssot_lint.config.rulefile import RuleSet, load_rule_files
from ssot_lint.config.settings import Config, load_config
from ssot_lint.config.tomlfile import shown_path
from ssot_lint.errors import EXIT_FINDINGS, EXIT_OK, ConfigError
from ssot_lint.model import FileRef, Finding, Report
from ssot_lint.observer import NULL_OBSERVER, Observer
from ssot_lint.run.cache import ResultCache

if TYPE_CHECKING:  # fixing imports libcst: only when something is fixed
    from ssot_lint.fix.engine import FixResult
    from ssot_lint.survey import Survey
    from ssot_lint.survey.write import Written

PathLike = str | os.PathLike[str]
Warn = Callable[[str], None]


@dataclass
class Project:
    """A loaded configuration and the rules it (plus any extra rule files) defines."""

    config: Config
    rules: RuleSet

    @property
    def root(self) -> Path:
        return self.config.root

    def includes(self, path: PathLike) -> bool:
        """Whether ``ssot-lint check`` without paths covers the file at ``path`` (it need not
        exist yet): under the root, included, not excluded, not ignored by a ``.gitignore``."""
        from ssot_lint.run.discovery import in_project

        return in_project(absolute_path(path), self.config)

    @property
    def project_wide_ids(self) -> frozenset[str]:
        """The ids of the selected rules whose findings depend on other files (``check`` finds
        them; ``check_source`` leaves them out)."""
        return frozenset(rule.id for rule in self.rules.rules if project_wide(rule))

    def shown(self, path: PathLike) -> str:
        """The path findings in the file at ``path`` carry: relative to the root when inside it."""
        return _buffer_ref(self, path)[1].path

    def explain(self, rule_id: str) -> str:
        """The text ``ssot-lint rules --explain ID`` prints: the rule, its kind's documentation
        and its examples."""
        from ssot_lint.report.rules import explain_rule

        for rule in self.rules.known:
            if rule.id == rule_id:
                return explain_rule(rule)
        raise ConfigError(f"no loaded rule has id {rule_id!r}")


def absolute_path(path: PathLike) -> str:
    """``path`` made absolute with its directory's symlinks resolved (not the file's own): the
    spelling a walk from the resolved project root gives the same file."""
    directory, name = os.path.split(os.path.abspath(os.fspath(path)))
    return os.path.join(os.path.realpath(directory), name)


def source_bytes(code: str | bytes) -> bytes:
    """An editor's text as the bytes of the file it would save: encoded as its PEP 263 coding
    cookie says (UTF-8 when there is none, or when the text cannot be encoded that way)."""
    if isinstance(code, bytes):
        return code
    data = code.encode("utf-8", "surrogateescape")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return data
    if encoding in ("utf-8", "utf-8-sig"):
        return data
    try:
        return code.encode(encoding)
    except (UnicodeError, LookupError):
        return data


def load_rules(paths: Sequence[PathLike], *, select: Sequence[str] = (), ignore: Sequence[str] = (), observer: Observer = NULL_OBSERVER) -> RuleSet:
    """Rules from rule files; ``select``/``ignore`` keep rules by id prefix, as on the command line."""
    files = [Path(p).resolve() for p in paths]
    for given, path in zip(paths, files):
        if not path.is_file():
            raise ConfigError(f"rule file not found: {given}")
    return load_rule_files(files, {f: shown_path(f) for f in files}, observer).select(select, ignore)


def load_project(
    config: PathLike | Config | None = None,
    *,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    cwd: PathLike | None = None,
    observer: Observer = NULL_OBSERVER,
) -> Project:
    """The config file given (else the nearest ``ssot-lint.toml`` / ``pyproject.toml`` above
    ``cwd``) and its rules: those of its rule files, then its own ``[[rule]]`` tables. ``rules``:
    extra rule files, or a ready ``RuleSet`` that replaces the configured ones."""
    if isinstance(config, Config):
        settings = config
    else:
        settings = load_config(Path(config) if config is not None else None, Path(cwd) if cwd is not None else None, observer)
    if isinstance(rules, RuleSet):
        return Project(settings, rules.select(select, ignore))
    extra = [Path(p) for p in rules or ()]
    for path in extra:
        if not path.is_file():
            raise ConfigError(f"--rules: rule file not found: {path}")
    files = settings.rule_files + [p.resolve() for p in extra]
    ruleset = load_rule_files(files, {f: shown_path(f) for f in files}, observer, settings.inline_rules, settings.root).select(select, ignore)
    return Project(settings, ruleset)


@dataclass
class CheckResult:
    """What a check found and what it means.

    ``report`` holds the findings that count (after suppressions and the baseline); ``counted``
    the same run before the baseline hid known findings (what history snapshots store).
    ``exit_status`` is the command line's: 0 nothing at or above ``fail_on``, 1 findings (or a
    ceiling breached, or with ``strict`` a stale baseline)."""

    report: Report
    counted: Report
    coverage: Coverage
    project: Project
    fail_on: str
    exit_status: int
    stale_baseline: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def new(self) -> int:
        return len(self.report.findings)

    @property
    def baselined(self) -> int:
        return self.report.baseline.baselined if self.report.baseline else 0

    @property
    def fixed(self) -> int:
        """Baselined findings that are gone (the baseline can be tightened)."""
        return self.report.baseline.fixed if self.report.baseline else 0

    def counts(self) -> dict[str, int]:
        """Each rule's count as the summary table shows it (ceiling kinds: the family size)."""
        return {rule.id: rule.count for rule in self.report.rules}

    def only(self, path: PathLike) -> CheckResult:
        """This result narrowed to the file at ``path`` (what ``check --stdin-filename`` reports):
        its findings and suppressed findings, each rule's count of them and whether they pass, and
        the exit status they give. The project-wide rules were judged over the whole run; the
        baseline was applied to it (its project-wide totals are left out)."""
        from ssot_lint.model import PARSE_ERROR_ID, severity_rank

        shown = self.project.shown(path)
        mine = [f for f in self.report.findings if f.path == shown]
        threshold = severity_rank(self.fail_on)
        rules = [
            replace(
                rule,
                count=sum(f.rule_id == rule.id for f in mine),
                ok=not any(f.rule_id == rule.id and severity_rank(f.severity) >= threshold for f in mine),
                suppressed=sum(f.rule_id == rule.id and f.path == shown for f in self.report.suppressed),
                baselined=None,
            )
            for rule in self.report.rules
        ]
        scanned = tuple(p for p in self.report.scanned if p == shown)
        errors = int(any(f.rule_id == PARSE_ERROR_ID for f in mine))
        report = replace(
            self.report,
            files_scanned=len(scanned) - errors,
            parse_errors=errors,
            rules=rules,
            findings=mine,
            suppressed=[f for f in self.report.suppressed if f.path == shown],
            suppressions={p: s for p, s in self.report.suppressions.items() if p == shown},
            scanned=scanned,
            unparsed=tuple(p for p in self.report.unparsed if p == shown),
            baseline=None,
        )
        status = EXIT_FINDINGS if failing_findings(report, self.fail_on) else EXIT_OK
        return replace(self, report=report, exit_status=status, stale_baseline=False)


def _project(
    config: PathLike | Config | Project | None, rules: Sequence[PathLike] | RuleSet | None, select: Sequence[str], ignore: Sequence[str], observer: Observer
) -> Project:
    if isinstance(config, Project):
        return Project(config.config, config.rules.select(select, ignore)) if select or ignore else config
    return load_project(config, rules=rules, select=select, ignore=ignore, observer=observer)


def cache_directory(config: Config, cache_dir: PathLike | None = None) -> Path:
    """``cache_dir``, else the config's ``cache-dir`` (relative to the project root)."""
    return Path(cache_dir) if cache_dir is not None else config.root / config.get("cache-dir")


@contextlib.contextmanager
def open_cache(config: Config, enabled: bool, cache_dir: PathLike | None, warn: Warn, observer: Observer = NULL_OBSERVER) -> Iterator[ResultCache | None]:
    """The result cache for one run (None when disabled or unusable). Its warnings go to
    ``warn`` once each, whether raised when opening it or during the run."""
    if not enabled:
        yield None
        return
    cache = ResultCache(cache_directory(config, cache_dir))
    shown = 0

    def flush() -> None:
        nonlocal shown
        for warning in cache.warnings[shown:]:
            observer.refuse()  # an unusable cache is a passing state: say so again next time
            warn(warning)
        shown = len(cache.warnings)

    flush()
    try:
        yield cache if cache.enabled else None
    finally:
        cache.close()
        flush()


def _require_rules(ruleset: RuleSet) -> None:
    if not ruleset.rules:
        raise ConfigError("no rules loaded: set 'rule-files' in the config or pass --rules FILE")


def analyze(
    project: Project,
    paths: Sequence[PathLike] = (),
    *,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    jobs: int | None = None,
    per_file: bool = False,
    fail_on: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
    buffers: Mapping[PathLike, str | bytes] | None = None,
    check_syntax: bool = False,
) -> tuple[Report, Coverage]:
    """Run the rules over ``paths`` (default: the project root): the raw report, before unused
    suppressions and the baseline, and what the run covered (so nothing unseen is judged).
    ``buffers``, ``check_syntax``: see ``check``."""
    from ssot_lint.run.engine import RunOptions, run

    _require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    config = project.config
    rules = project.rules.rules
    given = [os.fspath(p) for p in paths]
    if per_file:
        if not given:
            raise ConfigError("--per-file needs the files to check")
        rules = [r for r in rules if not project_wide(r)]  # they need every file: not judged here
    whole = not per_file and (not given or any(Path(p).resolve() == config.root for p in given))
    contents = {absolute_path(path): source_bytes(code) for path, code in (buffers or {}).items()}
    if contents:
        observer.refuse()  # the output depends on text that is on no disk
    with open_cache(config, cache, cache_dir, warn, observer) as result_cache:
        options = RunOptions(
            fail_on=fail_on or config.get("fail-on"),
            cache=result_cache,
            on_progress=on_progress,
            jobs=jobs,
            observer=observer,
            buffers=contents,
            check_syntax=check_syntax,
        )
        report = run(given or [str(config.root)], config, RuleSet(rules, project.rules.known), options)
    return report, Coverage.of(report.scanned, rules, whole, project.rules.known)


def check(
    paths: Sequence[PathLike] = (),
    *,
    config: PathLike | Config | Project | None = None,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    baseline: bool = True,
    strict: bool = False,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    jobs: int | None = None,
    fail_on: str | None = None,
    per_file: bool = False,
    report_unused_suppressions: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
    buffers: Mapping[PathLike, str | bytes] | None = None,
    check_syntax: bool = False,
) -> CheckResult:
    """Check ``paths`` (default: the project root) as ``ssot-lint check`` does.

    ``config``: a config file, a loaded ``Config`` or ``Project`` (default: the nearest config
    above the working directory). ``rules``: extra rule files, or a ``RuleSet`` replacing the
    configured rules. ``baseline``: apply the configured baseline file when it exists.
    Warnings (an unusable cache, a baseline written for other rules) are collected in
    ``CheckResult.warnings`` and also passed to ``on_warning`` as they happen.

    ``buffers`` maps paths to the text to check instead of what is on disk (an editor's unsaved
    buffers; ``str`` is encoded as its coding cookie says). A buffer whose file does not exist
    yet is checked where a walk of ``paths`` would find it. Every other file's result comes from
    the cache as usual, so project-wide rules see the buffers at the cost of analyzing them.

    ``check_syntax``: parse every file in scope in full, so a syntax error anywhere is SSOT000
    (otherwise only what the rules read is parsed; ``Report.unparsed`` lists the rest)."""
    project = _project(config, rules, select, ignore, observer)
    collected: list[str] = []

    def warn(message: str) -> None:
        collected.append(message)
        if on_warning is not None:
            on_warning(message)

    fail_on = fail_on or project.config.get("fail-on")
    report, coverage = analyze(
        project,
        paths,
        cache=cache,
        cache_dir=cache_dir,
        jobs=jobs,
        per_file=per_file,
        fail_on=fail_on,
        on_progress=on_progress,
        on_warning=warn,
        observer=observer,
        buffers=buffers,
        check_syntax=check_syntax,
    )
    if not report.scanned:  # as ruff does: a warning, not an error (a hook may pass only excluded files)
        where = ", ".join(os.fspath(p) for p in paths) or shown_path(project.root)
        warn(f"no files to check in {where}: none is in scope (config keys 'include', 'exclude', 'extend-exclude'; .gitignore)")
    if report_unused_suppressions:
        known_ids = [r.id for r in project.rules.known]
        from ssot_lint.run.engine import with_own_rows

        unused = with_fingerprints(suppressions.unused(report.suppressions, report.suppressed, known_ids, coverage.judges))
        report.findings = sorted(report.findings + unused, key=Finding.sort_key)
        with_own_rows(report, fail_on)
    counted = report
    path, shown = baseline_file(project.config)
    if baseline:
        observer.note(path)
    if baseline and path.is_file():
        report = baselines.apply(report, load_baseline(path, shown), shown, project.rules.known, coverage, fail_on)
        if report.baseline and report.baseline.changed_rules:
            warn(
                f"{shown} was written for other rule definitions ({'; '.join(report.baseline.changed_rules)}); "
                "their findings may show as new or fixed: run 'ssot-lint baseline' to accept them"
            )
    summary = report.baseline
    stale = strict and summary is not None and summary.stale > 0
    failing = failing_findings(report, fail_on) or bool(summary and summary.breaches) or stale
    return CheckResult(report, counted, coverage, project, fail_on, EXIT_FINDINGS if failing else EXIT_OK, stale, collected)


def failing_findings(report: Report, fail_on: str) -> bool:
    """Whether a finding at or above ``fail_on`` is in the report."""
    from ssot_lint.model import severity_rank

    threshold = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= threshold for f in report.findings)


def baseline_file(config: Config) -> tuple[Path, str]:
    """The configured baseline file and its path as shown to the user."""
    path = config.root / config.get("baseline")
    return path, shown_path(path)


def _buffer_ref(project: Project, path: PathLike) -> tuple[str, FileRef]:
    """The absolute path and the ``FileRef`` (display path, module) of a file that may exist
    only in an editor: relative to the project root when it lies inside it, else as given."""
    from ssot_lint.run.discovery import ModuleNamer, display_path

    absolute = absolute_path(path)
    try:
        relative = Path(absolute).relative_to(project.root).as_posix()
    except ValueError:
        relative = os.fspath(path)
    return absolute, ModuleNamer(project.config.src_roots, root=project.root).ref(absolute, display_path(relative))


def check_source(
    path: PathLike,
    code: str | bytes,
    rules: RuleSet | Sequence[PathLike] | None = None,
    *,
    config: PathLike | Config | Project | None = None,
    baseline: bool = False,
) -> list[Finding]:
    """Check one file's text (an editor's buffer, a generated file) as if it were at ``path``,
    with the per-file rules (project-wide rules need the other files: use ``check``). Findings
    carry ``path`` as given (relative to the project root when it lies inside it); suppression
    comments apply; a text that does not parse is one ``SSOT000`` finding. ``baseline``: leave
    out the findings the configured baseline file records for this path, as ``check`` does."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.run.engine import aggregate

    project = _project(config, rules if rules is not None else None, (), (), NULL_OBSERVER)
    _, ref = _buffer_ref(project, path)
    selected = [r for r in project.rules.rules if not project_wide(r) and r.in_scope(ref.path)]
    fail_on = project.config.get("fail-on")
    result = analyze_source(source_bytes(code), ref, selected)
    report = aggregate(selected, [(ref, result)], fail_on)
    baseline_path, shown = baseline_file(project.config)
    if baseline and baseline_path.is_file():
        coverage = Coverage.of([ref.path], selected, False, project.rules.known)
        report = baselines.apply(report, load_baseline(baseline_path, shown), shown, project.rules.known, coverage, fail_on)
    return report.findings


_baselines: dict[tuple[str, int, int, int], baselines.Baseline] = {}


def load_baseline(path: Path, shown: str) -> baselines.Baseline:
    """The baseline file at ``path``, read again only when its size or times change (an editor
    checks a buffer on every keystroke)."""
    info = path.stat()
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if key not in _baselines:
        if len(_baselines) > 8:
            _baselines.clear()
        _baselines[key] = baselines.load(path, shown)
    return _baselines[key]


def suppress_source(code: str, finding: Finding) -> str | None:
    """``code`` with a ``# ssot: ignore[ID]`` comment that silences ``finding`` (on its line or
    its statement's first line), or None when no such edit leaves the code's syntax tree as it
    was (see ``ssot_lint.ci.add_suppression``)."""
    from ssot_lint.ci.add_suppression import add_suppression

    return add_suppression(code, finding)


@dataclass(frozen=True)
class SourceFixed:
    """What fixing one text gave: ``code`` (the same type as given; unchanged when nothing was
    fixed), how many findings the fixes removed, and why the text was left alone if it was."""

    code: str | bytes
    fixed: int
    refused: str = ""


def fix_source(
    path: PathLike,
    code: str | bytes,
    rules: RuleSet | Sequence[PathLike] | None = None,
    *,
    config: PathLike | Config | Project | None = None,
    select: Sequence[str] = (),
) -> SourceFixed:
    """Fix one file's text as ``ssot-lint fix`` would fix the file at ``path``, writing nothing:
    the fixes of the fixable per-file rules (``select``: only rules with these id prefixes) that
    have a finding in it, checked the same way (the result parses, compiles, keeps every comment
    and is a fixed point) or refused as a whole."""
    from ssot_lint.analysis.analyze import analyze_source
    from ssot_lint.analysis.parsing import decode_source, on_analysis_thread
    from ssot_lint.fix.engine import FixRefused
    from ssot_lint.fix.engine import fix_source as fix_bytes

    project = _project(config, rules if rules is not None else None, select, (), NULL_OBSERVER)
    _, ref = _buffer_ref(project, path)
    data = source_bytes(code)
    applicable = [r for r in project.rules.rules if r.in_scope(ref.path) and not project_wide(r)]
    found = {f.rule_id for f in analyze_source(data, ref, applicable).findings}
    wanted = [r for r in applicable if r.fixable and r.id in found]
    if not wanted:
        return SourceFixed(code, 0)
    try:
        outcome = on_analysis_thread(fix_bytes, data, ref, wanted)
    except FixRefused as refusal:
        return SourceFixed(code, 0, str(refusal))
    if outcome.data == data:
        return SourceFixed(code, 0)
    return SourceFixed(outcome.data if isinstance(code, bytes) else decode_source(outcome.data), outcome.fixed)


def fix(
    paths: Sequence[PathLike] = (),
    *,
    config: PathLike | Config | Project | None = None,
    rules: Sequence[PathLike] | RuleSet | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    write: bool = True,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    fail_on: str | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> FixResult:
    """Fix what can be fixed safely in ``paths`` (``write=False``: compute the fixes, write
    nothing; ``render_diff(result)`` shows them). The result lists every finding left with the
    reason it was not fixed, and the report as the files are (or would be) after fixing."""
    from ssot_lint.fix.engine import FixOptions, fix_paths

    project = _project(config, rules, select, ignore, observer)
    _require_rules(project.rules)
    warn = on_warning or (lambda message: None)
    fail_on = fail_on or project.config.get("fail-on")
    with open_cache(project.config, cache, cache_dir, warn, observer) as result_cache:
        result = fix_paths([os.fspath(p) for p in paths] or [str(project.root)], project.config, project.rules, FixOptions(write, fail_on, result_cache))
    for warning in result.warnings:
        warn(warning)
    return result


@dataclass
class InitResult:
    """What ``init`` found (``survey``) and wrote (``written``: None when nothing was written)."""

    survey: Survey
    written: Written | None


def survey(path: PathLike = ".", *, cache: bool = True, cache_dir: PathLike | None = None, jobs: int | None = None, on_warning: Warn | None = None) -> Survey:
    """Survey the project at ``path`` for its SSOT debt (declared deprecations, class families,
    duplicate definitions, event shapes, project-wide counts), as ``ssot-lint init`` prints it."""
    return init(path, write=False, cache=cache, cache_dir=cache_dir, jobs=jobs, on_warning=on_warning).survey


def init(
    path: PathLike = ".",
    *,
    output: PathLike | None = None,
    write: bool = True,
    baseline: bool = False,
    cache: bool = True,
    cache_dir: PathLike | None = None,
    jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_warning: Warn | None = None,
    observer: Observer = NULL_OBSERVER,
) -> InitResult:
    """Survey ``path`` and (``write``) write the starter rule file, a config when the project has
    none, and (``baseline``) a baseline of the new rules' findings. Never overwrites a file."""
    from ssot_lint.survey import project_config
    from ssot_lint.survey import survey as run_survey
    from ssot_lint.survey.write import write_starter

    observer.refuse()  # init writes files: never replayed
    warn = on_warning or (lambda message: None)
    config = project_config(Path(path), observer)
    with open_cache(config, cache, cache_dir, warn, observer) as result_cache:
        found = run_survey(path, cache=result_cache, jobs=jobs, on_progress=on_progress, observer=observer)
        written = write_starter(found, Path(output) if output is not None else None, baseline=baseline, cache=result_cache, jobs=jobs) if write else None
    return InitResult(found, written)
