"""Bad configuration and rule files: one line naming file and line, exit code 2, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project

GOOD_RULE = """
[[rule]]
id = "D1"
kind = "deprecated-import"
replace = { "old.pkg" = "new.pkg" }
"""


def check_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, config: str | None = None, args: list[str] | None = None) -> str:
    write_project(tmp_path, {"a.py": "import os\n"}, rules, config)
    result = run_cli(args or ["check"], tmp_path, monkeypatch)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (GOOD_RULE + "bogus = 1\n", "rules.toml:6: rule D1: unknown key 'bogus' for kind deprecated-import"),
        (GOOD_RULE.replace('kind = "deprecated-import"', 'kind = "no-such-kind"'), "rules.toml:4: rule D1: unknown kind 'no-such-kind'"),
        (GOOD_RULE + GOOD_RULE, "rules.toml:7: duplicate rule id 'D1' (first defined at rules.toml:2)"),
        (GOOD_RULE.replace('"old.pkg" = "new.pkg"', '"old.pkg:A:B" = "new.pkg"'), "rules.toml:5: rule D1: malformed reference 'old.pkg:A:B'"),
        (GOOD_RULE.replace('"old.pkg" = "new.pkg"', '"old.pkg" = "new pkg"'), "rules.toml:5: rule D1: malformed reference 'new pkg'"),
        (GOOD_RULE + 'severity = "fatal"\n', "rules.toml:6: rule D1: severity must be one of info, warning, error"),
        (GOOD_RULE.replace('id = "D1"', "id = 7"), "rules.toml:3: every rule needs an 'id'"),
        (GOOD_RULE.replace('id = "D1"', 'id = "SSOT000"'), "rules.toml:3: rule id SSOT000 is reserved"),
        (GOOD_RULE + 'message = "{nope} is old"\n', "rules.toml:6: rule D1: unknown placeholder {nope} in message"),
        ('[[rule]]\nid = "S1"\nkind = "single-implementation"\nname = "(unclosed"\n', "rules.toml:4: rule S1: name: invalid regex '(unclosed'"),
        ('[[rule]]\nid = "S1"\nkind = "single-implementation"\nmax = "one"\n', "rules.toml:4: rule S1: max: expected a non-negative integer"),
        ('[[rule]]\nid = "S1"\nkind = "single-implementation"\n', "rules.toml:1: rule S1: needs at least one selector"),
        ('[[rule]]\nid = "D1"\nkind = "deprecated-import"\n', "rules.toml:1: rule D1: kind deprecated-import requires 'replace'"),
        (
            '[[rule]]\nid = "D1"\nkind = "deprecated-import"\n[rule.replace]\n"a" = 1\n',
            "rules.toml:5: rule D1: replace: expected a table of strings ('a' is int)",
        ),
        ('x = 1\n[[rule]\nid = "x"\n', "rules.toml:2: invalid TOML: Expected ']]'"),
        ('[[rule]]\nid = "x"\npaths = ["a",\n', "rules.toml:3: invalid TOML: Invalid value (at the end of the file)"),
        ("rule = 3\n", "rules.toml:1: 'rule' must be an array of tables"),
        ("[settings]\nx = 1\n", "rules.toml:1: unknown top-level key 'settings'"),
        (GOOD_RULE + '[[rule.example]]\ncode = "import old.pkg"\n', "rules.toml:6: rule D1: example: 'expect' must be the number of findings"),
        (GOOD_RULE + '[[rule.example]]\ncode = "import old.pkg"\nexpect = "1"\n', "rules.toml:8: rule D1: example: 'expect' must be the number of findings"),
        (GOOD_RULE + "[[rule.example]]\nexpect = 1\n", "rules.toml:6: rule D1: example: needs 'code'"),
        (GOOD_RULE + 'paths = ["src/[x"]\n', "rules.toml:6: rule D1: paths: 'src/[x': an unclosed '[' makes the pattern match nothing"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else None,
)
def test_rule_file_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, expected: str) -> None:
    line = check_error(tmp_path, monkeypatch, rules)
    assert line.startswith("ssot-lint: error: ")
    assert expected in line, line


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('rule-files = ["rules.toml"]\nrule_files = []\n', "ssot-lint.toml:2: unknown config key 'rule_files'"),
        ('rule-files = "rules.toml"\nrespect-gitignore = "yes"\n', "ssot-lint.toml:2: respect-gitignore: expected true or false"),
        ('rule-files = ["missing/*.toml"]\n', "ssot-lint.toml:1: rule-files: 'missing/*.toml' matches no file"),
        ('rule-files = ["rules.toml"]\nfail-on = "never"\n', "ssot-lint.toml:2: fail-on: expected one of info, warning, error"),
        (
            'rule-files = ["rules.toml"]\n\nsrc = [".", "lib"]\n',
            "ssot-lint.toml:3: src: 'lib' does not exist (entries are source roots, relative to ssot-lint.toml's directory)",
        ),
        ('rule-files = ["rules.toml"]\nsrc = ["a.py"]\n', "ssot-lint.toml:2: src: 'a.py' is not a directory"),
        # A pattern that can never match is a mistake in a config (git skips it in a .gitignore).
        ('rule-files = ["rules.toml"]\nexclude = ["build/", "[bad"]\n', "ssot-lint.toml:2: exclude: '[bad': an unclosed '[' makes the pattern match nothing"),
        (
            'rule-files = ["rules.toml"]\nextend-exclude = ["a\\\\"]\n',
            "ssot-lint.toml:2: extend-exclude: 'a\\\\': Escape character found with no next character to escape",
        ),
        (
            'rule-files = ["rules.toml"]\ninclude = ["*.py", "#x"]\n',
            "ssot-lint.toml:2: include: '#x': a pattern starting with '#' is a comment in gitignore syntax",
        ),
        ('rule-files = ["rules.toml"]\nexclude = [""]\n', "ssot-lint.toml:2: exclude: '': an empty pattern matches nothing"),
        ('rule-files = ["rules.toml"]\nexclude = ["[z-a]"]\n', "ssot-lint.toml:2: exclude: '[z-a]': invalid '[...]': bad character range z-a"),
        ('rule-files = ["rules.toml"]\nexclude = ["[[:alpha:]]x"]\n', "ssot-lint.toml:2: exclude: '[[:alpha:]]x': a '[' inside '[...]' (a POSIX class such as"),
    ],
)
def test_config_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, expected: str) -> None:
    assert expected in check_error(tmp_path, monkeypatch, GOOD_RULE, config)


def test_pyproject_table_errors_point_into_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": "", "pyproject.toml": '[project]\nname = "x"\n\n[tool.ssot-lint]\nsrc = 3\n'})
    result = run_cli(["check"], tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert "pyproject.toml:5: src: expected a list of strings" in result.stderr


BROKEN_PYPROJECT = '[tool.ssot-lint]\nrule-files = ["rules.toml"]\nexclude = ["skipped/"]\n[project\n'
BROKEN_MESSAGE = "ssot-lint: error: pyproject.toml:4: invalid TOML: Expected ']' at the end of a table declaration"


@pytest.mark.parametrize("args", [["check"], ["check", "--rules", "rules.toml"], ["rules"], ["init", "."]])
def test_unparsable_pyproject_is_an_error_where_discovery_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    """It cannot be known to lack [tool.ssot-lint]: not "no rules loaded", not its exclude
    silently dropped under --rules (ruff errors on an unparsable pyproject.toml it reads)."""
    write_project(tmp_path, {"a.py": "import old.pkg\n", "skipped/b.py": "import old.pkg\n", "pyproject.toml": BROKEN_PYPROJECT, "rules.toml": GOOD_RULE})
    result = run_cli(args, tmp_path, monkeypatch)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", BROKEN_MESSAGE + "\n")


def test_unparsable_pyproject_in_a_subdirectory_hides_no_error_behind_the_parent_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"sub/a.py": "import old.pkg\n", "sub/pyproject.toml": "[project\n"}, GOOD_RULE)
    result = run_cli(["check"], tmp_path / "sub", monkeypatch)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "ssot-lint: error: pyproject.toml:1: invalid TOML: Expected ']' at the end of a table declaration\n"
    result = run_cli(["check", "sub"], tmp_path, monkeypatch)  # from the root the subdirectory's file is never read
    assert result.exit_code == 1, result.stderr


def test_pyproject_beside_ssot_lint_toml_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": "import old.pkg\n", "pyproject.toml": "[project\n"}, GOOD_RULE)
    result = run_cli(["check", "-o", "json"], tmp_path, monkeypatch)
    assert result.exit_code == 1 and len(result.json()["findings"]) == 1


def test_config_is_found_by_walking_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"pkg/sub/a.py": "import old.pkg\n"}, GOOD_RULE)
    result = run_cli(["check", "-o", "json"], tmp_path / "pkg" / "sub", monkeypatch)
    assert result.exit_code == 1
    assert [(f["path"], f["line"]) for f in result.json()["findings"]] == [("pkg/sub/a.py", 1)]


def test_pyproject_tool_table_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": "import old.pkg\n", "pyproject.toml": '[tool.ssot-lint]\nrule-files = ["r.toml"]\n', "r.toml": GOOD_RULE})
    result = run_cli(["check", "-o", "json"], tmp_path, monkeypatch)
    assert result.exit_code == 1 and len(result.json()["findings"]) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "nowhere"], "nowhere: no such file or directory"),
        (["check", "--rules", "nope.toml"], "--rules: rule file not found: nope.toml"),
        (["check", "--select", "ZZ"], "--select/--ignore: no loaded rule matches 'ZZ'"),
        (["check", "--config", "missing.toml"], "config file not found: missing.toml"),
        (["rules", "--explain", "NOPE"], "--explain: no loaded rule has id 'NOPE'"),
        # review15c 07-minor-cli-errors: --ignore SSOT000 was accepted and ignored nothing; two
        # formats to one file were accepted, the second overwriting the first.
        (
            ["check", "--ignore", "SSOT000"],
            "--ignore SSOT000: parse errors cannot be ignored: SSOT000, a file that does not parse, is reported by the rules that run, "
            "not a rule of its own (fix the file, or leave it out with the config's 'extend-exclude')",
        ),
        (["check", "--ignore", "SSOT"], "--ignore SSOT: parse errors cannot be ignored: SSOT000"),
        (
            ["check", "-o", "json:out.json", "-o", "sarif:./out.json"],
            "--output-format: json:out.json and sarif:./out.json write one file; give each format its own path",
        ),
    ],
)
def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: str) -> None:
    assert expected in check_error(tmp_path, monkeypatch, GOOD_RULE, args=args)


def test_unknown_output_format_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": ""}, GOOD_RULE)
    result = run_cli(["check", "-o", "yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and "unknown format 'yaml'" in result.stderr


def test_unreadable_rule_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": ""}, GOOD_RULE)
    (tmp_path / "rules.toml").write_bytes(b"\xff\xfe[[rule]]")
    result = run_cli(["check"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and "rules.toml: not UTF-8" in result.stderr


def test_no_rules_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": ""})
    result = run_cli(["check"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (
        2,
        "ssot-lint: error: no rules loaded: set 'rule-files' in the config or pass --rules FILE (`ssot-lint init` proposes rules from the code)\n",
    )


TWO_RULES = GOOD_RULE + GOOD_RULE.replace('"D1"', '"D2"')
PARSE_NOTE = "; SSOT000, a file that does not parse, is reported by the rules that run, not a rule of its own"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "--select", "SSOT000"], f"--select SSOT000 leaves no rule to run (loaded: D1, D2{PARSE_NOTE})"),
        (["check", "--select", "SSOT"], f"--select SSOT leaves no rule to run (loaded: D1, D2{PARSE_NOTE})"),
        (["check", "--ignore", "D", "--select", "D"], "--select D --ignore D leaves no rule to run (loaded: D1, D2)"),
        (["check", "--select", "D1,D2", "--ignore", "D"], "--select D1,D2 --ignore D leaves no rule to run (loaded: D1, D2)"),
        (["fix", "--ignore", "D1,D2"], "--ignore D1,D2 leaves no rule to run (loaded: D1, D2)"),
        (["history", "--select", "SSOT000"], f"--select SSOT000 leaves no rule to run (loaded: D1, D2{PARSE_NOTE})"),
    ],
)
def test_a_selection_that_leaves_no_rule_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: str) -> None:
    """Rules were loaded: "no rules loaded: set 'rule-files'" would send the user to the wrong place."""
    assert check_error(tmp_path, monkeypatch, TWO_RULES, args=args) == f"ssot-lint: error: {expected}"


def test_a_long_list_of_loaded_rules_is_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = "".join(GOOD_RULE.replace('"D1"', f'"D{n:02}"') for n in range(12))
    line = check_error(tmp_path, monkeypatch, rules, args=["check", "--select", "SSOT000"])
    assert "(loaded: D00, D01, D02, D03, D04, D05, D06, D07, … (12 in all); SSOT000" in line


KNOWN_KINDS = "declared-deprecation, deprecated-import, duplicate-definition, event-schema, import-cycle, required-events, shim-module, single-implementation, unresolved-import"
DI = '[[rule]]\nid = "D1"\nkind = "deprecated-import"\n'
SCOPING = "as TOML reads every key after a table header into that table"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # Message templates: refused at load time, at the line of `message` (issue #18, item 2).
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{target!z}"\n',
            "rules.toml:5: rule D1: placeholder {target!z} in message: conversions and format specs are not allowed (write {target})",
        ),
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{target!r}"\n',
            "rules.toml:5: rule D1: placeholder {target!r} in message: conversions and format specs are not allowed (write {target})",
        ),
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{target:>5d}"\n',
            "rules.toml:5: rule D1: placeholder {target:>5d} in message: conversions and format specs are not allowed (write {target})",
        ),
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{target dup"\n',
            "rules.toml:5: rule D1: malformed message template: expected '}' before end of string (write {{ and }} for literal braces; placeholders: {target}, {replacement}, {imported}, {what})",
        ),
        (DI + 'replace = {"a" = "b"}\nmessage = "a } b"\n', "rules.toml:5: rule D1: malformed message template: Single '}' encountered in format string"),
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{target.__class__}"\n',
            "rules.toml:5: rule D1: placeholder {target.__class__} in message: attribute and index access are not allowed (write {target})",
        ),
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{target[0]}"\n',
            "rules.toml:5: rule D1: placeholder {target[0]} in message: attribute and index access are not allowed (write {target})",
        ),
        (
            DI + 'replace = {"a" = "b"}\nmessage = "{}"\n',
            "rules.toml:5: rule D1: unknown placeholder {} in message (known: {target}, {replacement}, {imported}, {what})",
        ),
        # Errors at the offending key or entry, not at [[rule]] (item 9).
        (DI + '[rule.replace]\n"old.pkg" = "new.pkg"\n"old.x:A:B" = "y"\n', "rules.toml:6: rule D1: malformed reference 'old.x:A:B'"),
        (DI + '[rule.replace]\n"old.pkg" = "new pkg"\n', "rules.toml:5: rule D1: malformed reference 'new pkg'"),
        (DI + 'replace.a = "b"\nreplace."c d" = "e"\n', "rules.toml:5: rule D1: malformed reference 'c d'"),
        (
            '[[rule]]\nid = "S1"\nkind = "single-implementation"\nname = "Manager$"\ncanonical = ["a.b"]\n',
            "rules.toml:5: rule S1: canonical 'a.b' must name a class as 'module:Class'",
        ),
        (
            '[[rule]]\nid = "E1"\nkind = "event-schema"\nevents = ["x"]\n[rule.value-types]\nnumber = "number"\ntimestamp = "numbr"\n',
            "rules.toml:7: rule E1: value-types.timestamp: unknown kind 'numbr'",
        ),
        (
            '[[rule]]\nid = "E1"\nkind = "event-schema"\nevents = ["x"]\nvalue-types = { timestamp = "numbr" }\n',
            "rules.toml:5: rule E1: value-types.timestamp: unknown kind 'numbr'",
        ),
        (DI + 'replace = {"a" = "b"}\ncalls = ["a.b"]\n', "rules.toml:5: rule D1: 'calls' entry 'a.b' must name a callable as 'module:function'"),
        (DI + 'replace = {"a" = "b"}\npaths = 3\n', "rules.toml:5: rule D1: paths: expected a list of strings"),
        (DI + 'replace = {"a" = "b"}\nexclude = [1]\n', "rules.toml:5: rule D1: exclude: expected a list of strings"),
        # A missing kind says so (not "unknown kind None").
        ('[[rule]]\nid = "D1"\nreplace = {"a" = "b"}\n', f"rules.toml:1: rule D1 has no 'kind' (known: {KNOWN_KINDS})"),
        # TOML scoping slips get a hint naming the key's line.
        (
            DI + '[rule.replace]\n"old.pkg" = "new.pkg"\ncalls = { "a.b:f" = "c.d:g" }\n',
            f"rules.toml:6: rule D1: replace: expected a table of strings ('calls' is a table) ('calls' belongs to [rule.replace], {SCOPING}; move it above [rule.replace])",
        ),
        (
            '[[rule]]\nid = "D1"\n[rule.replace]\n"old.pkg" = "new.pkg"\nkind = "deprecated-import"\n',
            f"rules.toml:1: rule D1 has no 'kind' (known: {KNOWN_KINDS}) (line 5: 'kind' belongs to [rule.replace], {SCOPING}; move it above [rule.replace])",
        ),
        (
            DI + 'replace = {"a" = "b"}\n[[rule.example]]\ncode = "x = 1"\nexpect = 0\nseverity = "info"\n',
            f"rules.toml:8: rule D1: example: unknown key 'severity' (known: code, files, path, expect, lines); 'severity' belongs to [[rule.example]], {SCOPING}: move it above",
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_rule_file_errors_name_the_key_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, expected: str) -> None:
    line = check_error(tmp_path, monkeypatch, rules)
    assert line.startswith("ssot-lint: error: " + expected), line
    # `rules` and `test-rules` refuse the same files with the same line.
    for command in (["rules"], ["test-rules"]):
        assert check_error(tmp_path, monkeypatch, rules, args=command) == line


SI = '[[rule]]\nid = "WS1"\nkind = "single-implementation"\n'
DD = '[[rule]]\nid = "DD1"\nkind = "duplicate-definition"\n'
C1 = '[[rule]]\nid = "C1"\nkind = "import-cycle"\n\n[[rule.example]]\n'


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # review15c 03-empty-regex: `exclude-names = ""` excluded every class (a family of 2 over max 1
        # passed), `name = ""` counted every class, `replace = {}` loaded a rule that finds nothing.
        (SI + 'name = "WebSocketManager"\nexclude-names = ""\nmax = 1\n', "rules.toml:5: rule WS1: exclude-names: an empty regex matches every name"),
        (SI + 'name = ""\nmax = 1\n', "rules.toml:4: rule WS1: name: an empty regex matches every name"),
        (DD + 'name = ""\n', "rules.toml:4: rule DD1: name: an empty regex matches every name"),
        (DD + 'exclude-names = ""\n', "rules.toml:4: rule DD1: exclude-names: an empty regex matches every name"),
        # A regex that matches the empty string is searched into every name as well: a stray `|`.
        (
            SI + 'name = "Manager"\nexclude-names = "^Test|"\n',
            "rules.toml:5: rule WS1: exclude-names: '^Test|' matches every name (it matches the empty string)",
        ),
        (DD + 'name = "x*"\n', "rules.toml:4: rule DD1: name: 'x*' matches every name (it matches the empty string)"),
        ('[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = {}\n', "rules.toml:4: rule D1: replace: an empty table maps nothing"),
        ('[[rule]]\nid = "E1"\nkind = "event-schema"\nevents = ["x"]\nrename = {}\n', "rules.toml:5: rule E1: rename: an empty table maps nothing"),
        (
            '[[rule]]\nid = "D1"\nkind = "deprecated-import"\nreplace = { "a" = "b" }\ncalls = {}\n',
            "rules.toml:5: rule D1: calls: an empty table maps nothing",
        ),
        # review15c 08-example-code-and-files: `files` beside `code` was dropped; `files = {}` and
        # `path` beside `files` were accepted.
        (
            C1 + 'code = "x = 1\\n"\nfiles = { "p/__init__.py" = "", "p/a.py" = "from p import b\\n" }\nexpect = 1\n',
            "rules.toml:5: rule C1: example: give 'code' or 'files', not both",
        ),
        (C1 + "files = {}\nexpect = 0\n", "rules.toml:6: rule C1: example: 'files' is empty: give at least one path = code"),
        (
            C1 + 'files = { "p/a.py" = "" }\npath = "p/x.py"\nexpect = 0\n',
            "rules.toml:7: rule C1: example: 'path' names the file of 'code'; with 'files', each key is a path",
        ),
        (C1 + 'code = "x = 1"\npath = 3\nexpect = 0\n', "rules.toml:7: rule C1: example: 'path' must be a string (the file's path)"),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_options_and_examples_that_select_everything_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str, expected: str) -> None:
    for command in (["check"], ["rules"], ["test-rules"]):
        assert check_error(tmp_path, monkeypatch, rules, args=command) == "ssot-lint: error: " + expected


def test_a_rule_file_or_config_that_is_no_regular_file_says_what_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review15c 07-minor-cli-errors 3: a directory or a FIFO was "not found".
    (tmp_path / "more.toml").mkdir()
    os.mkfifo(tmp_path / "fifo.toml")
    for args, expected in [
        (["check", "--rules", "more.toml"], "--rules: rule file is a directory: more.toml"),
        (["check", "--rules", "fifo.toml"], "--rules: rule file is not a regular file: fifo.toml"),
        (["test-rules", "more.toml"], "rule file is a directory: more.toml"),
        (["test-rules", "fifo.toml"], "rule file is not a regular file: fifo.toml"),
        (["rules", "--config", "fifo.toml"], "config file is not a regular file: fifo.toml"),
        (["check", "--config", "more.toml"], "config file is a directory: more.toml"),
        (["test-rules", "--config", "more.toml"], "config file is a directory: more.toml"),
    ]:
        assert check_error(tmp_path, monkeypatch, GOOD_RULE, args=args) == f"ssot-lint: error: {expected}"
    config = 'rule-files = ["more.toml"]\n'
    assert check_error(tmp_path, monkeypatch, GOOD_RULE, config) == "ssot-lint: error: ssot-lint.toml:1: rule-files: 'more.toml' is a directory"


def test_two_outputs_of_one_format_to_one_file_are_one_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"a.py": "import old.pkg\n"}, GOOD_RULE)
    result = run_cli(["check", "--no-cache", "-q", "-o", "json:out.json", "-o", "json:./out.json"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (1, "")
    assert len(json.loads((tmp_path / "out.json").read_text())["findings"]) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "--select", ""], "--select '': empty rule id (give rule ids or prefixes, comma-separated)"),
        (["check", "--select", "D1,"], "--select 'D1,': empty rule id (give rule ids or prefixes, comma-separated)"),
        (["check", "--ignore", ",D1"], "--ignore ',D1': empty rule id (give rule ids or prefixes, comma-separated)"),
        (["rules", "--select", " "], "--select ' ': empty rule id (give rule ids or prefixes, comma-separated)"),
        (["history", "--ignore", ""], "--ignore '': empty rule id (give rule ids or prefixes, comma-separated)"),
    ],
)
def test_an_empty_rule_id_is_a_usage_error_not_every_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: str) -> None:
    # An empty --select (`--select "$RULES"` with the variable unset) was dropped, so every rule ran.
    assert check_error(tmp_path, monkeypatch, GOOD_RULE, args=args) == f"ssot-lint: error: {expected}"
