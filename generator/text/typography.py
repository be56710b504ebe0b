"""Chinese typography: half-width , : ; ( ) set between Chinese characters are full-width marks.

The documents came from a web page that used ASCII punctuation in Chinese sentences
("规范回访工作,及时验证"). ``procgen check`` warns about each (W250) and ``procgen format`` rewrites
the YAML in place, touching only those characters and proving the result loads to the same data
with only the punctuation changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}
HALF_WIDTH = re.compile(r"[,:;()]")
"""Any of the marks at all: most texts have none, and are passed over at C speed."""


def _cjk(char: str) -> bool:
    """A Chinese character or a full-width Chinese mark (、。，（…）)."""
    if not char:
        return False
    if unicodedata.east_asian_width(char) not in ("W", "F"):
        return False
    return unicodedata.category(char)[0] in ("L", "P", "N", "S")


@dataclass(frozen=True)
class Mark:
    offset: int
    char: str
    start: int = -1
    """Where the replaced text starts: before ``offset`` when a space between Chinese and a bracket goes too."""
    end: int = -1
    """Where the replaced text ends (exclusive)."""

    @property
    def replacement(self) -> str:
        return FULL_WIDTH[self.char]

    @property
    def span(self) -> tuple[int, int]:
        return (self.offset if self.start < 0 else self.start, self.offset + 1 if self.end < 0 else self.end)


def half_width_marks(text: str) -> Iterator[Mark]:
    """The half-width marks of ``text`` that stand in Chinese: a , : ; right after a Chinese
    character and not before a space (so YAML's own "key: value" and "[a, b]" are never touched),
    a ( or ) with Chinese on its inner or outer side."""
    for match in HALF_WIDTH.finditer(text):
        i, char = match.start(), match.group(0)
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if char in ",:;":
            if _cjk(before) and (not after.isspace() or after in "\r\n"):  # a text's or a line's end counts: 回访率：
                yield Mark(i, char)
        elif char == "(":
            if _cjk(after) or _cjk(before):
                # a full-width bracket carries its own space: "人员 (物管员)" -> "人员（物管员）"
                spaced = before == " " and i > 1 and _cjk(text[i - 2])
                yield Mark(i, char, start=i - 1 if spaced else -1)
        elif _cjk(before) or _cjk(after):
            spaced = after == " " and i + 2 < len(text) and _cjk(text[i + 2])
            yield Mark(i, char, end=i + 2 if spaced else -1)


def full_width(text: str) -> str:
    """``text`` with its half-width marks in Chinese made full-width (a mark made full-width can make
    its neighbour Chinese too: "公约）;" becomes "公约）；")."""
    while True:
        out = list(text)
        for mark in half_width_marks(text):
            start, end = mark.span
            out[start:end] = [mark.replacement] + [""] * (end - start - 1)
        done = "".join(out)
        if done == text:
            return done
        text = done


KEPT = ("revisions",)
"""Top-level keys whose text is kept as written: a revision entry quotes the original wording."""


def format_text(raw: str) -> str:
    """A YAML file's text with the half-width marks in Chinese made full-width, everything else as it
    was; the block of a top-level key in :data:`KEPT` is left alone."""
    out = []
    kept = False
    for line in raw.splitlines(keepends=True):
        if line[:1].strip() and not line.startswith("#"):
            kept = line.split(":", 1)[0].strip() in KEPT
        out.append(line if kept else full_width(line))
    return "".join(out)


def same_but_punctuation(old: object, new: object, top: bool = True) -> bool:
    """True when ``new`` is ``old`` with only half-width marks in Chinese made full-width (and the
    :data:`KEPT` blocks unchanged)."""
    if isinstance(old, str) and isinstance(new, str):
        return full_width(old) == new
    if isinstance(old, dict) and isinstance(new, dict):
        if list(old) != list(new):
            return False
        return all(old[k] == new[k] if top and k in KEPT else same_but_punctuation(old[k], new[k], False) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same_but_punctuation(a, b, False) for a, b in zip(old, new, strict=True))
    return type(old) is type(new) and old == new


_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]?")
"""A sentence: up to and with its 。；;！？ (a clause's own full stops; a comma does not end one)."""


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its closing mark, blank ones left out: the one splitter the
    catalog (a fact's activity) and the quizzes (one question per sentence) share."""
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]
