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

from ssot_lint.model import OWN_KINDS, PARSE_ERROR_ID, UNUSED_SUPPRESSION_ID, Finding, Suppression

MARKER = "ssot:"
# Where a directive is: ``ssot:`` (not inside a longer word), optional spaces, ``ignore`` in any
# case (only lower case is valid; other cases are reported, not silently passed over).
_DIRECTIVE = re.compile(r"(?<![\w-])ssot:\s*(?i:ignore)(?![\w-])")
_RULE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_WORD = re.compile(r"[\w.-]+")
MALFORMED = "malformed suppression comment: "
_SEPARATORS = " \t;|/+&:"  # what people write between ids instead of ','


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
        ids, problem = parse_directive(match.group(), comment[match.end() :])
        yield Suppression(line, col, end_col, ids, MALFORMED + problem if problem else "", text)


def parse_directive(directive: str, rest: str) -> tuple[tuple[str, ...], str]:
    """The rule ids of one ``ssot: ignore`` directive (empty: every rule) and, when it is
    malformed, why (then it silences nothing). ``rest`` is the comment after ``ignore``.

    Valid: ``ssot: ignore`` ending the comment or followed by another ``#`` comment, and
    ``ssot: ignore[ID, ...]`` followed by the end, or by a space and anything (a reason).
    """
    if directive[-6:] != "ignore":
        return (), f"write 'ignore' in lower case ({directive!r})"
    if not rest.startswith("["):
        after = rest.lstrip()
        if not after or after.startswith("#"):
            return (), ""
        if after.startswith("["):
            return (), "no space between 'ignore' and '[' (# ssot: ignore[ID])"
        word = _WORD.search(after)
        if word and _RULE_ID.match(word.group()) and any(c.isupper() or c.isdigit() for c in word.group()):
            return (), f"rule ids go in brackets right after 'ignore' (# ssot: ignore[{word.group()}])"
        return (), "text after a bare 'ignore' (give a reason after another '#', or name rules: ignore[ID])"
    close = rest.find("]")
    if close < 0:
        return (), "missing ']'"
    if close + 1 < len(rest) and not rest[close + 1].isspace():
        return (), f"unexpected {rest[close + 1]!r} after ']' (put a reason after a space or a '#')"
    entries = [part.strip() for part in rest[1:close].split(",")]
    if entries == [""]:
        return (), "names no rule id"
    for entry in entries:
        if not entry:
            return (), "empty entry in the rule id list (separate ids with ',')"
        if not _RULE_ID.match(entry):
            separator = next((c for c in entry if not (c.isalnum() or c in "_-")), "")
            if separator in _SEPARATORS and all(_RULE_ID.match(part) for part in re.split(re.escape(separator) + "+", entry) if part):
                return (), f"rule ids separated by {separator!r} (separate them with ',')"
            return (), f"malformed rule id {entry!r}"
    return tuple(entries), ""


def covers(comment: Suppression, finding: Finding) -> bool:
    return covers_at(comment, finding.rule_id, finding.line, finding.stmt_line)


def covers_at(comment: Suppression, rule_id: str, line: int, stmt_line: int) -> bool:
    """Whether ``comment`` silences a finding of ``rule_id`` on ``line`` whose statement starts
    on ``stmt_line``."""
    if comment.problem or comment.line not in (line, stmt_line):
        return False
    return not comment.rule_ids or rule_id in comment.rule_ids


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
            if comment.problem:
                out.append(_unused_finding(path, comment, comment.problem, ""))
            elif not comment.rule_ids:
                if not hit and all(judged(rule_id, path) for rule_id in known):
                    out.append(_unused_finding(path, comment, "unused suppression: no finding on this line or statement to silence", "*"))
            else:
                for rule_id in comment.rule_ids:
                    if rule_id not in known:
                        out.append(_unused_finding(path, comment, f"unknown rule id {rule_id!r} in suppression comment", rule_id))
                    elif rule_id not in hit and judged(rule_id, path):
                        out.append(_unused_finding(path, comment, f"unused suppression: no {rule_id} finding on this line or statement", rule_id))
    return out


def _unused_finding(path: str, comment: Suppression, message: str, key: str) -> Finding:
    """An SSOT001 finding at ``comment``; ``key`` tells its findings apart in the baseline."""
    severity = OWN_KINDS[UNUSED_SUPPRESSION_ID][1]
    return Finding(
        UNUSED_SUPPRESSION_ID, comment.line, comment.col, comment.line, comment.end_col, message, severity, path, f"{comment.text} {key}", comment.line
    )
