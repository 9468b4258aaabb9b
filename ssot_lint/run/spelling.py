"""Which of the project's modules spell a word (``ProjectModules.spelling``): text tests over every
runtime file (``run.word_tests``), each file's answer kept with its version of the file
(``run.file_memo``: read once per call, and kept between calls while the file is unchanged), and
each word's answer kept for the call.

What is gathered of each file once, kept with the file's version, answers each word of a test:
the words its imports may bind (``word_tests.import_bound_words``), its lines that may
star-import (``star_import_lines``), and, past ``_MANY_WORDS`` words asked whether files spell
them (a few are cheaper to look for one by one), its whole words (``whole_words``). Verifying
Django's 322 deprecated imports asks about 200 words of 2,800 files, and testing each word
against each file's text again (an import list found anew for each) took a minute."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ssot_lint.project.module_paths import is_binary_extension
from ssot_lint.run.discovery import SourceFile
from ssot_lint.run.file_memo import FileTexts
from ssot_lint.run.word_tests import (
    ATTRIBUTE,
    WHOLE_WORD,
    SpellingTest,
    attribute_words,
    binds_by_import,
    import_bound_words,
    names_module,
    one_whole_word,
    spells,
    spells_after_dot,
    star_import_lines,
    star_imports,
    stores_into,
    whole_words,
)

# Words asked whether files spell them in a call past which each file's whole words are gathered
# once to answer the rest: testing every file for each word costs more from then on. What an
# import may bind, and the lines that may star-import, are gathered at the first word: a word's
# test goes through the import lists of every file spelling it (``django``: nearly all).
_MANY_WORDS = 32
_TESTS: dict[str, Callable[[bytes | None, str], bool]] = {
    "spells": spells,
    "bound": binds_by_import,
    "star": star_imports,
    "store": stores_into,
    "dotted": spells_after_dot,
    "named": names_module,
}
# What a test's later words are looked up in: each file's whole words, the words its imports may
# bind, its lines that may star-import (a word is then tested on those lines alone).
_GATHER: dict[str, tuple[str, Callable[[bytes | None], frozenset[bytes] | bytes | None]]] = {
    "spells": ("spelt words", lambda data: None if data is None else whole_words(data)),
    "bound": ("import-bound words", import_bound_words),
    "star": ("star-import lines", star_import_lines),
}
# A file's gathered words, or lines (star); None: it cannot be read, and matches every word.
Gathered = frozenset[bytes] | bytes | None


class Spellings:
    """``spelling`` over the modules ``modules()`` lists, each given by the runtime files
    ``files_of(module)``, read through ``texts``."""

    def __init__(self, texts: FileTexts, modules: Callable[[], Iterable[str]], files_of: Callable[[str], list[SourceFile]]) -> None:
        self._texts = texts
        self._modules = modules
        self._files_of = files_of
        self._attributes: dict[str | None, list[str]] | None = None
        self._found: dict[str, dict[str, list[str]]] = {test: {} for test in _TESTS}
        self._all: list[tuple[str, SourceFile]] | None = None  # (module, file) for every runtime file
        self._gathered: dict[str, list[tuple[str, Gathered]]] = {}  # a test -> (module, each file's words)

    def spelling(self, words: Iterable[str], test: SpellingTest = WHOLE_WORD) -> dict[str, list[str]]:
        """See ``run.modules.ProjectModules.spelling``."""
        words = set(words)
        if test.store:  # among the files spelling the word as an attribute (the index): a store does
            memo = self._found["store"]
            spelt = self.spelling(words - memo.keys(), ATTRIBUTE)
            for word, modules in spelt.items():
                memo[word] = [m for m in modules if any(self._test("store", source, word) for source in self._files_of(m))]
            return {w: memo[w] for w in words}
        if test.bound or test.star or test.dotted or test.named:
            name = "bound" if test.bound else "star" if test.star else "dotted" if test.dotted else "named"
            self._ask(name, words)
            return {w: self._found[name][w] for w in words}
        found: dict[str, list[str]] = {}
        if test.attribute:
            if self._attributes is None:
                self._attributes = self._attribute_index()
            unread = self._attributes.get(None, [])
            # The index holds ASCII words; another is looked for as a whole word (a superset).
            found = {w: sorted({*self._attributes.get(w, ()), *unread}) for w in words if w.isascii()}
            words -= found.keys()
        self._ask("spells", words)
        return found | {w: self._found["spells"][w] for w in words}

    def _ask(self, test: str, words: set[str]) -> None:
        """Work out ``test``'s answer for each of ``words`` not asked yet: each file tested for
        each word, or looked up in what was gathered of each file once many words were asked."""
        memo = self._found[test]
        new = words - memo.keys()
        if not new:
            return
        # `dotted` and `named` gather nothing: they are asked of few words, each tested file by file.
        gathered = test in _GATHER and (test != "spells" or len(memo) + len(new) > _MANY_WORDS)
        each = [w for w in new if not gathered or not one_whole_word(w)]
        for word in each:
            memo[word] = sorted({module for module, source in self._sources() if self._test(test, source, word)})
        looked_up = {word.encode(): word for word in new if word not in memo}
        if looked_up:
            for word, modules in self._look_up(test, looked_up).items():
                memo[word] = sorted(modules)

    def _look_up(self, test: str, words: dict[bytes, str]) -> dict[str, set[str]]:
        """The modules whose gathered words hold each of ``words`` (spelt -> the word; whole words
        alone): for ``star``, whose lines that may star-import pass the word's test."""
        found: dict[str, set[str]] = {word: set() for word in words.values()}
        spelt = set(words)
        for module, gathered in self._gathering(test):
            if gathered is None:
                hits: Iterable[bytes] = spelt
            elif isinstance(gathered, bytes):
                hits = [w for w in spelt if star_imports(gathered, words[w])]
            else:
                hits = gathered.intersection(spelt)
            for word in hits:
                found[words[word]].add(module)
        return found

    def _gathering(self, test: str) -> list[tuple[str, Gathered]]:
        """(module, what is gathered of the file for ``test``) for every runtime file, gathered
        once per call (and kept with the file's version); files that hold nothing left out."""
        found = self._gathered.get(test)
        if found is None:
            key, gather = _GATHER[test]
            found = self._gathered[test] = []
            for module, source in self._sources():
                gathered = self._texts.derived(source, key, gather)
                if gathered is None or gathered:
                    found.append((module, gathered))
        return found

    def _test(self, test: str, source: SourceFile, word: str) -> bool:
        function = _TESTS[test]
        return self._texts.derived(source, (test, word), lambda data: function(data, word))

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
        if self._all is None:
            self._all = [(module, source) for module in self._modules() for source in self._files_of(module) if not is_binary_extension(source.ref)]
        return iter(self._all)
