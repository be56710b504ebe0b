"""The validated catalog: every definition, cross-linked, with the derived views both renderers use.

Templates only lay out what is computed here: numbering labels, anchors, the pieces of text that
link to another document, next review dates, and the views by role, by target, by deadline,
the records register, the master list and the company-wide matrix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from generator.catalog.views import Catalog, DocumentView
from generator.catalog.wording import REVIEW_STATUS_NAMES

if TYPE_CHECKING:
    pass


REVIEW_SOON_DAYS = 60
"""A review due within this many days is shown as soon due (/documents/, the home page, --format json)."""


@dataclass(frozen=True)
class ReviewState:
    """When a document was last reviewed (or revised), when its next review is due, and how that stands
    on ``today``."""

    document: DocumentView
    last: dt.date
    due: dt.date
    status: Literal["overdue", "soon", "ok"]
    days: int  # days until due (negative: overdue by)

    @property
    def status_name(self) -> str:
        return REVIEW_STATUS_NAMES[self.status]


def review_states(catalog: Catalog, today: dt.date) -> list[ReviewState]:
    """Every document's review state on ``today``, in catalog order."""
    out = []
    for doc in catalog.documents:
        days = (doc.next_review - today).days
        status: Literal["overdue", "soon", "ok"] = (
            "overdue" if days < 0 else "soon" if days <= REVIEW_SOON_DAYS else "ok"
        )
        out.append(ReviewState(doc, doc.last_review, doc.next_review, status, days))
    return out
