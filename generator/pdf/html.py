"""One HTML string per PDF, from the catalog and the Jinja2 templates.

Autoescaping is on for every template: text from YAML is text, so ``<script>``, ``**bold**``
and ``{{ x }}`` in a label print as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..catalog import Catalog
from . import COMPANY, MANUAL_TITLE, SYSTEM, TEMPLATES
from .views import document_page, form_page, training_page

STYLESHEET = "print.css"
MANUAL_ID = "manual"

Kind = Literal["form", "document", "manual", "training"]


@dataclass(frozen=True)
class PdfJob:
    """One PDF to produce: where it goes and the HTML it is rendered from."""

    kind: Kind
    id: str
    output: str  # relative to the output folder, e.g. forms/return-visit-record.pdf
    html: str
    fillable: bool = False


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


class HtmlPages:
    """Lays the catalog out as HTML pages, one per PDF."""

    def __init__(self, catalog: Catalog, *, date: dt.datetime, fillable: bool = False) -> None:
        self.catalog = catalog
        self.fillable = fillable
        self.env = environment()
        self.common = {
            "company": COMPANY,
            "system": SYSTEM,
            "manual_title": MANUAL_TITLE,
            "stylesheet": STYLESHEET,
            "created": date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "edition": date.astimezone(dt.UTC).date().isoformat(),
        }

    def _render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(**self.common, **context)

    def form(self, form_id: str) -> PdfJob:
        page = form_page(self.catalog.form(form_id))
        html = self._render("form.html.j2", page=page, fillable=self.fillable)
        return PdfJob("form", form_id, f"forms/{form_id}.pdf", html, self.fillable)

    def document(self, doc_id: str) -> PdfJob:
        page = document_page(self.catalog, self.catalog.document(doc_id))
        html = self._render("document.html.j2", page=page)
        return PdfJob("document", doc_id, f"procedures/{doc_id}.pdf", html)

    def manual(self) -> PdfJob:
        documents = [document_page(self.catalog, d) for d in self.catalog.documents]
        forms = [form_page(f) for f in self.catalog.forms]
        html = self._render("manual.html.j2", documents=documents, forms=forms, catalog=self.catalog)
        return PdfJob("manual", MANUAL_ID, "manual.pdf", html)

    def training(self, role_id: str) -> PdfJob:
        page = training_page(self.catalog, self.catalog.role(role_id))
        html = self._render("training.html.j2", page=page)
        return PdfJob("training", role_id, f"training/{role_id}.pdf", html)

    # ----------------------------------------------------------------- selection

    def ids(self) -> dict[str, list[tuple[Kind, str]]]:
        """Every id ``--only`` accepts, with the PDFs it selects."""
        found: dict[str, list[tuple[Kind, str]]] = {}
        for form in self.catalog.forms:
            found.setdefault(form.form.id, []).append(("form", form.form.id))
        for doc in self.catalog.documents:
            found.setdefault(doc.id, []).append(("document", doc.id))
        found.setdefault(MANUAL_ID, []).append(("manual", MANUAL_ID))
        for role in self.catalog.roles:
            if role.has_work:
                found.setdefault(role.id, []).append(("training", role.id))
        return found

    def jobs(self, only: list[str] | None = None) -> list[PdfJob]:
        """The PDFs to produce: all of them, or those of the ids in ``only``."""
        ids = self.ids()
        wanted: list[tuple[Kind, str]] = []
        for key in only or list(ids):
            for item in ids[key]:
                if item not in wanted:
                    wanted.append(item)
        make = {"form": self.form, "document": self.document, "training": self.training}
        jobs = []
        for kind, key in wanted:
            jobs.append(self.manual() if kind == "manual" else make[kind](key))
        return jobs
