"""When two written answers are the same answer: one function for the quiz's key, its checker in the browser
(``assets/site/quiz.js``) and the tests.

:func:`canonical` folds what the company's own wording and the manual's printed form write differently:
full- and half-width forms, spaces, closing punctuation, Chinese numerals (三 = 3, 两 = 2, 十一 = 11),
以内/之内/内/以下 = ≤, 以上/不少于/不低于 = ≥, the dashes and 至 of a range, 和/及/与 between items of a list, and
for a matrix letter R = 负责 = 负责（R）. What it folds is :data:`FOLDS`, a table of regular expressions that the
page ships as data (``Quiz.fold_json``) and quiz.js applies in the same order, so the browser holds no rule
of its own; quiz.js converts numerals with the same small algorithm as :func:`numerals` (a test runs both on
every fill-in of the manual). A question lists its accepted canonical forms (:func:`accepted`): the answer as
the manual prints it, the seed's own words, and the few equivalents only its kind allows (a role's aliases).
Accepting a wrong answer is as much a defect as rejecting a right one: 4天内 is not 3天内.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMERAL_RUN = "[零〇一二两三四五六七八九十百千万]+"
"""A run of Chinese numerals, converted as a whole (十一 -> 11, 两 -> 2); the same class in quiz.js."""

FOLDS: tuple[tuple[str, str], ...] = (
    ("\\s+", ""),
    ("[。．.，,；;：:！!？?、]+$", ""),  # closing punctuation
    ("[–—−~～〜]", "-"),  # range dashes: 5–8, 5~8
    ("([0-9])至([0-9])", "$1-$2"),  # 5至8
    ("([0-9][0-9.]*[^0-9]{0,5}?)(?:以内|之内|内)$", "≤$1"),  # 3天以内 = 3天之内 = 3天内 = ≤3天
    ("([0-9][0-9.]*[^0-9]{0,5}?)(?:以内|之内|内)([^0-9])", "≤$1$2"),
    ("([0-9][0-9.]*[^0-9≤≥]{0,5}?)(?:以下)", "≤$1"),  # 0.1%以下 = ≤ 0.1%
    ("(?:不超过|不高于|不多于|<=|≦)([0-9])", "≤$1"),
    ("([0-9][0-9.]*[^0-9≤≥]{0,5}?)(?:以上)", "≥$1"),  # 95%以上 = ≥ 95%
    ("(?:不少于|不低于|至少|>=|≧)([0-9])", "≥$1"),
    ("(?:以及|和|及|与|/|,|，|；|;)", "、"),  # items of a list: 6月和11月 = 6月、11月
)
"""(pattern, replacement) in order, after full/half width (NFKC) and numerals; ``$1`` as in JavaScript.
Only syntax that Python's ``re`` and JavaScript's ``RegExp`` read alike."""

LETTER_WORDS = (("负责", "R"), ("批准", "A"), ("咨询", "C"), ("知会", "I"))
LETTER_FOLDS: tuple[tuple[str, str], ...] = (
    *((word, letter) for word, letter in LETTER_WORDS),
    ("[()（）]", ""),
    ("[、]", ""),
)
"""For a matrix letter only: 负责（R） -> RR -> R, R、A -> RA (then each letter once, in RACI order)."""

RACI = "RACI"


def _python(replacement: str) -> str:
    return re.sub(r"\$(\d)", r"\\g<\1>", replacement)


_FOLDS = tuple((re.compile(p), _python(r)) for p, r in FOLDS)
_LETTER_FOLDS = tuple((re.compile(p), _python(r)) for p, r in LETTER_FOLDS)
_NUMERALS = re.compile(NUMERAL_RUN)


def numeral(run: str) -> str:
    """一 -> 1, 十一 -> 11, 二十 -> 20, 一百零五 -> 105, 两 -> 2; a run that is not one number (一二) digit by digit."""
    total, current = 0, None
    for char in run:
        if char in DIGITS:
            if current is not None and current != 0 and char not in "零〇":
                return "".join(str(DIGITS[c]) if c in DIGITS else c for c in run)  # 一二: not a number
            current = DIGITS[char]
        else:
            total += (1 if current is None else current) * UNITS[char]
            current = None
    return str(total + (current or 0))


def numerals(text: str) -> str:
    """Every run of Chinese numerals as Arabic digits: 三天内 -> 3天内, 六月和十一月 -> 6月和11月."""
    return _NUMERALS.sub(lambda m: numeral(m.group(0)), text)


@functools.lru_cache(maxsize=65536)
def canonical(text: str, *, letters: bool = False) -> str:
    """The form two answers share when they are the same answer (kept per text: the quizzes ask it ~20,000
    times per build, mostly of the same texts, and the preview builds again on every save).

    >>> canonical("三天内") == canonical("3天内") == canonical("３天以内。")
    True
    >>> canonical("95%以上") == canonical("≥ 95%") == canonical("不少于95%")
    True
    >>> canonical("4天内") == canonical("3天内")
    False
    >>> canonical("负责", letters=True) == canonical("R", letters=True) == canonical("负责（R）", letters=True)
    True
    """
    out = numerals(unicodedata.normalize("NFKC", text or ""))
    for pattern, replacement in _FOLDS:
        out = pattern.sub(replacement, out)
    if letters:
        folded = out.upper()
        for pattern, replacement in _LETTER_FOLDS:
            folded = pattern.sub(replacement, folded)
        if folded and set(folded) <= set(RACI):
            return "".join(letter for letter in RACI if letter in folded)
    return out


def accepted(answers: Iterable[str], *, letters: bool = False) -> tuple[str, ...]:
    """The canonical forms of the written answers a question accepts, each once, in the order given."""
    return tuple(dict.fromkeys(c for c in (canonical(a, letters=letters) for a in answers) if c))


def accepts(forms: Iterable[str], given: str, *, letters: bool = False) -> bool:
    """Whether ``given`` is one of the accepted canonical ``forms`` (what quiz.js does in the browser)."""
    return canonical(given, letters=letters) in set(forms)


def table_json() -> str:
    """What quiz.js needs to fold as :func:`canonical` does: the tables, not a copy of the rules."""
    return json.dumps(
        {
            "numerals": NUMERAL_RUN,
            "digits": DIGITS,
            "units": UNITS,
            "folds": FOLDS,
            "letters": LETTER_FOLDS,
            "raci": RACI,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


_SPAN_START = re.compile(f"[0-9０-９]|{NUMERAL_RUN}|不少于|不低于|不超过|至少|≥|≤")


def said_in(text: str, answer: str) -> str | None:
    """The shortest span of ``text`` (the clause) that is the same answer as ``answer``: the seed's own words
    for the manual's printed form. 客户满意率95%以上 for ≥ 95% -> 95%以上; None when the clause does not say it."""
    want = canonical(answer)
    best: str | None = None
    for match in _SPAN_START.finditer(text):
        start = match.start()
        for end in range(start + 1, min(len(text), start + len(answer) + 12) + 1):
            span = text[start:end]
            if canonical(span) == want and span[-1] not in "。，,；;：:、 " and (best is None or len(span) < len(best)):
                best = span
                break
    return best
