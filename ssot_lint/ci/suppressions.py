"""``# ssot: ignore[ID, ...]`` comments: find them, silence the findings they cover, and report
the ones that silence nothing.

A comment covers a finding when it sits on the finding's first line or on the first line of the
finding's statement (``Finding.stmt_line``), and names the finding's rule (a bare
``# ssot: ignore`` names every rule). Only real comments count: the tokenizer tells a comment
from ``#`` inside a string.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from ssot_lint.model import PARSE_ERROR_ID, UNUSED_SUPPRESSION_ID, Finding, Suppression

MARKER = "ssot:"
_DIRECTIVE = re.compile(r"(?<![\w-])ssot:\s*ignore(?![\w-])")
_RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def scan(text: str) -> tuple[Suppression, ...]:
    """Every suppression comment in ``text``. Files that do not tokenize keep the comments
    found before the error (only SSOT000 can be reported in such a file anyway)."""
    if MARKER not in text:  # cheap: most files never mention it
        return ()
    found: list[Suppression] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT and MARKER in token.string:
                found.extend(_parse_comment(token.string, token.start[0], token.start[1] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return tuple(found)


def _parse_comment(comment: str, line: int, col: int) -> Iterable[Suppression]:
    end_col = col + len(comment)
    text = comment.strip()
    for match in _DIRECTIVE.finditer(comment):
        rest = comment[match.end() :]
        if not rest.startswith("["):
            yield Suppression(line, col, end_col, (), "", text)
            continue
        close = rest.find("]")
        if close < 0:
            yield Suppression(line, col, end_col, (), "malformed suppression comment: missing ']'", text)
            continue
        ids = tuple(part.strip() for part in rest[1:close].split(",") if part.strip())
        bad = [i for i in ids if not _RULE_ID.match(i)]
        if not ids or bad:
            problem = f"malformed rule id {bad[0]!r}" if bad else "names no rule id"
            yield Suppression(line, col, end_col, (), f"malformed suppression comment: {problem}", text)
            continue
        yield Suppression(line, col, end_col, ids, "", text)


def covers(comment: Suppression, finding: Finding) -> bool:
    if comment.problem or comment.line not in (finding.line, finding.stmt_line):
        return False
    return not comment.rule_ids or finding.rule_id in comment.rule_ids


def apply(findings: Iterable[Finding], comments: dict[str, tuple[Suppression, ...]]) -> tuple[list[Finding], list[Finding]]:
    """Split ``findings`` (with paths) into (kept, suppressed)."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        here = comments.get(finding.path, ())
        if any(covers(c, finding) for c in here):
            suppressed.append(finding)
        else:
            kept.append(finding)
    return kept, suppressed


def unused(
    comments: dict[str, tuple[Suppression, ...]],
    suppressed: Sequence[Finding],
    known_ids: Iterable[str],
    judged: Callable[[str, str], bool],
) -> list[Finding]:
    """SSOT001 findings for comments that silence nothing.

    ``known_ids`` are the ids of every loaded rule; ``judged(rule_id, path)`` tells whether this
    run saw everything that rule could report in that file. A comment naming a rule that is
    known but not judged (deselected, or project-wide and skipped in --per-file mode) is left
    alone: it may well silence something in a full run.
    """
    known = set(known_ids) | {PARSE_ERROR_ID}
    used: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    for finding in suppressed:
        for comment in comments.get(finding.path, ()):
            if covers(comment, finding):
                used[(finding.path, comment.line, comment.col)].add(finding.rule_id)
    out: list[Finding] = []
    for path, path_comments in sorted(comments.items()):
        for comment in path_comments:
            hit = used.get((path, comment.line, comment.col), set())

            def report(message: str, key: str) -> None:
                out.append(
                    Finding(
                        UNUSED_SUPPRESSION_ID,
                        comment.line,
                        comment.col,
                        comment.line,
                        comment.end_col,
                        message,
                        "warning",
                        path,
                        f"{comment.text} {key}",
                        comment.line,
                    )
                )

            if comment.problem:
                report(comment.problem, "")
            elif not comment.rule_ids:
                if not hit and all(judged(rule_id, path) for rule_id in known):
                    report("unused suppression: no finding on this line or statement to silence", "*")
            else:
                for rule_id in comment.rule_ids:
                    if rule_id not in known:
                        report(f"unknown rule id {rule_id!r} in suppression comment", rule_id)
                    elif rule_id not in hit and judged(rule_id, path):
                        report(f"unused suppression: no {rule_id} finding on this line or statement", rule_id)
    return out
