"""One HTML string per PDF, from the catalog and the Jinja2 templates.

Autoescaping is on for every template: text from YAML is text, so ``<script>``, ``**bold**``
and ``{{ x }}`` in a label print as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..catalog import Catalog
from . import TEMPLATES
from .views import SIGN_IN_FORM, document_page, form_page, training_page

STYLESHEET = "print.css"
MANUAL_ID = "manual"

Kind = Literal["form", "document", "manual", "training"]


@dataclass(frozen=True)
class PdfJob:
    """One PDF to produce: where it goes and the HTML it is rendered from.

    ``alternate`` is the compact variant of a form: the renderer uses it instead when it
    saves a page.
    """

    kind: Kind
    id: str
    output: str  # relative to the output folder, e.g. forms/return-visit-record.pdf
    html: str
    fillable: bool = False
    alternate: str | None = None


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass
class HtmlPages:
    """Lays the catalog out as HTML pages, one per PDF.

    ``compact_forms`` are the forms set tighter wherever they appear (the manual's appendix,
    a training pack), as decided when each form was rendered on its own.
    """

    catalog: Catalog
    date: dt.datetime
    fillable: bool = False
    compact_forms: frozenset[str] = frozenset()
    env: Environment = field(default_factory=environment)

    def _render(self, template: str, **context: object) -> str:
        when = self.date.astimezone(dt.UTC)
        return self.env.get_template(template).render(
            company=self.catalog.company.name,
            company_short=self.catalog.company.short_name,
            system=self.catalog.company.system,
            manual_title=self.catalog.company.manual_title,
            stylesheet=STYLESHEET,
            created=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            edition=when.date().isoformat(),
            **context,
        )

    def form(self, form_id: str, *, fillable: bool | None = None) -> PdfJob:
        """The form alone, with its compact variant as the alternate."""
        fillable = self.fillable if fillable is None else fillable
        view = self.catalog.form(form_id)
        html = self._render("form.html.j2", page=form_page(view), fillable=fillable)
        compact = self._render("form.html.j2", page=form_page(view, compact=True), fillable=fillable)
        return PdfJob("form", form_id, f"forms/{form_id}.pdf", html, fillable, compact)

    def document(self, doc_id: str) -> PdfJob:
        page = document_page(self.catalog, self.catalog.document(doc_id))
        html = self._render("document.html.j2", page=page)
        return PdfJob("document", doc_id, f"procedures/{doc_id}.pdf", html)

    def manual(self) -> PdfJob:
        documents = [document_page(self.catalog, d) for d in self.catalog.documents]
        forms = [form_page(f, f.form.id in self.compact_forms) for f in self.catalog.forms]
        html = self._render("manual.html.j2", documents=documents, forms=forms)
        return PdfJob("manual", MANUAL_ID, "manual.pdf", html)

    def training(self, role_id: str) -> PdfJob:
        page = training_page(self.catalog, self.catalog.role(role_id), self.compact_forms)
        html = self._render("training.html.j2", page=page)
        return PdfJob("training", role_id, f"training/{role_id}.pdf", html)

    def job(self, kind: Kind, key: str) -> PdfJob:
        if kind == "form":
            return self.form(key)
        if kind == "document":
            return self.document(key)
        if kind == "training":
            return self.training(key)
        return self.manual()

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
            if role.trained:
                found.setdefault(role.id, []).append(("training", role.id))
        return found

    def select(self, only: list[str] | None = None) -> list[tuple[Kind, str]]:
        """The PDFs to produce: all of them, or those of the ids in ``only``."""
        ids = self.ids()
        wanted: list[tuple[Kind, str]] = []
        for key in only or list(ids):
            for item in ids[key]:
                if item not in wanted:
                    wanted.append(item)
        return wanted

    def forms_inside(self, selected: list[tuple[Kind, str]]) -> list[str]:
        """The forms printed inside the selected manual or training packs."""
        kinds = {kind for kind, _ in selected}
        ids = [f.form.id for f in self.catalog.forms]
        if "manual" in kinds:
            return ids
        if "training" in kinds and SIGN_IN_FORM in ids:
            return [SIGN_IN_FORM]
        return []
