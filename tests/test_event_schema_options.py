"""event-schema options no event can satisfy are config errors at the option's line; the
configurations the kind documents still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_cli, write_project
from tests.test_config_errors import check_error

EV = '[[rule]]\nid = "EV1"\nkind = "event-schema"\nevents = ["agent_started"]\n'
DEFAULT = "(by default, 'discriminator' is ['event_type', 'type'])"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            'rename = { c = "d", d = "c" }\n',
            "rules.toml:5: rule EV1: rename: 'c' -> 'd' -> 'c' is a cycle (a key renamed to 'd' is renamed again, so no event ever has the canonical keys)",
        ),
        (
            '[rule.rename]\ntime = "ts"\na = "b"\nb = "c"\n',
            "rules.toml:7: rule EV1: rename: 'a' is renamed to 'b', which is itself renamed to 'c' (rename 'a' to 'c' directly)",
        ),
        ('rename = { a = "a" }\n', "rules.toml:5: rule EV1: rename: 'a' is renamed to itself (a key can never be in the canonical shape)"),
        (
            'allowed = ["type", "data"]\nrequired = ["type", "ts"]\n',
            "rules.toml:6: rule EV1: required: 'ts' is not in 'allowed', so no event can pass (with it, it is not allowed at top level; without it, it is missing)",
        ),
        (
            'required = ["type"]\nrename = { type = "event_type" }\n',
            "rules.toml:5: rule EV1: required: 'type' is renamed to 'event_type' by 'rename', so no event can have it (require 'event_type')",
        ),
        (
            'allowed = ["event_type", "data"]\n',
            f"rules.toml:5: rule EV1: allowed: leaves out the discriminator key 'type' {DEFAULT}, so every event named by it is flagged "
            "\"'type' is not allowed at top level\" (add it to 'allowed', rename it, or set 'discriminator')",
        ),
        (
            'discriminator = "kind"\nallowed = ["event_type", "data"]\n',
            "rules.toml:6: rule EV1: allowed: leaves out the discriminator key 'kind', so every event named by it is flagged "
            "\"'kind' is not allowed at top level\" (add it to 'allowed', rename it, or set 'discriminator')",
        ),
    ],
    ids=["rename-cycle", "rename-chain", "rename-to-itself", "required-not-allowed", "required-renamed", "default-discriminator", "own-discriminator"],
)
def test_options_no_event_can_satisfy_are_refused_at_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: str, expected: str) -> None:
    assert check_error(tmp_path, monkeypatch, EV + options) == f"ssot-lint: error: {expected}"
    assert check_error(tmp_path / "fix", monkeypatch, EV + options, args=["fix", "--unsafe-fixes"]) == f"ssot-lint: error: {expected}"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        # the kind's own examples: a legacy discriminator renamed to an allowed key
        ('required = ["event_type", "timestamp"]\nallowed = ["event_type", "timestamp", "data"]\nrename = { type = "event_type", time = "timestamp" }\n', 1),
        # one discriminator key, allowed
        ('discriminator = ["type"]\nrequired = ["type"]\nallowed = ["id", "type", "event"]\n', 0),
        # both default discriminator keys allowed; renames into one canonical key
        ('allowed = ["event_type", "type", "data"]\nrename = { kind = "event_type", t = "event_type" }\n', 1),
        # no allowed: any key may stay at top level
        ('required = ["event_type", "ts"]\n', 0),
    ],
    ids=["renamed-discriminator", "own-discriminator", "two-renames-one-key", "no-allowed"],
)
def test_satisfiable_options_still_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: str, code: int) -> None:
    write_project(tmp_path, {"a.py": 'e = {"event_type": "agent_started", "timestamp": 1, "ts": 1, "data": {}}\n'}, EV + options)
    result = run_cli(["check", "--no-cache", "-q"], tmp_path, monkeypatch)
    assert (result.exit_code, result.stderr) == (code, "")  # 1: the event has keys not allowed
