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
