"""A finding's identity across runs, without line numbers.

Identity = rule id + path + the normalised source of the flagged node (``Finding.anchor``) +
the occurrence index among findings with the same (rule, path, anchor) in file order. Inserting
lines above a violation, or editing code around it, keeps its identity; a second identical
violation in the same file gets the next index. The baseline, SARIF ``partialFingerprints`` and
GitLab fingerprints all come from here.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable

from ssot_lint.model import Finding

_LONG = 160  # anchors longer than this are stored shortened, with a hash of the whole


def anchor_key(anchor: str) -> str:
    """The anchor as stored in a baseline: verbatim when short, else a prefix plus a hash."""
    if len(anchor) <= _LONG:
        return anchor
    digest = hashlib.sha256(anchor.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{anchor[:100]}... #{digest}"


def identity(finding: Finding) -> tuple[str, str, str]:
    """(path, rule id, anchor key): what identical findings share."""
    return finding.path, finding.rule_id, anchor_key(finding.anchor)


def digest(key: tuple[str, str, str], index: int) -> str:
    path, rule_id, anchor = key
    h = hashlib.sha256()
    for part in (rule_id, path, anchor, str(index)):
        h.update(part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def in_file_order(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.col, f.end_line, f.end_col, f.rule_id, f.message))


def with_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """The findings (in file order) with ``fingerprint`` filled in."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in in_file_order(findings):
        key = identity(finding)
        out.append(dataclasses.replace(finding, fingerprint=digest(key, seen[key])))
        seen[key] += 1
    return out
