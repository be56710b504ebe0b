"""The missing-glyph check: every character printed must exist in Noto Sans CJK SC.

Without the check a character the font lacks is drawn by some fallback font, or as an empty
box, and nobody notices until the form is on paper. The check runs on the exact text of each
HTML page before anything is rendered, and names the character, its code point and the YAML
file it came from, e.g. ``forms/x.yml:12:20: error E301 字体 Noto Sans CJK SC 中没有字符 "" (U+E000)``.
"""

from __future__ import annotations

import functools
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from generator.errors import UserError
from generator.source.files import write_atomic

FONT_FAMILY = "Noto Sans CJK SC"
"""The one font every PDF is set in; the glyph check uses its character map."""
KNOWN_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


GLYPH_CODE = "E301"


class FontNotFound(UserError):
    """Noto Sans CJK SC is not installed."""


_FOUND: dict[str, Path] = {}
"""family -> the file :func:`font_file` found, asked of fc-match once per process (a build asks twice, a preview
on every save; each ``fc-match`` is a process of its own)."""


def font_file(family: str = FONT_FAMILY) -> Path:
    """The file fontconfig uses for ``family`` (fc-match), else the Debian path."""
    known = _FOUND.get(family)
    if known is not None and known.is_file():
        return known
    found = _font_file(family)
    _FOUND[family] = found
    return found


def _font_file(family: str) -> Path:
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True, timeout=20, check=True
        ).stdout
        families, _, file = out.partition("\n")
        if family in families.split(",") and Path(file).is_file():
            return Path(file)
    except (OSError, subprocess.SubprocessError):
        pass
    if KNOWN_FONT.is_file():
        return KNOWN_FONT
    raise FontNotFound(f"未安装字体 {family}：请安装 fonts-noto-cjk（sudo apt-get install fonts-noto-cjk）后重试")


@functools.cache
def coverage(path: Path, family: str = FONT_FAMILY) -> frozenset[int]:
    """The code points ``family`` has a glyph for (the face is picked out of a .ttc collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() in (".ttc", ".otc"):
        faces = TTCollection(str(path), lazy=True).fonts
        face = next((f for f in faces if f["name"].getDebugName(1) == family), faces[0])
    else:
        face = TTFont(str(path), lazy=True)
    return frozenset(face.getBestCmap())


def cached_coverage(path: Path, cache_dir: Path, family: str = FONT_FAMILY) -> frozenset[int]:
    """:func:`coverage`, kept in ``cache_dir`` per font file, size and mtime (reading the CJK cmap
    takes about a second; the cached list about 10 ms), so `procgen check` can afford it."""
    stat = path.stat()
    key = f"{path.name}-{stat.st_size}-{int(stat.st_mtime)}-{family.replace(' ', '_')}.txt"
    cached = cache_dir / key
    try:
        return frozenset(int(x) for x in cached.read_text(encoding="ascii").split())
    except (OSError, ValueError):
        pass
    points = coverage(path, family)
    try:
        write_atomic(cached, " ".join(str(p) for p in sorted(points)).encode("ascii"))
    except OSError:
        pass  # a read-only checkout still gets the answer, just not the speed-up
    return points


def printable(char: str) -> bool:
    """Whether ``char`` needs a glyph: not whitespace, control or format characters."""
    if char.isspace():
        return False
    if unicodedata.category(char) in ("Cc", "Cf"):
        return False
    return not ("\ufe00" <= char <= "\ufe0f")


class _TextOf(HTMLParser):
    """Collects the text of an HTML page's body and its data-* attributes: what will be drawn."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "script", "title"):
            self._skip += 1
        # data-* attributes reach the page through CSS (string-set: … attr(data-retention)).
        self.parts.extend(value for name, value in attrs if name.startswith("data-") and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def missing(text: str, cmap: frozenset[int]) -> list[str]:
    """The distinct characters of ``text`` the font cannot draw, in order of first use."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and ord(char) not in cmap and printable(char):
            seen[char] = None
    return list(seen)
