"""Where words begin and end in a Chinese sentence: jieba (the segmenter the search index uses) with its
user dictionary and the manual's own names, so a quiz blanks 物管员 in "项目处物管员" but never 公司 in
"物业公司" or 管理处主任 in "管理处主任论坛"."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

import jieba

from generator.package import ASSETS

USER_DICT = ASSETS / "jieba" / "user_dict.txt"


@functools.cache
def _base() -> jieba.Tokenizer:
    """jieba's dictionary and the manual's user dictionary, read once per process (about a second:
    the live preview and the check used to pay it on every save)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(USER_DICT))
    return tokenizer


def cut(text: str) -> list[str]:
    """``text`` cut into words by the shared tokenizer (jieba's dictionary and the user dictionary, as the
    search index cuts it), for callers that add no words of their own."""
    return _base().lcut(text)


def fresh_tokenizer() -> jieba.Tokenizer:
    """A tokenizer with jieba's dictionary and the manual's user dictionary, its tables copied from
    :func:`_base` (tens of milliseconds instead of a second), so that words one caller adds never reach
    another's: the quizzes here, the search index (generator/render/site/search.py) on every build."""
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


class Words:
    """A segmenter that knows ``names`` as whole words (longer names win over the shorter ones inside them).
    Loaded on first use; jieba's own dictionary is read once per process (:func:`_base`) and copied."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        self._tokenizer: jieba.Tokenizer | None = None  # made on first use
        self._cache: dict[str, frozenset[int]] = {}

    def _cut(self, text: str) -> list[str]:
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(tuple(self.names))
        return list(self._tokenizer.cut(text, HMM=False))

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
