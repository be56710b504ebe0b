"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.registry import Context, _all_files, rule
from generator.model.document import Node
from generator.source.problems import Problem
from generator.text.glyphs import FontNotFound, cached_coverage, font_file, missing, printable
from generator.text.typography import half_width_marks


def paragraphs_of(node: Node) -> list[str]:
    texts: list[str] = []
    for value in (node.text, node.after):
        if isinstance(value, str):
            texts.append(value)
        elif value:
            texts.extend(value)
    return texts


@rule
def full_width_punctuation(ctx: Context) -> Iterator[Problem]:
    """Half-width , : ; ( ) between Chinese characters are full-width marks (warning W250).

    Passes: 规范回访工作，及时验证. Warns: 规范回访工作,及时验证 (`procgen format` rewrites it).
    """
    for located, _ in _all_files(ctx):
        for loc, text in ctx.text_facts(located).half_width:  # not in a revision entry: it quotes the original wording
            marks = list(half_width_marks(text))
            if marks:
                shown = "、".join(dict.fromkeys(f'"{m.char}"' for m in marks))
                yield ctx.at(
                    located,
                    loc,
                    "W250",
                    f"汉字之间有 {len(marks)} 个半角标点 {shown}：应为全角（，：；（）），运行 procgen format 可自动改正",
                )


@rule
def glyphs_exist(ctx: Context) -> Iterator[Problem]:
    """Every character can be printed in Noto Sans CJK SC (else the PDF shows an empty box).

    Passes: 回访记录表. Fails: a private-use character such as U+E000. Skipped when the font is
    not installed (the PDF build then says how to install it).
    """
    import unicodedata

    try:
        cmap = cached_coverage(font_file(), ctx.loaded.root / ".cache" / "glyphs")
    except (FontNotFound, OSError, ImportError):
        return
    files = _all_files(ctx)
    # every file's distinct characters judged once; a file's strings are searched only when it has one to report
    every = set().union(*(ctx.text_facts(located).chars for located, _ in files))
    bad = {c for c in every if ord(c) not in cmap and printable(c)}
    if not bad:
        return
    for located, _ in files:
        if bad.isdisjoint(ctx.text_facts(located).chars):
            continue
        strings = ctx.strings(located)
        reported: set[str] = set()
        for loc, text in strings:
            for char in missing(text, cmap):
                if char in reported:
                    continue
                reported.add(char)
                name = unicodedata.name(char, "")
                yield ctx.at(
                    located,
                    loc,
                    "E301",
                    f"字体 Noto Sans CJK SC 中没有字符 “{char}”（U+{ord(char):04X}{' ' + name if name else ''}），打印出来会是空框：请改用常用字符",
                )
