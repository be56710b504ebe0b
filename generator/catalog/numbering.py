"""Derived numbering: the labels 一、 （一） 1、 a) 4.1.1 … come from a node's place, never from the YAML.

Chinese labels take full-width brackets （一）（1）; the Latin a) keeps its half-width one, as the
documents print it."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"

DEFAULT_STYLES = ("cn", "cn-paren", "arabic", "latin")
"""Styles used by depth when a parent does not name one."""

UNNUMBERED = {"triangle", "bullet", "none"}


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 21 -> 二十一, 100 -> 一百."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def latin_letter(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def label(style: str, n: int, numbers: tuple[int, ...]) -> str:
    """The label of the ``n``-th child in ``style``; ``numbers`` is the child's full number path."""
    match style:
        case "part":
            return f"第{chinese_number(n)}部分"
        case "cn":
            return f"{chinese_number(n)}、"
        case "cn-paren":
            return f"（{chinese_number(n)}）"
        case "arabic":
            return f"{n}、"
        case "arabic-dot":
            return f"{n}."
        case "arabic-paren":
            return f"（{n}）"
        case "decimal":
            return ".".join(str(x) for x in numbers)
        case "decimal-zero":
            return f"{n}.0"
        case "latin":
            return f"{latin_letter(n)}、"
        case "latin-dot":
            return f"{latin_letter(n)}."
        case "latin-paren":
            return f"{latin_letter(n)})"
        case "triangle":
            return "△"
        case "bullet":
            return "•"
        case _:
            return ""


def child_style(style: str | None, depth: int) -> str:
    """The style of a list: the one named, else the default for its depth."""
    if style:
        return style
    return DEFAULT_STYLES[min(depth, len(DEFAULT_STYLES) - 1)]
