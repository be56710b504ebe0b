"""The one table of kinds and shapes every layer shares: the seven document kinds (with their
Chinese names, in the order the master list shows them), the id pattern and the form grid.

Standard library only, so that the command-line parser can offer the kinds without loading pydantic.
"""

from __future__ import annotations

from typing import Literal, get_args

DocumentKind = Literal["procedure", "standard", "regulation", "duties", "training", "service-scope", "policy"]
DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
"""The document kinds in the order of the master list (/documents/) and of a new document's comment."""

KIND_NAMES = {
    "procedure": "程序文件",
    "standard": "标准规范",
    "regulation": "管理规定",
    "duties": "岗位职责",
    "training": "培训教材",
    "service-scope": "服务内容",
    "policy": "方针理念",
}
"""Each document kind's name as the site and the PDFs print it."""
assert tuple(KIND_NAMES) == DOCUMENT_KINDS, "KIND_NAMES lists the kinds of DocumentKind, in its order"

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
"""An id: lower-case letters and digits, words joined by one hyphen (also the page's address)."""

GRID_COLUMNS = 12
"""A form row is laid out on a grid of this many columns; a field spans 1 to GRID_COLUMNS of them."""
