"""``ModuleIndex.of`` within ``sharing()``: one index per run for the kinds that aggregate the same
summaries, and what import-cycle asks of it the same as of an index of its own."""

from __future__ import annotations

from ssot_lint.analysis.file_context import FileContext
from ssot_lint.model import FileRef
from ssot_lint.project import module_index
from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.summary_walk import summarise

FILES = {
    "pkg/__init__.py": ("pkg", True, "from pkg.a import A\n"),
    "pkg/a.py": ("pkg.a", False, "from pkg import b\nclass A: ...\n"),
    "pkg/b.py": ("pkg.b", False, "import pkg.a\n"),
}


def _facts() -> list[tuple[FileRef, object]]:
    facts = []
    for path, (module, is_package, code) in FILES.items():
        ref = FileRef(path, module, is_package)
        facts.append((ref, summarise(FileContext(ref, code))))
    return facts


def test_the_same_entries_share_one_index_only_within_the_block() -> None:
    facts = _facts()
    with module_index.sharing():
        index = ModuleIndex.of(facts)
        assert ModuleIndex.of(list(facts)) is index  # another list of the same objects
        assert ModuleIndex.of(facts, refs_only=True) is index  # refs alone: any index of them
        other = [(ref, summarise(FileContext(ref, FILES[ref.path][2]))) for ref, _ in facts]
        assert ModuleIndex.of(other) is not index  # equal summaries, other objects: not assumed the same
    assert ModuleIndex.of(facts) is not index


def test_a_refs_only_index_answers_as_one_built_from_refs() -> None:
    facts = _facts()
    with module_index.sharing():
        shared = ModuleIndex.of(facts, refs_only=True)
        assert ModuleIndex.of(facts) is not shared  # it holds no summaries: not for the kinds that read them
    own = ModuleIndex([(ref, None) for ref, _ in facts])
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        assert [r for r, _ in shared.candidates(module)] == [r for r, _ in own.candidates(module)]
        assert shared.exists(module) == own.exists(module) and shared.in_project(module) == own.in_project(module)


def test_refs_only_outside_the_block_holds_no_summaries() -> None:
    """import-cycle passes its facts (imports, not summaries): an index of refs must not read them."""
    facts = [(ref, summary.imports) for ref, summary in _facts()]  # type: ignore[attr-defined]
    index = ModuleIndex.of(facts, refs_only=True)
    assert all(summary is None for entries in index.entries.values() for _, summary in entries)
    assert index.imported("pkg.a", "Missing").in_project  # asks resolves(): a summary would be read


def test_what_an_import_finds_is_kept_only_when_no_importer_changes_it() -> None:
    """``ModuleIndex.imported`` is asked once per (module, name), except where the importing file
    decides: ``tests/sphinx`` is ``sphinx`` only for files below ``tests/``, and a module two
    files define is the importer's own copy."""
    code = {
        "tests/sphinx/__init__.py": ("sphinx", True, "X = 1\n", True),
        "tests/runtests.py": ("runtests", False, "import sphinx\n", False),
        "docs/conf.py": ("conf", False, "import sphinx\n", False),
        "one/lib/__init__.py": ("lib", True, "A = 1\n", False),
        "one/lib/user.py": ("lib.user", False, "from lib import A\n", False),
        "two/lib/__init__.py": ("lib", True, "B = 1\n", False),
        "two/lib/user.py": ("lib.user", False, "from lib import A\n", False),
    }
    refs = {path: FileRef(path, module, package, implied) for path, (module, package, _, implied) in code.items()}
    index = ModuleIndex([(ref, summarise(FileContext(ref, code[path][2]))) for path, ref in refs.items()])
    # Asked first from below tests/ (in the project), then from docs/ (not): both answers hold.
    assert index.imported("sphinx", None, refs["tests/runtests.py"]).in_project
    assert not index.imported("sphinx", None, refs["docs/conf.py"]).in_project
    assert index.imported("sphinx", None, refs["tests/runtests.py"]).in_project
    # lib.A resolves in one/lib only: each copy's user gets its own answer, in either order.
    assert index.imported("lib", "A", refs["one/lib/user.py"]).fine
    assert not index.imported("lib", "A", refs["two/lib/user.py"]).fine
    assert index.imported("lib", "A", refs["one/lib/user.py"]).fine
    # An answer no importer changes is kept, and asked again it is the same object.
    assert index.imported("runtests", None, refs["docs/conf.py"]) is index.imported("runtests", None, None)
