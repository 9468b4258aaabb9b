"""The pytest plugin: ``pytest --ssot`` (or ``ssot = true`` in pytest's ini options) checks the
configured project as ``ssot-lint check`` without paths does, and reports it as test items.

- One item per loaded rule, collected under the rule file that defines it
  (``rules/websocket-ssot.toml::WS001``), plus ``<config file>::SSOT000`` for files that cannot
  be analyzed. A rule's item fails as ``ssot-lint check`` would fail on it: a new finding at or
  above ``fail-on``, or a count over its ceiling that the baseline does not allow; the failure
  shows the rule's findings in the command line's text form (paths relative to where pytest
  runs, as ``ssot-lint check`` prints them there) and its count against ``max``.
- The items' node ids are relative to pytest's rootdir, as pytest's own, and pytest takes them
  back: a rule file named on its command line (``rules.toml::R1``) is collected as a test file,
  and then only the items named run. Otherwise every rule file's items are added, whatever test
  paths pytest was given (those in a directory pytest walks are collected there, once).
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
from typing import Any

import pytest

from ssot_lint.pytest_items import PLAN, STATE, Plan, SsotFile, SsotItem, State, file_node


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


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SsotFile | None:
    """A rule file (or the config file) as pytest meets it, given on the command line
    (``rules.toml::R1``, as pytest prints the item's node id) or in a directory it walks."""
    if not _enabled(parent.config):
        return None
    plan = _plan(parent.session)
    key = plan.keys.get(file_path)
    if key is None:
        return None
    if parent.session.isinitpath(file_path):
        plan.named = True
    return file_node(parent, file_path, key)


def _plan(session: pytest.Session) -> Plan:
    plan = session.config.stash.get(PLAN, None)
    if plan is None:
        plan = session.config.stash[PLAN] = Plan(session, _config_path(session.config))
    return plan


@pytest.hookimpl(tryfirst=True)  # before -k / -m / --lf select from the items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _enabled(config):
        return
    plan = _plan(session)
    present = [item for item in items if isinstance(item, SsotItem)]
    # The whole project is checked whatever test paths pytest was given: the rule files no path
    # led to are added, unless the command line named ssot-lint items or rule files itself.
    added = [] if plan.named else plan.missing(session, {item.parent.key for item in present if isinstance(item.parent, SsotFile)})
    ours = sorted(present + added, key=plan.rank)
    config.stash[_OURS] = ours
    items[:] = ours + [item for item in items if not isinstance(item, SsotItem)]
    # Tell the reporters, so "collected N items" counts the added ones too (they are made after
    # the directory walk that pytest reports on).
    for parent in dict.fromkeys(item.parent for item in added):
        assert parent is not None
        children: list[pytest.Item | pytest.Collector] = [item for item in added if item.parent is parent]
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


def _summary_line(state: State) -> str | None:
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
    state = session.config.stash.get(STATE, None)
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
    state = config.stash.get(STATE, None)
    line = None if state is None else _summary_line(state)
    if line is not None:
        terminalreporter.write_line(line)
    for shown, workers in config.stash.get(_WORKER_LINES, {}).items():
        terminalreporter.write_line(f"{shown} (xdist {', '.join(sorted(workers))})")
