"""One HTML string per PDF, from the catalog and the Jinja2 templates.

Autoescaping is on for every template: text from YAML is text, so ``<script>``, ``**bold**``
and ``{{ x }}`` in a label print as typed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator import paths
from generator.catalog.views import Catalog, DocumentView
from generator.catalog.wording import RACI_LABELS, RACI_NOTE, revision_parts
from generator.manual import Manual
from generator.render.pdf import STYLESHEET, TEMPLATES
from generator.render.pdf.paper import css_variables
from generator.render.pdf.views import (
    RECORD_FORM,
    SIGN_IN_FORM,
    DocumentPage,
    document_page,
    form_page,
    record_page,
    sign_in_page,
    training_page,
)

MANUAL_ID = "manual"
APPENDIX_ANCHOR = "forms-appendix"  # manual.html.j2's appendix of forms

Kind = Literal["form", "document", "manual", "training", "sign-in", "archive", "quiz", "quiz-key", "record"]


ARCHIVAL = "pdf/a-2b"
"""The PDF/A level of the copies kept as records. A-2b, not A-3b: A-3 differs only in allowing files of
any kind to be embedded, and these copies embed none, so A-2b says the same with fewer demands on the
reader (any PDF/A-2 validator or archive accepts it); "b" (the look is preserved) is what WeasyPrint can
promise, and the files are tagged besides."""


@dataclass(frozen=True)
class Part:
    """One part of manual.pdf (its front matter, a document, the forms' appendix, a form), laid out
    and cached on its own, then bound with the others (``generator/render/pdf/manual.py``)."""

    name: str  # "front", "doc-<id>", "appendix", "form-<id>"
    html: str
    rotate: int = 0  # the viewer turns each page clockwise by this many degrees (/Rotate)
    grow: bool = False  # a blank form, grown to fill its last page as when printed alone
    anchor: str = ""  # where the part starts: the contents link here and give its first page


@dataclass(frozen=True)
class PdfJob:
    """One PDF to produce: where it goes and the HTML it is rendered from.

    ``grow``: a blank form whose last ruled table (or text area) takes extra blank rows (lines)
    until its last page is full, so the page's empty lower part is room to write.
    """

    kind: Kind
    id: str
    output: str  # relative to the output folder, e.g. forms/return-visit-record.pdf
    html: str
    fillable: bool = False
    grow: bool = False
    parts: tuple[Part, ...] = ()
    snug: bool = False  # laid out tighter when that saves a nearly empty last page (training packs)
    archival: bool = False
    """Kept as a record (controlled and archived copies, the manual): written as PDF/A (ARCHIVAL)."""
    part: bool = False
    """A part of manual.pdf: its page numbers are stamped once the parts are bound (manual.py), and its
    links to the other parts are kept (the bound file resolves them)."""
    tags: bool = True  # tagged PDF (StructTreeRoot); the manual's page-number stamps are not

    @property
    def source(self) -> str:
        """Everything the PDF is made from besides the shared inputs: the cache key's text."""
        text = self.html + ("\ngrow" if self.grow else "") + ("\nsnug" if self.snug else "")
        text += f"\n{ARCHIVAL}" if self.archival else ""
        text += "\npart" if self.part else ""
        text += "" if self.tags else "\nuntagged"
        for part in self.parts:
            text += f"\n<!-- part {part.name} rotate={part.rotate} grow={part.grow} -->\n{part.html}"
        return text


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["raci"] = RACI_LABELS
    env.globals["revision_parts"] = revision_parts
    env.globals["raci_note"] = RACI_NOTE
    return env


@functools.cache
def shared_environment() -> Environment:
    """One :func:`environment` per process: its compiled templates are kept between builds (a preview or the
    benchmark builds many; Jinja recompiles a template whose file changed)."""
    return environment()


@dataclass
class HtmlPages:
    """Lays the catalog out as HTML pages, one per PDF."""

    manual: Manual
    date: dt.datetime
    fillable: bool = False
    env: Environment = field(default_factory=shared_environment)
    _pages: dict[str, DocumentPage] = field(default_factory=dict, repr=False)

    def _document_page(self, view: DocumentView) -> DocumentPage:
        """A current document's page, laid out once per build (its PDF and its part of the manual both print
        it; the flowcharts' layout is most of its cost)."""
        page = self._pages.get(view.id)
        if page is None:
            page = self._pages[view.id] = document_page(
                self.catalog, view, self.date.date(), versions=self.manual.versions.get(view.id, [])
            )
        return page

    @property
    def catalog(self) -> Catalog:
        return self.manual.catalog

    def _render(self, template: str, **context: object) -> str:
        when = self.date.astimezone(dt.UTC)
        return self.env.get_template(template).render(
            company=self.catalog.company.name,
            company_short=self.catalog.company.short_name,
            system=self.catalog.company.system,
            manual_title=self.catalog.company.manual_title,
            stylesheet=STYLESHEET,
            paper_css=css_variables(),
            created=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            edition=when.date().isoformat(),
            **context,
        )

    def form(self, form_id: str, *, fillable: bool | None = None) -> PdfJob:
        """The form alone; its blank rows grow to fill the last page (unless it is fillable)."""
        fillable = self.fillable if fillable is None else fillable
        view = self.catalog.form(form_id)
        html = self._render("form.html.j2", page=form_page(view), fillable=fillable, in_manual=False)
        return PdfJob("form", form_id, paths.pdf("form", form_id), html, fillable, grow=not fillable)

    def document(self, doc_id: str) -> PdfJob:
        page = self._document_page(self.catalog.document(doc_id))
        html = self._render("document.html.j2", page=page)
        return PdfJob("document", doc_id, paths.pdf("document", doc_id), html, archival=True)

    def archive(self, key: str) -> PdfJob:
        """A superseded version's controlled copy (``key`` is ``id@version``), stamped 作废 on every page."""
        doc_id, _, version = key.partition("@")
        versions = self.manual.versions[doc_id]
        index = next(i for i, v in enumerate(versions) if v.version == version and not v.current)
        old = versions[index]
        assert old.view is not None, "selected only when the version can be read"
        if old.withdrawn is not None:  # the document itself was withdrawn: nothing replaced it
            page = document_page(self.catalog, old.view, self.date.date(), withdrawn_on=old.withdrawn.date)
        else:
            newer = versions[index - 1]
            page = document_page(
                self.catalog, old.view, self.date.date(), superseded_by=newer.version, superseded_on=newer.effective
            )
        html = self._render("document.html.j2", page=page)
        return PdfJob("archive", key, f"{old.archive}", html, archival=True)

    def manual_pdf(self) -> PdfJob:
        """The whole manual as parts laid out on their own (front matter, each document, the forms'
        appendix, each form as printed alone), bound and numbered by ``manual.py``: a changed document
        or form re-renders its part alone. A landscape form is turned onto a portrait page, its top
        edge to the binding."""
        documents = [self._document_page(d) for d in self.catalog.documents]
        forms = [form_page(f) for f in self.catalog.forms]

        def part(name: str, **context: object) -> str:
            return self._render("manual.html.j2", part=name, documents=documents, forms=forms, **context)

        parts = [Part("front", part("front"))]
        parts += [Part(f"doc-{d.document.id}", part("document", doc=d), anchor=d.anchor) for d in documents]
        parts.append(Part("appendix", part("appendix"), anchor=APPENDIX_ANCHOR))
        parts += [
            Part(
                f"form-{page.form.id}",
                self._render("form.html.j2", page=page, fillable=False, in_manual=True),
                270 if page.form.orientation == "landscape" else 0,
                grow=True,
                anchor=page.anchor,
            )
            for page in forms
        ]
        return PdfJob("manual", MANUAL_ID, paths.MANUAL_PDF, "", parts=tuple(parts), archival=True)

    def training(self, role_id: str) -> PdfJob:
        page = training_page(self.catalog, self.catalog.role(role_id))
        html = self._render("training.html.j2", page=page)
        return PdfJob("training", role_id, paths.pdf("role", role_id), html, snug=True)

    def sign_in(self, role_id: str) -> PdfJob | None:
        """The sign-in sheet of a role's training pack, its subject and organiser printed in; its
        blank rows grow to fill the page like any blank form."""
        page = sign_in_page(self.catalog, self.catalog.role(role_id))
        if page is None:
            return None
        html = self._render("form.html.j2", page=page, fillable=False, in_manual=False)
        return PdfJob("sign-in", role_id, paths.pdf("role", role_id, "sign-in"), html, grow=True)

    def quiz(self, role_id: str, *, key: bool = False) -> PdfJob:
        """A role's quiz to answer on paper, or (``key``) its answer key with each answer's clause."""
        quiz = self.manual.quizzes[role_id]
        html = self._render("quiz.html.j2", quiz=quiz, role=quiz.role, key=key)
        name = paths.pdf("role", role_id, "quiz-key" if key else "quiz")
        return PdfJob("quiz-key" if key else "quiz", role_id, name, html, snug=True)

    def record(self, role_id: str) -> PdfJob:
        """The 员工培训记录 of one training session of the role, its subject and documents printed in."""
        page = record_page(self.catalog, self.catalog.role(role_id))
        assert page is not None, "selected only when the form exists"
        html = self._render("form.html.j2", page=page, fillable=False, in_manual=False)
        return PdfJob("record", role_id, paths.pdf("role", role_id, "record"), html, grow=True)

    def job(self, kind: Kind, key: str) -> PdfJob:
        if kind == "sign-in":
            job = self.sign_in(key)
            assert job is not None, "selected only when the sign-in form exists"
            return job
        if kind == "form":
            return self.form(key)
        if kind == "document":
            return self.document(key)
        if kind == "training":
            return self.training(key)
        if kind == "archive":
            return self.archive(key)
        if kind in ("quiz", "quiz-key"):
            return self.quiz(key, key=kind == "quiz-key")
        if kind == "record":
            return self.record(key)
        return self.manual_pdf()

    # ----------------------------------------------------------------- selection

    def ids(self) -> dict[str, list[tuple[Kind, str]]]:
        """Every id ``--only`` accepts, with the PDFs it selects."""
        found: dict[str, list[tuple[Kind, str]]] = {}
        for form in self.catalog.forms:
            found.setdefault(form.form.id, []).append(("form", form.form.id))
        for doc in self.catalog.documents:
            found.setdefault(doc.id, []).append(("document", doc.id))
        for doc_id, versions in self.manual.versions.items():  # withdrawn documents included
            for version in versions:
                if not version.current and version.view is not None:
                    found.setdefault(doc_id, []).append(("archive", f"{doc_id}@{version.version}"))
        found.setdefault(MANUAL_ID, []).append(("manual", MANUAL_ID))
        sign_in = any(f.form.id == SIGN_IN_FORM for f in self.catalog.forms)
        record = any(f.form.id == RECORD_FORM for f in self.catalog.forms)
        quizzed = self.manual.quizzes
        for role in self.catalog.roles:
            if role.trained:
                found.setdefault(role.id, []).append(("training", role.id))
                if sign_in:
                    found[role.id].append(("sign-in", role.id))
                if record:
                    found[role.id].append(("record", role.id))
                if role.id in quizzed:
                    found[role.id] += [("quiz", role.id), ("quiz-key", role.id)]
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
