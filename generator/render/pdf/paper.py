"""Paper: the sizes a pen needs and a binder and a photocopier allow, as named design constants.

The print stylesheet reads them as CSS variables (``var(--row)``), so the numbers live here once;
``tests/test_paper.py`` measures them back in the rendered PDFs. No layout goes below them: a form
that does not fit runs on to a second page (titled "<表名>（续）"), it is never squeezed.
"""

from __future__ import annotations

ROW_MM = 9.0
"""Height of a blank row of a ruled table: room for a line of handwritten Chinese."""
WRITE_MM = 8.0
"""Writing height left under the label of a labelled box."""
LABEL_MM = 4.5
"""Height of a box's label line (8 pt text)."""
LINE_MM = 8.0
"""Distance between the writing lines of a text area."""
SIGN_MM = 10.0
"""Height of a signature line; the date has a cell of its own beside it."""
BINDING_MM = 20.0
"""Left margin of every page: a two-hole punch and a binder take this much."""
EDGE_MM = 8.0
"""Least distance of the running header and footer from the edge of the paper (printers clip less)."""
TOP_MM = 16.0
"""Top margin of a form page (the running header sits in it, no nearer the edge than EDGE_MM)."""
BOTTOM_MM = 15.0
"""Bottom margin of a form page (the footer sits in it)."""
SIDE_MM = 12.0
"""Right margin of a form page."""
DATE_GAP_MM = 6.2
"""Room before each of 月 日 时 分 on a date line: two handwritten digits take about 5 mm."""
YEAR_GAP_MM = 10.0
"""Room before 年: four digits."""
CARD_MM = (85.6, 54.0)
"""A pass (施工人员出入证): ISO/IEC 7810 ID-1, the size of a bank card and of a badge holder."""
PHOTO_MM = (25.0, 35.0)
"""The photo box on a pass: a one-inch photo (一寸照片)."""
CROP_MM = 4.0
"""Length of a cut mark at each corner of a pass, set off 1 mm from the corner."""
INK = "#333"
"""Colour of rules, writing lines and hints: dark enough to survive a photocopy."""
LIGHTEST_INK = 0.4
"""No text and no rule in a PDF is lighter than this grey (0 black, 1 white): the test's threshold."""


def css_variables() -> str:
    """The constants as a ``:root`` rule for the print stylesheet."""
    field = LABEL_MM + WRITE_MM
    values = {
        "--row": f"{ROW_MM}mm",
        "--write": f"{WRITE_MM}mm",
        "--label": f"{LABEL_MM}mm",
        "--field": f"{field}mm",
        "--line": f"{LINE_MM}mm",
        "--sign": f"{SIGN_MM}mm",
        "--binding": f"{BINDING_MM}mm",
        "--top": f"{TOP_MM}mm",
        # a landscape form turned onto a portrait page in the manual is bound along its top edge
        "--bound-top": f"{BINDING_MM + TOP_MM - EDGE_MM}mm",
        "--bottom": f"{BOTTOM_MM}mm",
        "--side": f"{SIDE_MM}mm",
        "--ink": INK,
        "--date-gap": f"{DATE_GAP_MM}mm",
        "--year-gap": f"{YEAR_GAP_MM}mm",
        "--card-w": f"{CARD_MM[0]}mm",
        "--card-h": f"{CARD_MM[1]}mm",
        "--photo-w": f"{PHOTO_MM[0]}mm",
        "--photo-h": f"{PHOTO_MM[1]}mm",
        "--crop": f"{CROP_MM}mm",
    }
    return ":root { " + " ".join(f"{name}: {value};" for name, value in values.items()) + " }"
