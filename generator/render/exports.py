"""What the site build writes beside its pages and PDFs: the calendars (site/calendar/) and the Word
copies (site/docx/). Both take the build's date, so the same commit gives the same bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from generator.catalog.recurrence import CalendarEntry
from generator.catalog.views import DocumentView, Link
from generator.manual import Manual
from generator.paths import DOCX_FOLDER
from generator.render.ics import write_calendars
from generator.render.word import document_docx
from generator.source.files import write_atomic


def write_docx(manual: Manual, views: list[DocumentView], out: Path, printed: dt.date) -> list[Path]:
    """The Word copy of each document in ``views``, into ``out`` (written whole, then moved into place)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for view in views:
        target = out / f"{view.id}.docx"
        write_atomic(target, document_docx(manual.catalog, view, printed, manual.versions.get(view.id, [])))
        written.append(target)
    return written


def write_exports(
    manual: Manual,
    site: Path,
    stamp: dt.datetime,
    page_url: Callable[[Link], str],
    *,
    base_url: str = "",
) -> None:
    """site/calendar/*.ics and site/docx/*.docx, in every build (the offline variant has them too): together
    about 3 s for the twelve documents, most of it drawing the flowcharts, which are kept between the
    rebuilds of a live preview."""

    def clause_url(entry: CalendarEntry) -> str:
        return f"{page_url(entry.entry.document.link)}#{entry.anchor}"

    write_calendars(manual, site, stamp, clause_url, base_url)
    write_docx(manual, manual.catalog.documents, site / DOCX_FOLDER, stamp.date())
