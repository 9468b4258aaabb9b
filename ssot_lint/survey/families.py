"""Candidates the survey derives from the collected facts: class families by distinctive name
stem, names defined in several modules, event-like dict shapes.

A class name splits into CamelCase tokens (``UnifiedWebSocketManager``: Unified, Web, Socket,
Manager). A *stem* is a run of tokens (the *core*) followed, anywhere later, by the name's last
token (the *role*): ``WebSocket`` + ``Manager`` is ``*WebSocket*Manager``. A family is every
class (not a test double, not in a test module) whose name matches the stem's regex; the stems
with the largest families are proposed, most specific first, each family proposed once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ssot_lint.model import FileRef
from ssot_lint.survey.collect import ClassFact, ShapeFact

_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z][a-z]+|[A-Z]+|[a-z]+|\d+")
# Test doubles and names that are roles by construction: not implementations of a concept.
EXCLUDE_NAMES = r"^(Test|Mock|Fake|Stub|Dummy)|(Test|Tests|TestCase|Factory|Protocol|Mixin|Error|Exception|Warning)$"
_EXCLUDE = re.compile(EXCLUDE_NAMES)
# Tokens that say nothing about the concept on their own.
_GENERIC = frozenset(
    "Base Abstract Abc Default Simple Generic Custom Common Core Main My New Old Legacy Unified Async Sync The Of For And Or To In With Non Not Extended "
    "Get Set Is Has Type Types Data Info Item Items Object Value Values Impl Class Util Utils Helper Helpers I V".split()
)
MIN_FAMILY = 3
MAX_FAMILIES = 5
MAX_FAMILY_SIZE = 60  # a larger "family" is a naming convention (every *Config), not one concept


def tokens(name: str) -> list[str]:
    return _TOKEN.findall(name)


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith(("_test.py", "_tests.py"))
        or name == "conftest.py"
    )


@dataclass
class Member:
    ref: FileRef
    qualname: str
    line: int

    @property
    def target(self) -> str:
        return f"{self.ref.module}:{self.qualname}"


@dataclass
class Family:
    stem: str  # *WebSocket*Manager
    name: str  # the regex for single-implementation's `name`
    members: list[Member]
    canonical: str = ""
    imports: dict[str, int] = field(default_factory=dict)  # member target -> imports naming it

    @property
    def modules(self) -> int:
        return len({m.ref.module for m in self.members})


def families(classes: Iterable[tuple[FileRef, ClassFact]]) -> list[Family]:
    """The largest class families by stem (at most ``MAX_FAMILIES``), largest first."""
    pool = [(ref, c) for ref, c in classes if not is_test_path(ref.path) and not _EXCLUDE.search(c.qualname.rsplit(".", 1)[-1])]
    stems: dict[tuple[str, str], list[tuple[FileRef, ClassFact]]] = defaultdict(list)
    for ref, cls in pool:
        parts = tokens(cls.qualname.rsplit(".", 1)[-1])
        if len(parts) < 2:
            continue
        role = parts[-1]
        if not role.isalpha() or len(role) < 3:
            continue  # Model2016, IO: no role word to name a family by
        seen = set()
        for i in range(len(parts) - 1):
            for j in range(i + 1, min(i + 4, len(parts))):
                core = "".join(parts[i:j])
                if all(t in _GENERIC for t in parts[i:j]) or len(core) < 3 or (core, role) in seen:
                    continue
                seen.add((core, role))
                stems[(core, role)].append((ref, cls))
    ranked = sorted(
        ((members, core, role) for (core, role), members in stems.items() if MIN_FAMILY <= len(members) <= MAX_FAMILY_SIZE),
        key=lambda item: (-len(item[0]), -len(item[1]), item[1], item[2]),
    )
    chosen: list[Family] = []
    taken: set[tuple[str, str]] = set()
    for members, core, role in ranked:
        keys = {(ref.path, cls.qualname) for ref, cls in members}
        if len({ref.module for ref, _ in members}) < 2 or len(keys & taken) * 2 > len(keys):
            continue
        regex = f"{core}\\w*{role}$" if not core.endswith(role) else f"{core}$"
        pattern = re.compile(regex)
        # The family is what the generated rule will count: every pooled class its regex selects.
        selected = [Member(ref, c.qualname, c.line) for ref, c in pool if pattern.search(c.qualname.rsplit(".", 1)[-1])]
        if not MIN_FAMILY <= len(selected) <= MAX_FAMILY_SIZE:
            continue
        taken |= {(m.ref.path, m.qualname) for m in selected}
        chosen.append(Family(f"*{core}*{role}", regex, selected))
        if len(chosen) == MAX_FAMILIES:
            break
    return chosen


@dataclass
class Duplicate:
    name: str
    places: list[tuple[str, int]]  # (path, line)


def duplicates(classes: Iterable[tuple[FileRef, str, int]], min_count: int = 3, limit: int = 10) -> tuple[list[Duplicate], int]:
    """Top-level class names defined in ``min_count`` or more modules (the ``limit`` most
    duplicated), and how many such names there are."""
    by_name: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for ref, name, line in classes:
        by_name[name].append((ref.path, line))
    found = [Duplicate(name, sorted(places)) for name, places in by_name.items() if len({p for p, _ in places}) >= min_count]
    found.sort(key=lambda d: (-len(d.places), d.name))
    return found[:limit], len(found)


@dataclass
class EventShape:
    value: str
    key: str
    count: int
    variants: list[tuple[tuple[str, ...], int]]  # key sets, most common first
    places: list[tuple[str, int]]


def event_shapes(shapes: Iterable[tuple[FileRef, ShapeFact]], limit: int = 15) -> list[EventShape]:
    """Dicts grouped by discriminator value (only values seen in 2+ dicts), most frequent first."""
    groups: dict[str, list[tuple[FileRef, ShapeFact]]] = defaultdict(list)
    for ref, shape in shapes:
        groups[shape.value].append((ref, shape))
    found = []
    for value, items in groups.items():
        if len(items) < 2:
            continue
        variants = Counter(s.keys for _, s in items)
        key = Counter(s.key for _, s in items).most_common(1)[0][0]
        places = sorted((ref.path, s.line) for ref, s in items)
        found.append(EventShape(value, key, len(items), sorted(variants.items(), key=lambda kv: (-kv[1], kv[0])), places))
    found.sort(key=lambda e: (-e.count, e.value))
    return found[:limit]
