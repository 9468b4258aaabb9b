"""Which of the project's modules spell a word (``ProjectModules.spelling``): text tests over every
runtime file (``run.word_tests``), each file's answer kept with its version of the file
(``run.file_memo``: read once per call, and kept between calls while the file is unchanged), and
each word's answer kept for the call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ssot_lint.project.module_paths import is_binary_extension
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.file_memo import FileTexts
from ssot_lint.run.word_tests import attribute_words, binds_by_import, one_whole_word, spells, star_imports, stores_into, whole_words

# Words asked of one file in a call past which its whole words are gathered once (``whole_words``)
# to answer whether it spells each: searching the file once per word costs more from then on.
_MANY_WORDS = 32
_TESTS: dict[str, Callable[[bytes | None, str], bool]] = {
    "spells": spells,
    "bound": binds_by_import,
    "star": star_imports,
    "store": stores_into,
}


class Spellings:
    """``spelling`` over the modules ``modules()`` lists, each given by the runtime files
    ``files_of(module)``, read through ``texts``."""

    def __init__(self, texts: FileTexts, modules: Callable[[], Iterable[str]], files_of: Callable[[str], list[SourceFile]]) -> None:
        self._texts = texts
        self._modules = modules
        self._files_of = files_of
        self._attributes: dict[str | None, list[str]] | None = None
        self._found: dict[str, dict[str, list[str]]] = {test: {} for test in _TESTS}
        self._asked: dict[str, int] = {}  # a file -> how many words were asked whether it spells

    def spelling(self, words: Iterable[str], attribute: bool = False, bound: bool = False, star: bool = False, store: bool = False) -> dict[str, list[str]]:
        """See ``run.modules.ProjectModules.spelling``."""
        words = set(words)
        if store:  # among the files spelling the word as an attribute (the index): a store does
            memo = self._found["store"]
            spelt = self.spelling(words - memo.keys(), attribute=True)
            for word, modules in spelt.items():
                memo[word] = [m for m in modules if any(self._test("store", source, word) for source in self._files_of(m))]
            return {w: memo[w] for w in words}
        if bound or star:
            test = "bound" if bound else "star"
            memo = self._found[test]
            for word in words - memo.keys():
                memo[word] = sorted({module for module, source in self._sources() if self._test(test, source, word)})
            return {w: memo[w] for w in words}
        found: dict[str, list[str]] = {}
        if attribute:
            if self._attributes is None:
                self._attributes = self._attribute_index()
            unread = self._attributes.get(None, [])
            # The index holds ASCII words; another is looked for as a whole word (a superset).
            found = {w: sorted({*self._attributes.get(w, ()), *unread}) for w in words if w.isascii()}
            words -= found.keys()
        memo = self._found["spells"]
        for word in words - memo.keys():
            memo[word] = sorted({module for module, source in self._sources() if self._test("spells", source, word)})
        return found | {w: memo[w] for w in words}

    def _test(self, test: str, source: SourceFile, word: str) -> bool:
        function = _TESTS[test]
        if test == "spells":
            asked = self._asked[source.abspath] = self._asked.get(source.abspath, 0) + 1
            if asked > _MANY_WORDS and one_whole_word(word):
                return self._texts.derived(source, (test, word), lambda data: data is None or word.encode() in self._whole_words(source))
        return self._texts.derived(source, (test, word), lambda data: function(data, word))

    def _whole_words(self, source: SourceFile) -> frozenset[bytes]:
        return self._texts.derived(source, "whole words", whole_words)

    def _attribute_index(self) -> dict[str | None, list[str]]:
        """Each word the project's files spell as an attribute -> the modules that do; None ->
        the modules whose file cannot be read."""
        index: dict[str | None, list[str]] = {}
        for module, source in self._sources():
            for word in self._texts.derived(source, "attribute words", attribute_words):
                index.setdefault(word, []).append(module)
        return index

    def _sources(self) -> Iterator[tuple[str, SourceFile]]:
        """(module, file) for every runtime file of the project but a built extension module's
        (``.so``, ``.pyd``): what its machine code reads or stores is not seen, as for a
        third-party C extension (docs/fixing.md), rather than taken to spell every word, which
        made every alias rewrite of a project with one unsafe (review19a: matplotlib)."""
        for module in self._modules():
            for source in self._files_of(module):
                if not is_binary_extension(source.ref):
                    yield module, source
