"""Where the project's modules' files lie, and which one an import finds (the ``sys.path``
questions of ``run.modules.ProjectModules``): the file at a path, a module's one file, why which
file a module runs from cannot be told (it is given in several places: ``clash``), and a module
file beside a script that a bare name finds first (``beside``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ssot_lint.project.module_index import ModuleIndex
from ssot_lint.project.module_paths import anchor, location, within
from ssot_lint.run.discovery import SourceFile


def runtime_files(sources: Iterable[SourceFile]) -> list[SourceFile]:
    """``sources`` but the stubs (``.pyi``): the files that run."""
    return [s for s in sources if not s.ref.path.endswith(".pyi")]


def unanalyzed_path(files: Iterable[SourceFile], summaries: Iterable[object | None]) -> str | None:
    """The path of the first of ``files`` whose summary is None, a Cython source (``.pyx``) before
    a built module beside it: the text tests read the ``.pyx`` (a ``.so``'s code, nothing), so a
    reason names the file whose words made the module a candidate (review27b: scikit-learn)."""
    missing = [source.ref.path for source, summary in zip(files, summaries) if summary is None]
    return next((path for path in missing if path.endswith(".pyx")), missing[0] if missing else None)


class ModulePlaces:
    """The places of the modules ``by_module`` gives (module -> its files, as ``index()`` fills
    it), the files of the project being ``files()`` once the index is made."""

    def __init__(self, index: Callable[[], ModuleIndex], by_module: Mapping[str, list[SourceFile]], files: Callable[[], Iterable[SourceFile]]) -> None:
        self._index = index
        self._by_module = by_module
        self._files = files
        self._paths: dict[str, SourceFile] | None = None  # path -> file, for ``beside``

    def file_at(self, path: str) -> SourceFile | None:
        """The file at ``path`` (project-relative, as findings name it), unless no import reaches it."""
        found = self._path_map().get(path)
        return found if found is not None and path not in self._index().shadowed else None

    def _path_map(self) -> dict[str, SourceFile]:
        self._index()
        if self._paths is None:
            self._paths = {s.ref.path: s for s in self._files()}
        return self._paths

    def clash(self, dotted: str, importer: str = "") -> str | None:
        """Why which file ``dotted`` (a module, or a name in one) runs from cannot be told: it, or
        a package above it, is given by files in several places (``ModuleIndex.ambiguous``),
        and which one an import finds depends on ``sys.path`` (``fix.module_clashes``).

        A package ``importer`` (a module given by one file) was itself imported through is that
        file's copy, whatever ``sys.path`` says; a module inside it is determined too when its
        file lies in that copy (``ModuleIndex.candidates`` resolves so for unresolved-import).
        A module given twice itself stays a clash here: the verifier reads every copy's summary
        (judged from the importer's copy, it reads that copy's alone: ``own_copy``)."""
        index = self._index()
        home = self._home(importer)
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            module = ".".join(parts[:end])
            if module not in index.ambiguous:
                continue
            if home is not None and module != dotted and within(importer, module) and self._in_copy(parts, end, home):
                continue  # the importer's own copy of the package, and dotted's modules in it
            first: dict[str, str] = {}
            sources = self._by_module.get(module, [])
            for source in runtime_files(sources) or sources:
                first.setdefault(location(source.ref), source.ref.path)
            paths = sorted(first.values())
            return f"{module} is given by {len(paths)} files ({', '.join(paths)}): which one an importer gets depends on sys.path"
        return None

    def one_file(self, module: str) -> SourceFile | None:
        """``module``'s file when one place gives it (a ``.py`` and its ``.pyi`` are one place)."""
        places = {location(source.ref): source for source in self._by_module.get(module, [])}
        return next(iter(places.values())) if len(places) == 1 else None

    def _home(self, importer: str) -> str | None:
        """The ``sys.path`` entry ``importer``'s one file runs from (None: not one file)."""
        source = self.one_file(importer)
        return anchor(source.ref) if source is not None else None

    def _in_copy(self, parts: list[str], end: int, home: str) -> bool:
        """Whether ``parts`` names a module below ``parts[:end]`` (not a name read from that
        package itself, whose every copy the verifier reads) and every module on the way that
        has files has them in one place, below ``home`` (the importer's copy)."""
        found = False
        for deeper in range(end + 1, len(parts) + 1):
            sources = self._by_module.get(".".join(parts[:deeper]), [])
            if len({location(s.ref) for s in sources}) > 1 or any(anchor(s.ref) != home for s in sources):
                return False
            found = found or bool(sources)
        return found

    def beside(self, importer: str, top: str) -> str | None:
        """The path of a module file in ``importer``'s folder, when that folder has no
        ``__init__.py``, that answers the bare name ``top`` there but is not ``top``'s: pytest
        (its default import mode) and ``python folder/script.py`` put the folder first on
        ``sys.path``. None when there is none, or ``importer`` is not one file."""
        self._index()
        source = self.one_file(importer)
        if source is None or source.ref.is_package:
            return None
        folder = source.ref.path.rpartition("/")[0]
        if not folder:
            return None  # the project root: its modules are named from it already
        if f"{folder}/__init__.py" in self._path_map():
            return None
        for path in (f"{folder}/{top}.py", f"{folder}/{top}/__init__.py"):
            found = self.file_at(path)
            if found is not None and found.ref.module != top:
                return path
        return None
