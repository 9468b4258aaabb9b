"""The pytest plugin: ``pytest --ssot`` (or ``ssot = true`` in pytest's ini options) checks the
configured project as ``ssot-lint check`` without paths does, and reports it as test items.

- One item per loaded rule, collected under the rule file that defines it
  (``rules/websocket-ssot.toml::WS001``), plus ``<config file>::SSOT000`` for files that cannot
  be analyzed. A rule's item fails as ``ssot-lint check`` would fail on it: a new finding at or
  above ``fail-on``, or a count over its ceiling that the baseline does not allow; the failure
  shows the rule's findings in the command line's text form and its count against ``max``.
- The configured baseline applies, and results come from the result cache: the check runs once
  per session (on the first item), and a second session reads every unchanged file's result.
- The items carry the ``ssot`` marker (``-m "not ssot"`` deselects them) and run first, since
  they are quick and cover the whole project. ``-p no:ssot`` disables the plugin.
- Items another plugin drops from the collection without deselecting them (SQLAlchemy's keeps
  only tests inside classes) are put back, with a warning: ``--ssot`` asked for the check.
- A broken config or rule file is one failing item (``ssot-lint::config``) with its
  ``file:line: message``, never a traceback; the rest of the test run goes on.

This module imports only pytest until the plugin is switched on: installing ssot-lint costs a
pytest run that does not use it nothing.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ssot_lint.api import CheckResult, Project
    from ssot_lint.model import Finding, RuleSummary

PARSE_ITEM = "SSOT000"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssot-lint")
    group.addoption("--ssot", action="store_true", default=False, help="Check the project with ssot-lint: one test item per rule.")
    group.addoption(
        "--ssot-config",
        metavar="PATH",
        default=None,
        help="ssot-lint config file (default: the ini option ssot_config, else the nearest ssot-lint.toml or pyproject.toml above the rootdir).",
    )
    # Read as a string: pytest's own bool reading fails with "invalid truth value", naming no option.
    parser.addini("ssot", default="false", help="Check the project with ssot-lint on every run (as --ssot): true or false.")
    parser.addini("ssot_config", default="", help="ssot-lint config file, relative to the ini file's directory.")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ssot: an ssot-lint rule checked over the whole project (pytest --ssot)")
    given = config.getoption("ssot_config")
    # A path that is not there, typed on the command line or in the ini file, is a usage error,
    # as pytest's own `-c`; a broken config file is a failing item instead, so that the other
    # tests still run.
    if _enabled(config) and (path := _config_path(config)) is not None and not path.is_file():
        where = f"--ssot-config {given}" if given else f"ini option ssot_config = {config.getini('ssot_config')} (relative to the ini file's directory)"
        raise pytest.UsageError(f"{where}: no such file")


_TRUTH = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False, "": False}


def _enabled(config: pytest.Config) -> bool:
    if config.getoption("ssot"):
        return True
    value = str(config.getini("ssot")).strip().lower()
    if value not in _TRUTH:
        raise pytest.UsageError(f"ini option ssot = {config.getini('ssot')}: must be true or false")
    return _TRUTH[value]


def _config_path(config: pytest.Config) -> Path | None:
    given = config.getoption("ssot_config")
    if given:
        return Path(config.invocation_params.dir, given)
    ini = config.getini("ssot_config")
    if ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        return Path(base, str(ini))
    return None


@pytest.hookimpl(tryfirst=True)  # before -k / -m / --lf select from the items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if _enabled(config):
        ours = _collect(session)
        config.stash[_OURS] = ours
        items[:0] = ours
        # Tell the reporters, so "collected N items" counts these too (they are made after the
        # directory walk that pytest reports on).
        for parent in dict.fromkeys(item.parent for item in ours):
            assert parent is not None
            children: list[pytest.Item | pytest.Collector] = [item for item in ours if item.parent is parent]
            config.hook.pytest_collectreport(report=pytest.CollectReport(parent.nodeid, "passed", None, children))


_OURS = pytest.StashKey[list[pytest.Item]]()
_DESELECTED = pytest.StashKey[set[str]]()


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items and _OURS in items[0].config.stash:
        items[0].config.stash.setdefault(_DESELECTED, set()).update(item.nodeid for item in items)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Put back the items another plugin's ``pytest_collection_modifyitems`` dropped without
    deselecting them (SQLAlchemy's keeps only tests inside classes): ``--ssot`` asked for the
    check, and a silent exit 0 would say the project passed it. ``-k``, ``-m`` and ``--lf`` report
    what they deselect, and are obeyed."""
    ours = session.config.stash.get(_OURS, [])
    if not ours:
        return
    present = {id(item) for item in session.items}
    deselected = session.config.stash.get(_DESELECTED, set())
    dropped = [item for item in ours if id(item) not in present and item.nodeid not in deselected]
    _select(dropped, session.config)
    if dropped:
        session.items[:0] = dropped
        names = ", ".join(item.nodeid for item in dropped)
        message = (
            f"ssot-lint: another plugin removed {len(dropped)} ssot item(s) from the collection without deselecting them ({names}); "
            "they run anyway (-m 'not ssot' deselects them, -p no:ssot turns the plugin off)"
        )
        # Shown at the config file the items come from, not at this line of the plugin.
        warnings.warn_explicit(pytest.PytestWarning(message), pytest.PytestWarning, str(dropped[-1].path), 1)


def _select(items: list[pytest.Item], config: pytest.Config) -> None:
    """Deselect from ``items`` what ``-k``, ``-m`` and ``--deselect`` leave out: a plugin that
    dropped them may have run before pytest's own selection saw them."""
    try:
        from _pytest.mark import deselect_by_keyword, deselect_by_mark
    except ImportError:  # pytest's own selection, not a public API: obey at least -m 'not ssot'
        if "not ssot" in (config.option.markexpr or ""):
            config.hook.pytest_deselected(items=list(items))
            items.clear()
    else:
        deselect_by_keyword(items, config)
        deselect_by_mark(items, config)
    prefixes = tuple(config.getoption("deselect", None) or ())
    if prefixes:
        gone = [item for item in items if item.nodeid.startswith(prefixes)]
        if gone:
            config.hook.pytest_deselected(items=gone)
            items[:] = [item for item in items if item not in gone]


class _State:
    """The session's project and, once the first item asks, the check's result."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.result: CheckResult | None = None
        self.error: Exception | None = None

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


_STATE = pytest.StashKey[_State]()


def _collect(session: pytest.Session) -> list[pytest.Item]:
    from ssot_lint import api
    from ssot_lint.errors import ConfigError

    config = session.config
    try:
        project = api.load_project(_config_path(config), cwd=config.rootpath)
        if not project.rules.rules:
            raise ConfigError("no rules loaded: set 'rule-files' in the ssot-lint config", str(project.config.path or project.root))
    except ConfigError as exc:
        return [ConfigItem.from_parent(_node(session, config.rootpath / "ssot-lint", "ssot-lint"), name="config", error=exc)]
    state = _State(project)
    config.stash[_STATE] = state
    items: list[pytest.Item] = []
    files: dict[str, SsotFile] = {}
    for rule in project.rules.rules:
        origin = Path(rule.meta.origin)
        origin = origin if origin.is_absolute() else Path.cwd() / origin  # shown relative to the working directory
        key = str(origin)
        if key not in files:
            files[key] = _node(session, origin.resolve())
        items.append(RuleItem.from_parent(files[key], name=rule.id, rule_id=rule.id, line=rule.meta.line))
    config_file = project.config.path or project.root / "ssot-lint"
    items.append(ParseErrorItem.from_parent(_node(session, config_file.resolve()), name=PARSE_ITEM))
    for item in items:
        item.add_marker("ssot")
    return items


def _node(session: pytest.Session, path: Path, name: str | None = None) -> SsotFile:
    if name:
        return SsotFile.from_parent(session, path=path, name=name)
    return SsotFile.from_parent(session, path=path)


class SsotFile(pytest.File):
    """A rule file (or the config file) as the parent of the items it defines; it collects
    nothing itself: the items are made once per session from the loaded project."""

    def collect(self) -> list[pytest.Item]:
        return []


class SsotFailure(Exception):
    """A rule that fails: its text is the whole report (no traceback)."""


class _SsotItem(pytest.Item):
    # pytest-run-parallel (a dev dependency of pydantic, NumPy, SciPy) warns at collection about
    # every item with no ``obj`` unless it has this attribute; under ``filterwarnings = error``
    # that warning ends the session before any test runs. The items share one check, so they run
    # in the main thread, which the plugin does for any item without ``obj``.
    _parallel_custom_item = True

    def state(self) -> _State:
        return self.config.stash[_STATE]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from ssot_lint.errors import ConfigError

        if isinstance(excinfo.value, (SsotFailure, ConfigError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))


class RuleItem(_SsotItem):
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
            raise SsotFailure(_failure_text(summary, findings, result))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.line - 1, 0), f"ssot-lint {self.rule_id}"


class ParseErrorItem(_SsotItem):
    def runtest(self) -> None:
        from ssot_lint.model import PARSE_ERROR_ID
        from ssot_lint.report import plural
        from ssot_lint.report.text import finding_line

        result = self.state().check()
        unreadable = [f for f in result.findings if f.rule_id == PARSE_ERROR_ID]
        if unreadable:
            lines = [f"{PARSE_ERROR_ID}: {plural(len(unreadable), 'file')} could not be analyzed"] + [finding_line(f) for f in unreadable]
            raise SsotFailure("\n".join(lines))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"ssot-lint {PARSE_ITEM} (files that could not be analyzed)"


class ConfigItem(_SsotItem):
    def __init__(self, *, error: Exception, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "ssot-lint config"


def _failure_text(summary: RuleSummary, findings: list[Finding], result: CheckResult) -> str:
    from ssot_lint.report.text import baseline_notes, finding_line

    ceiling = "-" if summary.max is None else str(summary.max)
    head = f"{summary.id} ({summary.kind}, {summary.severity}): count {summary.count}, max {ceiling}"
    if summary.baselined is not None:
        head += f", {summary.baselined} baselined, {len(findings)} new"
    lines = [head] + [finding_line(f) for f in findings]
    lines += [note for note in baseline_notes(result.report) if note.startswith(f"{summary.id}:")]
    return "\n".join(lines)


def _summary_line(state: _State) -> str | None:
    if state.result is None:
        return None
    from ssot_lint.report import plural

    report = state.result.report
    stats = state.result.counted.stats
    line = f"ssot-lint: {plural(stats.get('files', report.files_scanned + report.parse_errors), 'file')}, {stats.get('from_cache', 0)} from the result cache, "
    line += f"{stats.get('analyzed', 0)} analyzed; {plural(len(report.findings), 'new finding' if report.baseline else 'finding')}"
    if report.baseline:
        line += f", {report.baseline.baselined} baselined"
    return line


_WORKER_LINES = pytest.StashKey[dict[str, list[str]]]()


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Under pytest-xdist the check runs in the workers that got an ssot item; each hands its
    # summary line to the controller, which prints the terminal summary.
    output = getattr(session.config, "workeroutput", None)
    state = session.config.stash.get(_STATE, None)
    line = None if state is None else _summary_line(state)
    if output is not None and line is not None:
        output["ssot_summary"] = line


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only called when xdist is installed
def pytest_testnodedown(node: Any, error: Any) -> None:
    line = getattr(node, "workeroutput", {}).get("ssot_summary")
    if line is not None:
        worker = getattr(node, "workerinput", {}).get("workerid", "?")
        node.config.stash.setdefault(_WORKER_LINES, {}).setdefault(line, []).append(worker)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    line = None if state is None else _summary_line(state)
    if line is not None:
        terminalreporter.write_line(line)
    for shown, workers in config.stash.get(_WORKER_LINES, {}).items():
        terminalreporter.write_line(f"{shown} (xdist {', '.join(sorted(workers))})")
