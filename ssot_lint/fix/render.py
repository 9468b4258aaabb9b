"""What ``ssot-lint fix`` prints: the diff (stdout), the summary of what was fixed and left
(stderr), and its exit status."""

from __future__ import annotations

from ssot_lint.fix.engine import FileFix, FixResult
from ssot_lint.fix.textdiff import unified_diff
from ssot_lint.run.aggregation import fails_check


def exit_status(result: FixResult, fail_on: str) -> bool:
    """Whether ``fix`` fails: a finding at or above ``fail_on`` remains after fixing (whether
    a fix exists for it or not, and not in the baseline: the verdict ``check`` would now give),
    or, with ``--diff``, a file would change."""
    judged = result.judged if result.judged is not None else result.report
    return fails_check(judged, fail_on) or (not result.write and bool(result.files))


UNSAFE_HEADER = "# ssot-lint: unsafe fix at "


def unsafe_headers(fix: FileFix) -> list[str]:
    """One line per unsafe fix in a file's diff, before its ``---`` line, saying where it is and
    why it is unsafe. ``patch`` and ``git apply`` skip text between one file's hunks and the next
    file's header (as they skip git's extended headers and a mail's prose), so the diff still
    applies as it is."""
    headers = []
    for rule_id, line, col, note in sorted(fix.notes, key=lambda n: (n[1], n[2], n[0])):
        headers.append(f"{UNSAFE_HEADER}{fix.ref.path}:{line}:{col} ({rule_id}): {note.removeprefix('unsafe fix applied: ')}\n")
    return headers


def render_diff(result: FixResult) -> bytes:
    """A unified diff of every file changed, each file's unsafe fixes named above it.

    Bytes, as ``git diff`` writes them: each file's lines exactly as they are on disk (its
    encoding, a BOM, a form feed, which ``str.splitlines`` would take for a line break), so that
    ``git apply`` and ``patch`` apply the diff to a latin-1 file or one with a BOM too; the
    headers and paths in UTF-8."""
    chunks: list[bytes] = []
    for fix in sorted(result.files, key=lambda f: f.ref.path):
        chunks.extend(header.encode() for header in unsafe_headers(fix))
        path = fix.ref.path.encode().decode("latin-1")  # latin-1 maps bytes to text one to one
        before = [line.decode("latin-1") for line in fix.before.splitlines(keepends=True)]
        after = [line.decode("latin-1") for line in fix.after.splitlines(keepends=True)]
        for line in unified_diff(before, after, f"a/{path}", f"b/{path}"):
            chunks.append((line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n").encode("latin-1"))
    return b"".join(chunks)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def headline(result: FixResult) -> str:
    """``3 files changed, 2 findings fixed, 4 findings left (1 partly fixed)``: a finding left
    whose statement the fix split (the names that exist in the replacement moved) is partly
    fixed, so a file changes even when no finding is gone."""
    files, fixed, left = _plural(len(result.files), "file"), _plural(result.fixed, "finding"), _plural(len(result.left), "finding")
    unsafe = f" ({result.unsafe_fixed} by unsafe fixes)" if result.unsafe_fixed else ""
    partly = f" ({result.partly} partly fixed)" if result.partly else ""
    if result.write:
        return f"{files} changed, {fixed} fixed{unsafe}, {left} left{partly}"
    return f"{files} would change, {fixed} would be fixed{unsafe}, {left} would be left{partly}"


def unsafe_hint(count: int) -> str:
    """The closing line when ``count`` findings have unsafe fixes that were not applied."""
    return f"{count} unsafe fix{'es' if count != 1 else ''} not applied: `--unsafe-fixes` applies {'them' if count != 1 else 'it'}"


def render_summary(result: FixResult) -> str:
    """The headline; every finding left with the reason it was not fixed (per rule, for kinds
    that never fix); what to know about
    the unsafe fixes applied (code that still reads what they changed); how many unsafe fixes
    ``--unsafe-fixes`` would apply."""
    lines = [headline(result) + (":" if result.left or result.notes else ".")]
    unfixable: dict[str, tuple[str, int]] = {}  # rule -> (kind, findings): kinds that never fix
    for item in result.left:
        f = item.finding
        if item.no_autofix:
            unfixable[f.rule_id] = (item.no_autofix, unfixable.get(f.rule_id, ("", 0))[1] + 1)
        else:
            lines.append(f"  {f.path}:{f.line}:{f.col}: {f.rule_id} {item.reason}")
    # One line per rule of a kind that never fixes: listing each of its findings (945 duplicate
    # definitions on Django) would bury the few a fix could not apply; `check` lists them.
    for rule_id, (kind, count) in sorted(unfixable.items()):
        lines.append(f"  {rule_id}: {_plural(count, 'finding')} left, no autofix for {kind} rules (`ssot-lint check --select {rule_id}` lists them)")
    lines += [f"  {note}" for note in result.notes]
    if result.judged is not None and result.judged.baseline is not None and result.judged.baseline.baselined:
        count = result.judged.baseline.baselined
        one = count == 1
        lines.append(
            f"{_plural(count, 'finding')} left {'is' if one else 'are'} in the baseline ({result.judged.baseline.path}): `check` does not fail on {'it' if one else 'them'}"
        )
    if result.unsafe_left:
        lines.append(unsafe_hint(result.unsafe_left))
    return "\n".join(lines) + "\n"
