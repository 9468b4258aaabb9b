"""The survey as text (ranked, for a person) or JSON (for scripts)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ssot_lint.report import plural
from ssot_lint.survey import Survey

_SHOWN = 10


def as_dict(survey: Survey) -> dict[str, Any]:
    return {
        "root": str(survey.root),
        "files": survey.files,
        "scanned": survey.scanned,
        "parse_errors": survey.parse_errors,
        "modules": survey.modules,
        "ranked": [{"sites": n, "debt": kind, "what": what} for n, kind, what in survey.ranked()],
        "deprecations": [dataclasses.asdict(d) for d in survey.deprecations],
        "families": [
            {
                "stem": f.stem,
                "name": f.name,
                "count": len(f.members),
                "modules": f.modules,
                "canonical": f.canonical,
                "members": [{"target": m.target, "path": m.ref.path, "line": m.line, "imports": f.imports.get(m.target, 0)} for m in f.members],
            }
            for f in survey.families
        ],
        "duplicates": {
            "names": survey.duplicate_names,
            "top": [{"name": d.name, "places": [f"{p}:{line}" for p, line in d.places]} for d in survey.duplicates],
            "in_tests": survey.test_duplicate_names,
            "in_tests_top": [{"name": d.name, "places": [f"{p}:{line}" for p, line in d.places]} for d in survey.test_duplicates],
            "homonyms": survey.homonym_names,
            "homonyms_top": [{"name": d.name, "places": [f"{p}:{line}" for p, line in d.places]} for d in survey.homonyms],
        },
        "conventions": [{"what": c.what, "modules": c.count, "where": c.pattern, "example_code": c.example} for c in survey.conventions],
        "events": [
            {
                "key": e.key,
                "value": e.value,
                "count": e.count,
                "variants": [{"keys": list(keys), "count": n} for keys, n in e.variants],
                "places": [f"{p}:{line}" for p, line in e.places],
            }
            for e in survey.events
        ],
        "project_wide": survey.project_wide,
        "configured": [{"id": r.id, "kind": r.kind, "at": f"{r.meta.origin}:{r.meta.line}"} for r in survey.configured],
    }


def to_json(survey: Survey, written: dict[str, Any] | None = None) -> str:
    data = as_dict(survey)
    if written is not None:
        data["written"] = written
    return json.dumps(data, indent=2) + "\n"


def to_text(survey: Survey) -> str:
    # Counted as `check` counts them: a file that does not parse is not one of those scanned.
    out = [f"SSOT debt survey: {plural(survey.scanned, 'file')} scanned, {plural(survey.parse_errors, 'parse error')}", ""]
    ranked = survey.ranked()
    if ranked:
        out.append("Ranked by sites to change:")
    elif not survey.files:
        out.append("Nothing to survey: no Python file is in scope.")
    elif survey.configured:  # the survey looks for new debt; what the rules check, `check` counts
        out.append("No SSOT debt found beyond what the configured rules check (`ssot-lint check` reports their findings).")
    else:
        out.append("No SSOT debt found.")
    for n, kind, what in ranked[:_SHOWN]:
        out.append(f"  {n:>6}  {kind:<21} {what}")
    if len(ranked) > _SHOWN:
        out.append(f"  ... and {len(ranked) - _SHOWN} more (--format json lists all)")
    if survey.deprecations:
        out += ["", f"Declared deprecations ({len(survey.deprecations)}; imports that still run or name each):"]
        for d in survey.deprecations[:_SHOWN]:
            out.append(f"  {d.imports:>6}  {d.what} {d.target} ({d.how}, {d.declared})")
            out.append(f'          "{d.text}"')
            out.append(f"          replacement: {d.replacement}" if d.replacement else f"          no replacement: {d.reason}")
        if len(survey.deprecations) > _SHOWN:
            out.append(f"  ... and {len(survey.deprecations) - _SHOWN} more")
    if survey.families:
        out += ["", "Class families (single-implementation candidates):"]
        for f in survey.families:
            out.append(
                f"  {f.stem}: {plural(len(f.members), 'class', 'classes')} in {plural(f.modules, 'module')}; most imported: {f.canonical} ({f.imports.get(f.canonical, 0)} imports)"
            )
            names = ", ".join(m.qualname for m in f.members[:8]) + (", ..." if len(f.members) > 8 else "")
            out.append(f"          {names}")
    if survey.duplicates:
        out += ["", f"Class names defined in 3+ modules outside tests: {survey.duplicate_names}; most duplicated:"]
        out += [f"  {len(d.places):>6}  {d.name}" for d in survey.duplicates[:_SHOWN]]
    for example, why in (
        (False, "conventions (defined by nearly every module of the folders they are in, for a loader to find)"),
        (True, "example code (defined by nearly every module of the example folders they are in: each example its own program)"),
    ):
        conventions = [c for c in survey.conventions if c.example == example]
        if conventions:
            out += ["", f"Set aside as {why}: {len(conventions)}"]
            out += [f"  {c.count:>6}  {c.what} ({c.pattern})" for c in conventions[:_SHOWN]]
            if len(conventions) > _SHOWN:
                out.append(f"  ... and {len(conventions) - _SHOWN} more")
    if survey.test_duplicate_names:
        most = ", ".join(f"{d.name} ({len(d.places)})" for d in survey.test_duplicates[:5])
        out += ["", f"Set aside as test code (class names in 3+ modules only when tests count): {survey.test_duplicate_names}; most: {most}"]
    if survey.homonym_names:
        most = ", ".join(f"{d.name} ({len(d.places)})" for d in survey.homonyms[:5])
        out += [
            "",
            f"Set aside as homonyms (class names in 3+ modules outside tests whose bodies are not copies of each other): {survey.homonym_names}; most: {most}",
        ]
    if survey.events:
        out += ["", "Event-like dict shapes (by discriminator value; key sets seen):"]
        for e in survey.events[:_SHOWN]:
            out.append(f"  {e.count:>6}  {e.key}={e.value!r}: {plural(len(e.variants), 'key set')}")
    wide = ", ".join(f"{kind} {n}" for kind, n in survey.project_wide.items())
    out += ["", f"Project-wide: {wide}"]
    if survey.configured:
        shown = ", ".join(f"{r.id} ({r.kind})" for r in survey.configured[:_SHOWN]) + (", ..." if len(survey.configured) > _SHOWN else "")
        out += ["", f"Configured rules ({len(survey.configured)}; the starter leaves out what they check): {shown}"]
    return "\n".join(out) + "\n"
