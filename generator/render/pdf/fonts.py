"""Real font subsets: each embedded font keeps only the glyphs the PDF uses, and its tag says which.

WeasyPrint 70 subsets with HarfBuzz but *retains glyph ids*: the content streams address a glyph
by its id in the full font, so the subset keeps every slot up to the highest id used. Noto Sans
CJK has 65,535 slots and the common hanzi sit high, so a one-page form carried ~150 KB of empty
slots per face. And the subset tag ("TSPJMR+") is a hash of the font's description, the same
in every file whatever the glyphs.

Both are put right here, in the worker, around WeasyPrint's own steps:

* :func:`compact` subsets a CID-keyed CFF font (Noto Sans CJK is one, and its CIDs are its glyph
  ids) with HarfBuzz *without* retaining ids. HarfBuzz keeps each glyph's CID in the CFF's
  ``charset``; the program is embedded as a bare CFF (``/FontFile3 /Subtype /CIDFontType0C``),
  where a viewer finds a glyph through the charset by CID (ISO 32000-2, 9.7.4.2 and 9.9), so the
  content streams, the widths (``/W``) and ``/ToUnicode`` keep addressing the same CIDs. A font
  whose CIDs are not its glyph ids, or that is not CID-keyed CFF (TrueType, colour or variable
  fonts, missing glyphs), is left to WeasyPrint.
* :func:`subset_tag` names each subset after the glyphs in it (six letters, from SHA-256), so two
  files with different subsets never share a tag (ISO 32000-2, 9.9.2) and one subset always gets
  the same tag: same commit, same bytes.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Iterable
from typing import Any

LOGGER = logging.getLogger("weasyprint")
_INSTALLED: dict[str, Any] = {}


def subset_tag(family: bytes, glyphs: Iterable[int]) -> bytes:
    """Six capital letters naming the subset of ``family`` with these glyph ids."""
    digest = hashlib.sha256(family + b"\0" + ",".join(str(g) for g in sorted(set(glyphs))).encode()).digest()
    return bytes(65 + b % 26 for b in digest[:6])


def compact(hb_face: Any, glyphs: Iterable[int]) -> tuple[bytes, bytes] | None:
    """``(OpenType program, bare CFF program)`` of the font of ``hb_face`` cut down to ``glyphs``
    (ids in the full font, which are also their CIDs), or ``None`` when that cannot be done."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
    from weasyprint.text.fonts import get_hb_object_data

    if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return None
    wanted = sorted({0, *glyphs})
    request = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(request)
    harfbuzz.hb_set_add_sorted_array(glyph_set, ffi.new(f"hb_codepoint_t[{len(wanted)}]", wanted), len(wanted))
    harfbuzz_subset.hb_subset_input_set_flags(
        request,
        harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        | harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
        | harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING,
    )
    # No features to close over: HarfBuzz would otherwise add the GSUB variants of each glyph.
    _hb_set_clear(harfbuzz_subset.hb_subset_input_set(request, harfbuzz_subset.HB_SUBSET_SETS_LAYOUT_FEATURE_TAG))
    drop = harfbuzz_subset.hb_subset_input_set(request, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = sorted(harfbuzz.hb_tag_from_string(t, -1) for t in _DROP_TABLES)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = harfbuzz_subset.hb_subset_or_fail(hb_face, request)
    if face == ffi.NULL:
        return None
    program = get_hb_object_data(ffi.gc(face, harfbuzz.hb_face_destroy))
    if not program or program[:4] != b"OTTO":
        return None
    try:
        bare = TTFont(io.BytesIO(program), lazy=True).reader["CFF "]
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(bare), None)
        top = cff[cff.fontNames[0]]
        if not hasattr(top, "ROS"):
            return None  # name-keyed: a viewer would take the code for a glyph id of the subset
        kept = {_cid(name) for name in top.charset}
    except Exception as error:  # any surprise in a font: WeasyPrint's own subset, never a failed PDF
        LOGGER.debug("compact subset failed: %s", error)
        return None
    if not kept >= set(wanted):
        return None
    return program, bytes(bare)


def cids_are_glyph_ids(content: bytes, index: int) -> bool:
    """True when every glyph of the CID-keyed CFF font ``content`` (font ``index`` of a collection)
    has its glyph id as CID, as in Noto Sans CJK (Adobe-Identity-0)."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
        if "CFF " not in font or not hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
            return False
        return all(_cid(name) == gid for gid, name in enumerate(font.getGlyphOrder()))
    except Exception:  # not a font fontTools reads: let WeasyPrint handle it
        return False


def _cid(name: str) -> int | None:
    if name == ".notdef":
        return 0
    if name.startswith("cid") and name[3:].isdigit():
        return int(name[3:])
    return None


def _hb_set_clear(hb_set: Any) -> None:
    """``hb_set_clear`` (HarfBuzz 0.9+), which WeasyPrint's bindings do not declare."""
    from weasyprint.text.ffi import ffi, harfbuzz

    if "clear" not in _INSTALLED:
        ffi.cdef("void hb_set_clear (hb_set_t *set);")
        _INSTALLED["clear"] = True
    harfbuzz.hb_set_clear(hb_set)


_DROP_TABLES = (
    b"BASE",
    b"DSIG",
    b"EBDT",
    b"EBLC",
    b"EBSC",
    b"GPOS",
    b"GSUB",
    b"JSTF",
    b"LTSH",
    b"PCLT",
    b"SVG ",
    b"VORG",
    b"vhea",
    b"vmtx",
)
"""Tables a PDF viewer never reads (the text is already shaped; the layout is horizontal)."""

_IDENTITY: dict[str, bool] = {}
"""Per font (WeasyPrint's hash of its description): are its CIDs its glyph ids? Checked once."""


_BARE: dict[int, bytes] = {}
"""Bare CID-keyed CFF programs, by the id of the OpenType program WeasyPrint is embedding."""


def _swap_in_bare_cff(pdf: Any) -> None:
    """Embed each compacted font as a bare CFF (``/FontFile3 /Subtype /CIDFontType0C``): a viewer
    finds a glyph of such a font through its charset, by CID (ISO 32000-2, 9.9.1, Table 124)."""
    for obj in pdf.objects:
        content = getattr(obj, "stream", None)
        extra = getattr(obj, "extra", None)
        if not content or extra is None or len(content) != 1 or extra.get("Subtype") != "/OpenType":
            continue
        bare = _BARE.get(id(content[0]))
        if bare is not None:
            obj.stream = [bare]
            extra["Subtype"] = "/CIDFontType0C"


SWITCH = "PROCGEN_PDF_FONTS"
"""Set to ``weasyprint`` to embed WeasyPrint's own subsets (ids retained, one tag): a way back if a
viewer ever shows wrong characters, and the "before" of ``bench/pdf_size.py``."""


def mode() -> str:
    """``compact`` (the default) or ``weasyprint``; part of the PDF cache key."""
    return "weasyprint" if os.environ.get(SWITCH, "").strip().lower() == "weasyprint" else "compact"


def install() -> None:
    """Wrap WeasyPrint's font steps (once per process): compact subsets, tags from the glyphs."""
    if _INSTALLED:
        return
    from weasyprint import pdf as wp_pdf
    from weasyprint.pdf import fonts as wp_fonts

    original_clean = wp_fonts.Font.clean
    original_build = wp_pdf.build_fonts_dictionary

    def clean(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        made = None
        if (
            to_unicode
            and mode() == "compact"
            and not (self.png or self.svg or self.colr or "fvar" in self.tables or self.missing)
        ):
            if self.hash not in _IDENTITY:
                _IDENTITY[self.hash] = cids_are_glyph_ids(self.file_content, self.index)
            made = compact(self.hb_face, to_unicode) if _IDENTITY[self.hash] else None
        if made is None:
            original_clean(self, to_unicode, hinting)
            return
        self.file_content, bare = made
        _BARE[id(self.file_content)] = bare  # swapped in once WeasyPrint has made the stream

    def build_fonts_dictionary(pdf: Any, fonts: dict[str, Any], compress: bool, subset: bool, options: Any) -> Any:
        if subset and mode() == "compact":
            groups: dict[str, list[Any]] = {}
            for font in fonts.values():
                groups.setdefault(font.hash, []).append(font)
            for group in groups.values():
                glyphs = {g for font in group for g in font.to_unicode}
                for font in group:
                    _, _, base = font.name.partition(b"+")
                    font.name = b"/" + subset_tag(base, glyphs) + b"+" + base
        try:
            return original_build(pdf, fonts, compress, subset, options)
        finally:
            if _BARE:
                _swap_in_bare_cff(pdf)
                _BARE.clear()

    wp_fonts.Font.clean = clean
    wp_pdf.build_fonts_dictionary = build_fonts_dictionary
    _INSTALLED["clean"] = original_clean
    _INSTALLED["build"] = original_build
