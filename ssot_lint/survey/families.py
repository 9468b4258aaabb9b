"""Candidates the survey derives from the collected facts: class families by distinctive name
stem, names defined in several modules, event-like dict shapes.

A class name splits into CamelCase tokens (``UnifiedWebSocketManager``: Unified, Web, Socket,
Manager). A *stem* is a run of tokens (the *core*) followed, anywhere later, by the name's last
token (the *role*): ``WebSocket`` + ``Manager`` is ``*WebSocket*Manager``. A family is every
class (not a test double, not in a test module) whose name matches the stem's regex, which is
bounded where tokens are (``stem_regex``: not ``CompilerState`` for ``*Compile*State``); the stems
with the largest families are proposed, most specific first, each family proposed once. A class
is counted by one proposed family at most (a family whose regex selects a class an earlier one
counts is not proposed), and a family named by a modifier (``*Multi*View``: its classes are
Multi variants of other classes, ``_named_by_modifier``) comes after the families named by the
concepts whose stems take in its classes, so it is not proposed when one of them is.

A type-only class (a ``typing.Protocol``, a structural type; a class under ``if TYPE_CHECKING:``)
is no implementation: it forms no stem, and it is no member. ``single-implementation`` counts
classes by name, so the names of the type-only classes a family's regex selects are excluded
by name (``Family.type_only``), and a class of the project that shares one such name with them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from ssot_lint.kinds.text import camel_tokens
from ssot_lint.model import FileRef
from ssot_lint.survey.collect import ClassFact, ShapeFact
from ssot_lint.survey.conventions import Convention, Layout, looked_up

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


tokens = camel_tokens


# What `is_test_path` calls test code, as a rule's `exclude` (gitignore patterns) says it.
# How similar same-named classes' member names must be to count as copies (duplicate-definition's
# ``min-similarity``; measured in docs/discovery.md: homonyms score at most 0.33, copies 0.6 and more).
MIN_SIMILARITY = 0.5
TEST_EXCLUDE = ("tests/", "test/", "testing/", "test_*.py", "*_test.py", "*_tests.py", "conftest.py")


def is_test_path(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith(("_test.py", "_tests.py"))
        or name == "conftest.py"
    )


def stem_regex(core: list[str], role: str) -> str:
    """The regex of the names whose CamelCase tokens hold the run ``core`` and end with ``role``
    (``Compile(?![a-z])\\w*State$``): each bounded where ``camel_tokens`` bounds a token, so that
    ``*Compile*State`` takes in ``ORMCompileState`` but not ``CompilerState`` (Compiler + State)."""
    text = "".join(core)
    if text.endswith(role):
        return f"{_token_start(core[0])}{text}$"
    return f"{_token_start(core[0])}{text}{_token_end(core[-1])}\\w*{_token_start(role)}{role}$"


def _token_start(token: str) -> str:
    """What must not come before ``token`` for it to start one. A capitalised word always starts
    one; so does an acronym, as far as a regex can tell: a run of capitals may be several
    (``_PGJSONIndexType`` is PG + JSON, though ``camel_tokens`` reads ``PGJSON``)."""
    if token.isdigit():
        return r"(?<!\d)"
    return r"(?<![A-Za-z])" if token.islower() else ""


def _token_end(token: str) -> str:
    """What must not come after ``token`` for it to end one: a lower-case letter continues a word
    (``Compiler``); after an acronym, capitals may be another (``JSONBType``: JSON + B)."""
    return r"(?!\d)" if token.isdigit() else "(?![a-z])"


def is_example_path(path: str) -> bool:
    """Example code: a module in an ``examples`` (or ``example``) folder, a program of its own."""
    return any(p in ("examples", "example") for p in path.split("/")[:-1])


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
    type_only: list[str] = field(default_factory=list)  # names of type-only classes the regex selects: excluded by name

    @property
    def modules(self) -> int:
        return len({m.ref.module for m in self.members})


def families(
    classes: Iterable[tuple[FileRef, ClassFact]],
    layout: Layout | None = None,
    set_aside: list[Convention] | None = None,
    imported: Callable[[str, str, Collection[str]], bool] = lambda path, name, among: False,
) -> list[Family]:
    """The largest class families by stem (at most ``MAX_FAMILIES``), largest first. With a
    ``layout``, a family whose members' modules follow a convention (one class per backend's
    ``base.py``) and that are mostly not imported by name (see ``conventions.looked_up``) is not
    proposed but added to ``set_aside``."""
    candidates = [(ref, c) for ref, c in classes if not is_test_path(ref.path) and not _EXCLUDE.search(c.qualname.rsplit(".", 1)[-1])]
    pool = [(ref, c) for ref, c in candidates if not c.type_only]
    type_only = sorted({c.qualname.rsplit(".", 1)[-1] for _, c in candidates if c.type_only})
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
        (
            (members, core, role)
            for (core, role), members in stems.items()
            if MIN_FAMILY <= len(members) <= MAX_FAMILY_SIZE and len({ref.module for ref, _ in members}) >= 2
        ),
        key=lambda item: (-len(item[0]), -len(item[1]), item[1], item[2]),
    )
    names = {cls.qualname.rsplit(".", 1)[-1] for _, cls in pool}
    modifiers = {(core, role) for members, core, role in ranked if _named_by_modifier(tokens(core), [cls.qualname for _, cls in members], names)}
    # The classes some concept family's stem takes in: a family named by a modifier that shares
    # one of them waits until the concepts' families are proposed (its classes are variants of
    # those concepts), and is proposed after them only if none of them counts one of its classes.
    in_concepts = {(ref.path, cls.qualname) for members, core, role in ranked if (core, role) not in modifiers for ref, cls in members}
    chosen: list[Family] = []
    taken: set[tuple[str, str]] = set()  # members of the families proposed or set aside so far
    counted: set[tuple[str, str]] = set()  # members of the families proposed so far
    waits = {(core, role) for members, core, role in ranked if (core, role) in modifiers and _keys(members) & in_concepts}
    # The waiting families last; within each part, the ranked order (sorted is stable).
    for members, core, role in sorted(ranked, key=lambda item: (item[1], item[2]) in waits):
        keys = _keys(members)
        if len(keys & taken) * 2 > len(keys):
            continue
        regex = stem_regex(tokens(core), role)
        pattern = re.compile(regex)
        # The family is what the generated rule will count: every pooled class its regex selects,
        # but for the names of type-only classes, which the rule excludes.
        hidden = [name for name in type_only if pattern.search(name)]
        selected = [Member(ref, c.qualname, c.line) for ref, c in pool if _selected(pattern, c.qualname, hidden)]
        if not MIN_FAMILY <= len(selected) <= MAX_FAMILY_SIZE or len({m.ref.module for m in selected}) < 2:
            continue  # (fewer modules than the stem's only when type-only names took members out)
        if any((m.ref.path, m.qualname) in counted for m in selected):
            # With a class counted by two rules, one new class like it trips two ratchets: the
            # written rule counts every class its regex selects, so the regex must select none
            # that a family proposed before counts (networkx's MultiDegreeView, in *Degree*View).
            continue
        taken |= {(m.ref.path, m.qualname) for m in selected}
        where = layout.convention({m.ref.path for m in selected}) if layout is not None else None
        if where is not None and looked_up([(m.ref.path, m.qualname) for m in selected], imported):
            if set_aside is not None:
                set_aside.append(Convention(f"*{core}*{role}", len(selected), where, all(is_example_path(m.ref.path) for m in selected)))
            continue
        counted |= {(m.ref.path, m.qualname) for m in selected}
        chosen.append(Family(f"*{core}*{role}", regex, selected, type_only=hidden))
        if len(chosen) == MAX_FAMILIES:
            break
    return chosen


def _keys(members: Iterable[tuple[FileRef, ClassFact]]) -> set[tuple[str, str]]:
    return {(ref.path, cls.qualname) for ref, cls in members}


def _named_by_modifier(core: list[str], members: Iterable[str], names: Collection[str]) -> bool:
    """Whether the stem ``core`` names variants rather than a concept: in most of ``members``
    (qualnames), the name without the core is the name of another class of the project (``names``)
    and keeps a concept token, one that is no generic word, between the core and the role.

    networkx's views are Di/Multi/In/Out variants of three concepts, subclasses of one another:
    without ``Multi``, MultiDegreeView is DegreeView, MultiAdjacencyView AdjacencyView,
    InMultiEdgeView InEdgeView; ``*Multi*View`` mixes the three. SymPy's InverseLaplaceTransform
    is LaplaceTransform's inverse. A concept token that comes last before the role is the
    concept itself: Django's IntegerRangeField is a RangeField, though IntegerField is a class too,
    and ``*Range*Field`` is no modifier's family. A list of modifier words would miss the next
    project's (``Di``, ``Inverse``) and take in a word that another project uses for a concept;
    the names the project defines say which it is."""
    variants = total = 0
    for qualname in members:
        total += 1
        parts = tokens(qualname.rsplit(".", 1)[-1])
        at = next((i for i in range(len(parts) - len(core)) if parts[i : i + len(core)] == core), None)
        if at is None:
            continue
        between = parts[at + len(core) : -1]
        rest = parts[:at] + parts[at + len(core) :]
        if any(t not in _GENERIC for t in between) and "".join(rest) in names:
            variants += 1
    return variants * 2 > total


def _selected(pattern: re.Pattern[str], qualname: str, hidden: Collection[str]) -> bool:
    name = qualname.rsplit(".", 1)[-1]
    return pattern.search(name) is not None and name not in hidden


@dataclass
class Duplicate:
    name: str
    places: list[tuple[str, int]]  # (path, line), one per module


@dataclass
class Duplicates:
    """Top-level class names defined in 3+ modules, split three ways: names that reach 3 modules
    only with test code (``in_tests``, the most duplicated of ``in_tests_count``); of the others,
    judged on their modules outside tests, framework conventions (``conventions``: name, modules
    counting tests, where) and the debt (``top``, the most duplicated of ``count``, counted
    outside tests as the starter's DUP1 counts them)."""

    top: list[Duplicate]
    count: int
    conventions: list[Convention]
    in_tests: list[Duplicate]
    in_tests_count: int
    # Names in 3+ modules outside tests whose bodies are not copies of each other (no cluster
    # of similar bodies in 3 modules): one name for different concepts, set apart.
    homonyms: list[Duplicate] = field(default_factory=list)
    homonyms_count: int = 0


def duplicates(
    by_name: dict[str, list[tuple[str, int]]],
    layout: Layout,
    classes: Iterable[tuple[str, str]] = (),
    imported: Callable[[str, str, Collection[str]], bool] = lambda path, name, among: False,
    min_count: int = 3,
    limit: int = 10,
    similar: dict[str, list[tuple[str, int]]] | None = None,
) -> Duplicates:
    """``by_name``: each class name's definitions, one (path, line) per module, as
    ``duplicate-definition`` counts them (so the survey and a check agree). ``classes``: every
    top-level class as (path, name); a class whose name ends with a duplicated name
    (``BaseDatabaseFeatures``) follows that name's convention, if it has one. ``imported``: see
    ``conventions.looked_up`` (a convention is looked up by a loader, mostly not imported).
    ``similar``: each name's definitions outside tests that are copies (in a cluster of
    ``min_count`` similar bodies, as ``duplicate-definition``'s ``min-similarity`` clusters
    them); a name that is no convention and has fewer is a homonym, not debt."""
    by_role: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path, cls in classes:
        parts = tokens(cls)
        if parts:
            by_role[parts[-1]].add((path, cls))
    debt: list[Duplicate] = []
    conventions: list[Convention] = []
    in_tests: list[Duplicate] = []
    homonyms: list[Duplicate] = []
    for name, places in by_name.items():
        if len(places) < min_count:
            continue
        outside = [place for place in places if not is_test_path(place[0])]
        if len(outside) < min_count:
            in_tests.append(Duplicate(name, sorted(places)))
            continue
        # Judged outside tests: a test's own EmailBackend, for the setting to name, is no outlier.
        parts = tokens(name)
        # (A one-word name, `Loader`, would take in every `*Loader`: only its own spelling counts.)
        conforming = {path for path, cls in by_role.get(parts[-1], ()) if cls.endswith(name) and not is_test_path(path)} if len(parts) > 1 else set()
        pattern = layout.convention((path for path, _ in outside), conforming)
        if pattern is not None and looked_up([(path, name) for path, _ in outside], imported):
            conventions.append(Convention(name, len(places), pattern, all(is_example_path(path) for path, _ in outside)))
        elif similar is not None and len(similar.get(name, ())) < min_count:
            homonyms.append(Duplicate(name, sorted(outside)))
        else:
            debt.append(Duplicate(name, sorted(similar[name] if similar is not None else outside)))
    for found in (debt, in_tests, homonyms):
        found.sort(key=lambda d: (-len(d.places), d.name))
    conventions.sort(key=lambda c: (-c.count, c.what))
    return Duplicates(debt[:limit], len(debt), conventions, in_tests[:limit], len(in_tests), homonyms[:limit], len(homonyms))


@dataclass
class EventShape:
    value: str
    key: str
    count: int
    variants: list[tuple[tuple[str, ...], int]]  # key sets, most common first
    places: list[tuple[str, int]]


def event_shapes(shapes: Iterable[tuple[FileRef, ShapeFact]], limit: int = 15) -> list[EventShape]:
    """Dicts grouped by discriminator value (only values seen in 2+ dicts), most frequent first;
    outside test code, as families and class names are (SQLAlchemy's ``{"type": "engineer", ...}``
    rows of a polymorphic column are test fixtures, not events)."""
    groups: dict[str, list[tuple[FileRef, ShapeFact]]] = defaultdict(list)
    for ref, shape in shapes:
        if not is_test_path(ref.path):
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
