"""The missing-glyph check: every character printed must exist in Noto Sans CJK SC.

Without the check a character the font lacks is drawn by some fallback font, or as an empty
box, and nobody notices until the form is on paper. The check runs on the exact text of each
HTML page before anything is rendered, and names the character, its code point and the YAML
file it came from, e.g. ``forms/x.yml:12:20: error E301 字体 Noto Sans CJK SC 中没有字符 "" (U+E000)``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog.views import Catalog
from generator.render.pdf import FONT_FAMILY
from generator.source.discover import EXTERNAL_FILE, ROLES_FILE
from generator.source.problems import Problem
from generator.text.glyphs import GLYPH_CODE, missing


@dataclass
class SourceIndex:
    """Which source file each character comes from, to point the user at the right YAML file."""

    root: Path
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, all text from it)

    @classmethod
    def of(cls, catalog: Catalog, root: Path, extra: Iterable[tuple[str, str]] = ()) -> SourceIndex:
        index = cls(root)
        for doc in catalog.documents:
            index.files.append((doc.path, _strings(doc.document.model_dump())))
        for form in catalog.forms:
            index.files.append((form.path, _strings(form.form.model_dump())))
        roles = next((f for f in catalog.source_files if f.endswith("roles.yml")), ROLES_FILE)
        index.files.append((roles, "".join(_strings(r.role.model_dump()) for r in catalog.roles)))
        external = next((f for f in catalog.source_files if f.endswith("external.yml")), EXTERNAL_FILE)
        index.files.append((external, "".join(_strings(e.item.model_dump()) for e in catalog.external)))
        index.files.extend(extra)
        return index

    def locate(self, char: str) -> list[tuple[str, int, int]]:
        """Every file whose text has ``char``, with the line and column of its first use.

        The position comes from scanning the file's text; it is only used for this message.
        """
        found = []
        for path, text in self.files:
            if char in text:
                found.append((path, *self._position(path, char)))
        return found

    def _position(self, path: str, char: str) -> tuple[int, int]:
        try:
            text = (self.root / path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return 1, 1
        offset = text.find(char)
        if offset < 0:  # written as an escape such as "\ue000"
            return 1, 1
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return line, col


def _strings(value: object) -> str:
    if isinstance(value, str):
        return value + "\n"
    if isinstance(value, dict):
        return "".join(_strings(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "".join(_strings(v) for v in value)
    return ""


def glyph_problems(pages: Iterable[tuple[str, str]], cmap: frozenset[int], index: SourceIndex) -> list[Problem]:
    """One located problem per missing character and source file, naming the PDFs it breaks.

    ``pages`` are (output path, text). A character found in no source file came from a
    template, and is reported against the template folder.
    """
    where: dict[str, list[str]] = {}
    for output, text in pages:
        for char in missing(text, cmap):
            where.setdefault(char, []).append(output)
    problems = []
    for char, outputs in where.items():
        shown = "、".join(outputs[:3]) + (f" 等 {len(outputs)} 个文件" if len(outputs) > 3 else "")
        name = unicodedata.name(char, "")
        message = (
            f"字体 {FONT_FAMILY} 中没有字符 “{char}”（U+{ord(char):04X}{' ' + name if name else ''}），"
            f"打印出来会是空框：请改用常用字符。受影响的 PDF：{shown}"
        )
        sources = index.locate(char) or [("generator/templates/pdf", 1, 1)]
        for path, line, col in sources:
            problems.append(Problem(path, line, col, GLYPH_CODE, message))
    return sorted(problems)
