"""The JSON Schema of the config and of rule files: generated from what the loaders check, shipped
current, printed by `ssot-lint schema`, accepting every rule file in the repository and agreeing
with the loaders value by value, so an editor never flags what ssot-lint accepts (or the reverse,
for every mistake a schema can express)."""

from __future__ import annotations

import ast
import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ssot_lint.config.rulefile import load_rule_docs
from ssot_lint.config.schema import SCHEMA_FILES, config_schema, main, rules_schema, schema_text, shipped, stale
from ssot_lint.config.settings import CONFIG_KEYS, load_config
from ssot_lint.config.tomlfile import TomlDoc, parse_toml
from ssot_lint.errors import ConfigError
from ssot_lint.kinds import BUILTIN_KINDS, available_kinds, builtin_kind
from tests.helpers import REPO, run_cli

KINDS = list(available_kinds().values())
RULES = jsonschema.Draft7Validator(rules_schema(KINDS))
CONFIG = jsonschema.Draft7Validator(config_schema(KINDS))


def errors(validator: jsonschema.Draft7Validator, instance: Any) -> list[tuple[list[Any], str]]:
    return sorted(((list(e.absolute_path), e.message) for e in validator.iter_errors(instance)), key=str)


def best(validator: jsonschema.Draft7Validator, instance: Any) -> jsonschema.ValidationError:
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    assert error is not None, f"the schema accepts {instance!r}"
    return error


def loader_accepts(table: dict[str, Any]) -> bool:
    try:
        load_rule_docs([TomlDoc("rules.toml", {"rule": [table]}, ())])
    except ConfigError:
        return False
    return True


# -- generated, shipped, printed ---------------------------------------------------------------
def test_the_shipped_schemas_are_current() -> None:
    assert stale() == [], "run `python -m ssot_lint.config.schema`"
    assert main(["--check"]) == 0


def test_a_stale_schema_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import ssot_lint.config.schema as schema

    for which, name in SCHEMA_FILES.items():
        (tmp_path / name).write_text(schema_text(which, [builtin_kind(k) for k in BUILTIN_KINDS]))
    monkeypatch.setattr(schema, "SCHEMA_DIR", tmp_path)
    assert main(["--check"]) == 0
    edited = json.loads((tmp_path / "rules.schema.json").read_text())
    (branch,) = [b for b in edited["definitions"]["rule"]["allOf"] if b["if"]["properties"]["kind"]["const"] == "deprecated-import"]
    del branch["then"]["properties"]["replace"]
    (tmp_path / "rules.schema.json").write_text(json.dumps(edited, indent=2) + "\n")
    assert main(["--check"]) == 1
    assert capsys.readouterr().err == "stale schema (run `python -m ssot_lint.config.schema`): rules.schema.json: out of date\n"
    assert main([]) == 0 and stale() == []  # rewritten


def test_the_schemas_are_draft_7_schemas() -> None:
    for which in SCHEMA_FILES:
        schema = json.loads(shipped(which).read_text(encoding="utf-8"))
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("which", list(SCHEMA_FILES))
def test_schema_command_prints_it(which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["schema", which], tmp_path, monkeypatch)  # no config needed
    assert result.exit_code == 0
    assert result.stdout == shipped(which).read_text(encoding="utf-8")  # no plugins here: the built-in kinds
    where = run_cli(["schema", which, "--path"], tmp_path, monkeypatch)
    assert where.exit_code == 0 and Path(where.stdout.strip()) == shipped(which) and shipped(which).is_file()


def test_schema_command_needs_to_know_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["schema"], tmp_path, monkeypatch)
    assert result.exit_code == 2 and "Error: Missing argument '{config|rules}'." in result.stderr
    assert run_cli(["schema", "rule"], tmp_path, monkeypatch).exit_code == 2


def test_the_package_ships_the_schemas() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '[tool.setuptools.package-data]\nssot_lint = ["schemas/*.json"]' in text


# -- every rule file and config in the repository validates ------------------------------------
def repository_toml() -> list[Path]:
    skip = {".venv", ".git", "node_modules", "site", ".ssot-lint"}
    return sorted(p for p in REPO.rglob("*.toml") if not skip.intersection(p.relative_to(REPO).parts))


def test_every_rule_file_and_config_in_the_repository_validates() -> None:
    checked = []
    for path in repository_toml():
        data = parse_toml(path.read_bytes(), str(path)).data
        if path.name == "pyproject.toml":
            if "ssot-lint" not in data.get("tool", {}):
                continue
            instance, validator = data["tool"]["ssot-lint"], CONFIG
        elif path.name == "ssot-lint.toml":
            instance, validator = data, CONFIG
        elif "rule" in data:
            instance, validator = data, RULES
        else:
            continue  # another tool's TOML
        assert errors(validator, instance) == [], path
        checked.append(path.relative_to(REPO).as_posix())
    assert {"pyproject.toml", "rules/websocket-ssot.toml", "rules/project-integrity.toml"} <= set(checked)


def rule_documents_in_tests() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every string literal in the tests that is a TOML rule file or config with [[rule]] tables."""
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "[[" in node.value and "rule" in node.value:
                try:
                    data = parse_toml(textwrap.dedent(node.value).encode(), "x").data
                except (ConfigError, UnicodeEncodeError):
                    continue  # a fragment, completed elsewhere
                if isinstance(data.get("rule"), list) or isinstance(data.get("tool", {}).get("ssot-lint", {}).get("rule"), list):
                    yield f"{path.name}:{node.lineno}", data


# Mistakes only the loader can see: a regex that does not compile, a module path that is not one,
# options that make sense only together, a message field the kind does not fill, an id used twice.
BEYOND_A_SCHEMA = (
    "invalid regex",
    "malformed reference",
    "must name a class as",
    "needs at least one selector",
    "unknown placeholder",
    "duplicate rule id",
    # a discriminator key renamed to a key 'discriminator' does not list: draft 7 cannot compare a
    # value with another option's values (no $data), and the default discriminator alone is no rule
    "which is no discriminator",
)


def test_rule_files_embedded_in_tests_validate_when_the_loader_accepts_them() -> None:
    """The tests hold many rule files; each one ssot-lint loads, the schema accepts too. Of those
    ssot-lint refuses on purpose, the schema catches every one whose mistake it can express."""
    accepted, refused, missed = 0, 0, []
    for where, data in rule_documents_in_tests():
        pyproject = "tool" in data
        instance = data["tool"]["ssot-lint"] if pyproject else data
        validator = CONFIG if pyproject or set(data) - {"rule"} else RULES
        try:
            load_rule_docs([TomlDoc("x", {"rule": instance["rule"]}, ())] if validator is CONFIG else [TomlDoc("x", data, ())])
        except ConfigError as exc:
            refused += 1
            if not errors(validator, instance) and not any(phrase in str(exc) for phrase in BEYOND_A_SCHEMA):
                missed.append(f"{where}: {exc}")
            continue
        accepted += 1
        assert errors(validator, instance) == [], where
    assert accepted >= 30 and refused >= 10
    assert not missed, "the schema accepts rule files the loader refuses:\n" + "\n".join(missed)


def test_the_rules_explain_prints_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in BUILTIN_KINDS:
        out = run_cli(["rules", "--explain", name], tmp_path, monkeypatch).stdout
        data = parse_toml(out[out.index("\n[[rule]]\n") :].encode(), name).data
        assert errors(RULES, data) == [], name


def test_the_docs_toml_blocks_validate() -> None:
    blocks = 0
    for path in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        for block in re.findall(r"```toml[^\n]*\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
            data = parse_toml(block.encode(), str(path)).data
            if "tool" in data and "ssot-lint" in data["tool"]:
                assert errors(CONFIG, data["tool"]["ssot-lint"]) == [], (path, block)
            elif "rule" in data:
                assert errors(RULES if set(data) == {"rule"} else CONFIG, data) == [], (path, block)
            else:
                continue
            blocks += 1
    assert blocks >= 10  # the configuration page and one per kind page at least


# -- mistakes, with a useful path --------------------------------------------------------------
GOOD = {"id": "S1", "kind": "single-implementation", "name": "Manager$", "max": 1}


@pytest.mark.parametrize(
    ("table", "path", "message"),
    [
        ({**GOOD, "bogus": 1}, ["rule", 0], "Additional properties are not allowed ('bogus' was unexpected)"),
        ({**GOOD, "replace": {"a": "b"}}, ["rule", 0], "Additional properties are not allowed ('replace' was unexpected)"),  # another kind's option
        ({**GOOD, "max": "one"}, ["rule", 0, "max"], "'one' is not of type 'integer'"),
        ({**GOOD, "max": -1}, ["rule", 0, "max"], "-1 is less than the minimum of 0"),
        ({**GOOD, "kind": "no-such-kind"}, ["rule", 0, "kind"], "'no-such-kind' is not one of ["),
        ({**GOOD, "severity": "fatal"}, ["rule", 0, "severity"], "'fatal' is not one of ['info', 'warning', 'error']"),
        ({**GOOD, "id": "SSOT000"}, ["rule", 0, "id"], "should not be valid under {'enum': ['SSOT000', 'SSOT001']}"),
        ({**GOOD, "id": "1abc"}, ["rule", 0, "id"], "'1abc' does not match"),
        ({"id": "D1", "kind": "deprecated-import"}, ["rule", 0], "'replace' is a required property"),
        ({"kind": "deprecated-import", "replace": {"a": "b"}}, ["rule", 0], "'id' is a required property"),
        ({**GOOD, "example": [{"code": "x = 1"}]}, ["rule", 0, "example", 0], "'expect' is a required property"),
        ({**GOOD, "example": [{"expect": 1}]}, ["rule", 0, "example", 0], "is not valid under any of the given schemas"),
        # review15c: `files` beside `code` was dropped; an empty `files`, and `path` beside `files`, accepted.
        ({**GOOD, "example": [{"code": "", "files": {"a.py": ""}, "expect": 0}]}, ["rule", 0, "example", 0], "is valid under each of"),
        ({**GOOD, "example": [{"files": {}, "expect": 0}]}, ["rule", 0, "example", 0, "files"], "{} should be non-empty"),
        ({**GOOD, "example": [{"files": {"a.py": ""}, "path": "b.py", "expect": 0}]}, ["rule", 0, "example", 0], "'code' is a dependency of 'path'"),
        ({**GOOD, "exclude-names": ""}, ["rule", 0, "exclude-names"], "'' should be non-empty"),
        ({"id": "D1", "kind": "deprecated-import", "replace": {}}, ["rule", 0, "replace"], "{} should be non-empty"),
        ({"id": "E1", "kind": "event-schema", "value-types": {"t": "float"}}, ["rule", 0, "value-types", "t"], "'float' is not one of ['number',"),
        (
            {"id": "D1", "kind": "deprecated-import", "replace": {"a": "b"}, "calls": "a:f"},
            ["rule", 0, "calls"],
            "'a:f' is not valid under any of the given schemas",
        ),
    ],
    ids=lambda v: None,
)
def test_a_mistake_is_a_schema_error_at_its_place(table: dict[str, Any], path: list[Any], message: str) -> None:
    assert not loader_accepts(table)  # what the schema rejects here, ssot-lint rejects too
    for validator in (RULES, CONFIG):  # a rule file's [[rule]], and an inline one
        error = best(validator, {"rule": [table]})
        assert list(error.absolute_path) == path, (error.message, list(error.absolute_path))
        assert message in error.message


def test_an_unknown_config_key_and_a_wrong_config_type() -> None:
    assert errors(CONFIG, {"rule-files": ["r.toml"], "rule_files": []}) == [([], "Additional properties are not allowed ('rule_files' was unexpected)")]
    error = best(CONFIG, {"fail-on": "fatal"})
    assert (list(error.absolute_path), error.message) == (["fail-on"], "'fatal' is not one of ['info', 'warning', 'error']")
    error = best(CONFIG, {"respect-gitignore": "yes"})
    assert (list(error.absolute_path), error.message) == (["respect-gitignore"], "'yes' is not of type 'boolean'")


# -- the schema and the loaders agree, value by value ------------------------------------------
# Values of every TOML shape an option might be given, built around a string the option accepts
# (a reference, a dotted name or a word: the first the loader takes), so only the shape decides.
STRINGS = ("a.b:C", "a.b", "x")


def samples(text: str) -> list[Any]:
    return [text, [text], [], 3, 0, -1, True, 1.5, {text: "c.d:E"}, {"t": "number"}, {text: 1}, {}, [1], [["a"]]]


SAMPLES = samples(STRINGS[0])
# The few values a loader refuses for a reason no schema can state (the kind's configure() judges
# combinations and contents): listed, so anything else that disagrees fails.
SEMANTIC = {
    ("deprecated-import", "calls", "{'t': 'number'}"),  # each key must be 'module:function'
    ("deprecated-import", "allow-kind-change", "'a.b:C'"),  # each entry must be a key of 'replace'
    ("deprecated-import", "allow-kind-change", "['a.b:C']"),
    ("duplicate-definition", "functions", "True"),  # min-similarity compares class bodies only
    # event-schema options no event can satisfy together (the kind's example options allow
    # event_type, timestamp, user_id, data, require them all, and rename type -> event_type):
    # a discriminator key or a required key not allowed, or the discriminator 'type' no longer
    # renamed to an allowed key.
    ("event-schema", "discriminator", "'a.b:C'"),
    ("event-schema", "discriminator", "['a.b:C']"),
    ("event-schema", "required", "'a.b:C'"),
    ("event-schema", "required", "['a.b:C']"),
    ("event-schema", "allowed", "'a.b:C'"),
    ("event-schema", "allowed", "['a.b:C']"),
    ("event-schema", "allowed", "[]"),
    ("event-schema", "rename", "{'a.b:C': 'c.d:E'}"),
    ("event-schema", "rename", "{'t': 'number'}"),
}


def kind_options() -> Iterator[tuple[str, str]]:
    for name in BUILTIN_KINDS:
        for option in builtin_kind(name).options:
            yield name, option


@pytest.mark.parametrize(("kind", "option"), list(kind_options()), ids=lambda v: v)
def test_each_option_accepts_in_the_schema_what_the_loader_accepts(kind: str, option: str) -> None:
    cls = builtin_kind(kind)
    base = {"id": "X1", "kind": kind, **cls.EXAMPLE_OPTIONS}
    assert loader_accepts(base) and errors(RULES, {"rule": [base]}) == []
    text = next((t for t in STRINGS if loader_accepts({**base, option: [t]}) or loader_accepts({**base, option: t})), STRINGS[0])
    disagree = []
    for value in samples(text):
        table = {**base, option: value}
        loader, schema = loader_accepts(table), not errors(RULES, {"rule": [table]})
        if loader != schema and (kind, option, repr(value)) not in SEMANTIC:
            disagree.append(f"{option} = {value!r}: loader {'accepts' if loader else 'refuses'}, schema {'accepts' if schema else 'refuses'}")
    assert not disagree, f"{kind}:\n" + "\n".join(disagree)


@pytest.mark.parametrize("key", list(CONFIG_KEYS))
def test_each_config_key_accepts_in_the_schema_what_the_config_loader_accepts(key: str, tmp_path: Path) -> None:
    from ssot_lint.config.tomlfile import toml_value

    disagree = []
    for value in [*SAMPLES, "warning", "error", "loud"]:
        config = tmp_path / "ssot-lint.toml"
        config.write_text(f"{key} = {toml_value(value)}\n")
        if key == "src":  # whether a source root exists only the file system can say: here they do
            for name in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
                if isinstance(name, str) and name and not name.startswith("/") and ".." not in name:
                    (tmp_path / name).mkdir(parents=True, exist_ok=True)
        try:
            load_config(config, tmp_path)
            loader = True
        except ConfigError:
            loader = False
        schema = not errors(CONFIG, {key: value})
        if loader != schema:
            disagree.append(f"{key} = {value!r}: loader {'accepts' if loader else 'refuses'}, schema {'accepts' if schema else 'refuses'}")
    assert not disagree, "\n".join(disagree)


def test_the_schema_lists_exactly_the_kinds_and_their_options() -> None:
    rule = rules_schema(KINDS)["definitions"]["rule"]
    assert rule["properties"]["kind"]["enum"] == sorted(BUILTIN_KINDS)
    for branch in rule["allOf"]:
        kind = builtin_kind(branch["if"]["properties"]["kind"]["const"])
        then = branch["then"]
        assert set(then["properties"]) == set(rule["properties"]) | set(kind.options)
        assert then.get("required", []) == [n for n, o in kind.options.items() if o.required]
        for name, option in kind.options.items():
            assert then["properties"][name]["description"].startswith(option.doc)


def test_the_starter_that_init_writes_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ssot-lint init` writes rule files for people to edit: their editor must not flag them."""
    import shutil

    root = tmp_path / "sample"
    shutil.copytree(REPO / "fixtures", root)
    assert run_cli(["init", "--no-cache"], root, monkeypatch).exit_code == 0
    rules = parse_toml((root / "ssot-rules.toml").read_bytes(), "ssot-rules.toml").data
    assert len(rules["rule"]) >= 5
    assert errors(RULES, rules) == []
    assert errors(CONFIG, parse_toml((root / "ssot-lint.toml").read_bytes(), "ssot-lint.toml").data) == []


def test_the_docs_table_of_config_keys_lists_exactly_the_config_keys() -> None:
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = page.split("| key | default | meaning |", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"^\| `([a-z-]+)` \|", table, re.M) == list(CONFIG_KEYS)


def test_taplo_follows_the_schema_directive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the README promises, with the real Taplo CLI (the `taplo` wheel, a test dependency):
    `ssot-lint schema rules > ...` and a `#:schema ./...` first line make Taplo check a rule file."""
    import shutil
    import subprocess
    import sys

    taplo = shutil.which("taplo", path=str(Path(sys.executable).parent)) or shutil.which("taplo")
    assert taplo is not None, "the test extra installs taplo"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ssot-lint.schema.json").write_text(run_cli(["schema", "rules"], tmp_path, monkeypatch).stdout)
    directive = "#:schema ./ssot-lint.schema.json\n"
    for shipped_file in (REPO / "rules").glob("*.toml"):
        (rules / shipped_file.name).write_text(directive + shipped_file.read_text(encoding="utf-8"))
    (rules / "bad.toml").write_text(directive + '[[rule]]\nid = "S1"\nkind = "single-implementation"\nname = "Manager$"\nmax = "one"\n')

    def taplo_check(*names: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "RUST_LOG": "error", "NO_COLOR": "1"}
        return subprocess.run([taplo, "check", "--no-auto-config", *names], cwd=rules, env=env, capture_output=True, text=True)

    good = taplo_check(*(p.name for p in (REPO / "rules").glob("*.toml")))
    assert good.returncode == 0, good.stderr
    bad = taplo_check("bad.toml")
    assert bad.returncode == 1
    assert 'error: "one" is not of type "integer"' in bad.stderr and "bad.toml:6:7" in bad.stderr
