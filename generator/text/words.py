"""Where words begin and end in a Chinese sentence: jieba (the segmenter the search index uses) with its
user dictionary and the manual's own names, so a quiz blanks 物管员 in "项目处物管员" but never 公司 in
"物业公司" or 管理处主任 in "管理处主任论坛".

**Cuts kept on disk.** A cut is a pure function of the text, the segmenter (jieba's version and dictionary,
the user dictionary ``assets/jieba/user_dict.txt``, the code that drives it), the names added and the mode
(``lcut`` for :func:`cut`, ``words`` for :class:`Words`, ``search`` for the site's search index). So
:class:`Cuts` keeps each cut in ``.cache/words/`` of the repository being built, one table per mode and
segmenter (``words-<digest>.pickle``: a :class:`~generator.source.diskcache.Table`, keyed by a digest of the
names and the text). jieba itself is imported, and its dictionary read (0.6 s, done once per process by
:func:`_base`), only when a text is cut that no run cut before: a check or a ``procgen pdf`` after a one-line
change mostly never reads it. The callers are handed their ``Cuts`` by whoever knows the repository (the
check, the Manual, the site plugin) and save it once per batch of work, never per cut. A missing, corrupt or
unwritable cache, or ``PROCGEN_CACHE=off``, is no cache: the same words, cut again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import time
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from generator.package import ASSETS
from generator.source.diskcache import PRUNE_AFTER_DAYS, Table, enabled, key_of

if TYPE_CHECKING:
    import jieba

USER_DICT = ASSETS / "jieba" / "user_dict.txt"

Mode = Literal["lcut", "words", "search"]
"""How a text is cut: ``lcut`` jieba's default (HMM on, no names: :func:`cut`); ``words`` with the names as
whole words, HMM off (:class:`Words`); ``search`` ``cut_for_search`` with the names (the search index)."""

CUTS_KEPT = 200_000
"""Entries kept per table: past this, the ones added longest ago are dropped when the table is saved."""


@functools.cache
def _base() -> jieba.Tokenizer:
    """jieba's dictionary and the manual's user dictionary, read once per process (about a second:
    the live preview and the check used to pay it on every save)."""
    import jieba  # lazy: only a text no run has cut before needs jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_DICT))
    return tokenizer


def fresh_tokenizer() -> jieba.Tokenizer:
    """A tokenizer with jieba's dictionary and the manual's user dictionary, its tables copied from
    :func:`_base` (tens of milliseconds instead of a second), so that words one caller adds never reach
    another's: the quizzes here, the search index (generator/render/site/search.py) on every build."""
    import jieba  # lazy: see _base

    base = _base()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(base.FREQ)
    tokenizer.total = base.total
    tokenizer.user_word_tag_tab = dict(base.user_word_tag_tab)
    tokenizer.initialized = True
    return tokenizer


@functools.lru_cache(maxsize=4)
def _tokenizer(names: tuple[str, ...]) -> jieba.Tokenizer:
    """A tokenizer that also knows ``names`` (:func:`fresh_tokenizer` with the names added). Kept for the
    last few sets of names: a preview's saves mostly keep them."""
    tokenizer = fresh_tokenizer()
    for name in names:  # longer names more frequent: 管理处主任论坛 over 管理处主任 + 论坛
        tokenizer.add_word(name, freq=2000 + 1000 * len(name))
    return tokenizer


# --------------------------------------------------------------------------- cuts kept on disk


def _file_digest(path: Path | None) -> str:
    if path is None:
        return "-"
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return "?"


@functools.cache
def segmenter() -> str:
    """The digest of what every cut depends on besides its text, names and mode: jieba's version and
    dictionary (read from jieba's folder without importing it), the user dictionary, and procgen's code
    (:func:`~generator.source.diskcache.key_of`). About 5 ms, once per process."""
    try:
        jieba_version = version("jieba")
    except PackageNotFoundError:
        jieba_version = "-"
    spec = importlib.util.find_spec("jieba")
    folder = Path(spec.origin).parent if spec is not None and spec.origin else None
    return key_of(
        "jieba", jieba_version, _file_digest(folder / "dict.txt" if folder else None), _file_digest(USER_DICT)
    )


def names_key(names: Iterable[str]) -> str:
    """The digest of a set of names added to the segmenter (their order does not change a cut)."""
    return key_of(*sorted(set(names)))


class Cuts:
    """The cuts of texts kept on disk in ``folder`` (``.cache/words/`` beside procedures/), one table per
    mode, each read on its first use. ``folder`` None or ``PROCGEN_CACHE=off``: every text is cut.
    :meth:`save` writes what was added (once per batch of work, never per cut); a table that cannot be read
    is empty, one that cannot be written is not kept: nothing here raises."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder if folder is not None and enabled() else None
        self._tables: dict[Mode, Table] = {}
        self.hits = 0
        self.misses = 0
        self._unsaved = False

    @classmethod
    def of(cls, root: Path) -> Cuts:
        """The cuts kept for the repository at ``root``."""
        return cls(root / ".cache" / "words")

    def _table(self, mode: Mode) -> Table | None:
        if self.folder is None:
            return None
        table = self._tables.get(mode)
        if table is None:
            table = self._tables[mode] = Table(self.folder / f"{mode}-{segmenter()[:16]}.pickle", limit=CUTS_KEPT)
        return table

    def cut(self, mode: Mode, names: str, text: str, cutter: Callable[[str], Iterable[str]]) -> tuple[str, ...]:
        """``text`` cut in ``mode`` with the names of digest ``names`` (:func:`names_key`): kept from an
        earlier run, else ``cutter(text)`` (and kept)."""
        table = self._table(mode)
        if table is None:
            return tuple(cutter(text))
        key = key_of(mode, names, text)
        kept = _kept(table.get(key), mode, text)
        if kept is not None:
            self.hits += 1
            return kept
        self.misses += 1
        found = tuple(cutter(text))
        table.put(key, found)
        self._unsaved = True
        return found

    def save(self) -> None:
        """Write what this run added to each table (merged with what another run may have added meanwhile);
        tables of another segmenter or code, untouched for :data:`PRUNE_AFTER_DAYS`, are deleted then."""
        if self.folder is None or not self._unsaved:
            return
        self._unsaved = False
        for table in self._tables.values():
            table.save()
        _prune(self.folder, segmenter()[:16])


NO_CUTS = Cuts(None)
"""Nothing kept: every text is cut (tests, and callers that know no repository)."""


def _kept(words: object, mode: Mode, text: str) -> tuple[str, ...] | None:
    """A kept entry when it is a cut of ``text`` (a corrupt table, or one written by hand, is a miss)."""
    if not isinstance(words, tuple):
        return None
    try:
        joined = "".join(words)  # every word a str, or TypeError
    except TypeError:
        return None
    if mode != "search" and joined != text:  # these cuts are partitions: they give the text back
        return None
    return words


def _prune(folder: Path, current: str) -> None:
    """Delete the tables of another segmenter or code (``current`` not in their name) left untouched for
    :data:`PRUNE_AFTER_DAYS`: another checkout's procgen may still be using a recent one."""
    limit = time.time() - PRUNE_AFTER_DAYS * 86400
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if current in entry.name or not entry.name.endswith(".pickle"):
            continue
        try:
            if entry.stat().st_mtime < limit:
                os.unlink(entry.path)
        except OSError:
            continue


# --------------------------------------------------------------------------- the segmenters


def cut(text: str, cuts: Cuts = NO_CUTS) -> list[str]:
    """``text`` cut into words by the shared tokenizer (jieba's dictionary and the user dictionary, as the
    search index cuts it), for callers that add no words of their own; kept in ``cuts``."""
    return list(cuts.cut("lcut", "", text, lambda t: _base().lcut(t)))


class Words:
    """A segmenter that knows ``names`` as whole words (longer names win over the shorter ones inside them).
    Loaded on first use; jieba's own dictionary is read once per process (:func:`_base`) and copied, and
    only for a text that ``cuts`` does not hold."""

    def __init__(self, names: Iterable[str], cuts: Cuts = NO_CUTS) -> None:
        self.names = sorted(set(names))
        self.cuts = cuts
        self._key = names_key(self.names)
        self._tokenizer: jieba.Tokenizer | None = None  # made on first use
        self._cache: dict[str, frozenset[int]] = {}

    def _jieba_cut(self, text: str) -> list[str]:
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(tuple(self.names))
        return list(self._tokenizer.cut(text, HMM=False))

    def _cut(self, text: str) -> tuple[str, ...]:
        return self.cuts.cut("words", self._key, text, self._jieba_cut)

    def boundaries(self, text: str) -> frozenset[int]:
        """Offsets in ``text`` where one word ends and the next begins (0 and len(text) included)."""
        if text not in self._cache:
            offsets = {0}
            at = 0
            for word in self._cut(text):
                at += len(word)
                offsets.add(at)
            self._cache[text] = frozenset(offsets)
        return self._cache[text]

    def whole(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] is one or more whole words: 物管员 in 项目处物管员, not 公司 in 物业公司."""
        cuts = self.boundaries(text)
        return start in cuts and end in cuts
