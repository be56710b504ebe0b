"""Every version of every document, from the git history: its revision entries, the commits it was in
force for, the redline against the version before, and (superseded) the view its archived copy is
printed from.

Part of building the catalog: the site's /changes/ page, each document's history and the archive PDFs
only lay these out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from generator import paths
from generator.catalog.build import Definitions, Resolver
from generator.catalog.views import Catalog, DocumentView, Link
from generator.control.history import Commit, History, Span
from generator.control.redline import Edit, redline
from generator.model.document import Document, Revision
from generator.model.form import FormSchema
from generator.model.validate import validate
from generator.source.diskcache import Store, enabled, key_of
from generator.source.loader import load_blob


@dataclass
class VersionView:
    document_id: str
    code: str
    title: str
    version: str
    current: bool
    effective: dt.date
    revisions: list[Revision]
    """The revision entries of this version (and reviews recorded while it was in force)."""
    since: Commit | None
    """The commit that introduced it (None: not committed yet)."""
    until: Commit | None
    """Superseded: the last commit it was in force."""
    previous: str | None = None
    edits: list[Edit] | None = None
    """Against the previous version; None when there is none or its content cannot be read."""
    withdrawn: Commit | None = None
    """The last version of a withdrawn document: the commit that removed its file."""
    retired: bool = False
    """A version of a document that is no longer in the manual (withdrawn): no current page to link."""
    view: DocumentView | None = field(default=None, repr=False)
    catalog: Catalog | None = field(default=None, repr=False)
    """The whole catalog with this version of the document in it (to compare what a role must know)."""

    @property
    def archive(self) -> str | None:
        """The superseded controlled copy, relative to the PDF folder."""
        return None if self.current else paths.archive_pdf(self.document_id, self.version)

    @property
    def status(self) -> str:
        """现行, 已作废 (superseded) or 已撤销 (the document itself withdrawn)."""
        return "现行" if self.current else "已撤销" if self.withdrawn else "已作废"

    @property
    def link(self) -> Link:
        return Link("document", self.document_id, self.title)

    @property
    def anchor(self) -> str:
        return f"{self.document_id}-v{self.version.replace('.', '-')}"

    @property
    def date(self) -> dt.date:
        """When it came into force: its effective date."""
        return self.effective

    @property
    def summary(self) -> str:
        entries = [r for r in self.revisions if not r.is_review]
        return entries[-1].summary if entries else ""


def _old_catalog(inputs: Definitions, path: str, doc: Document, resolver: Resolver, index: Index) -> Catalog | None:
    """The catalog of an earlier version of one document among today's others: only that document's
    views are built (``only``), the others are known to its links, so each version costs its own size."""
    # Given alone, with its number among today's documents (after them when it is no longer one), and
    # with its own forms: the others are known to its links through the resolver.
    at = index.positions.get(doc.id)
    number = at + 1 if at is not None else len(index.positions) + 1
    documents = [(inputs.documents[at][0] if at is not None else path, doc)]
    forms = index.forms.get(doc.id, [])
    try:
        return replace(inputs, documents=documents, forms=forms).build(
            only=frozenset({doc.id}), resolver=resolver.overlay(doc), first_number=number
        )
    except (KeyError, ValueError, StopIteration):  # it names something that no longer exists
        return None


@dataclass
class Index:
    """Made once per catalog, not once per version: each document's place in ``inputs.documents``,
    and each document's forms."""

    positions: dict[str, int]
    forms: dict[str, list[tuple[str, FormSchema]]]


def positions(inputs: Definitions) -> Index:
    forms: dict[str, list[tuple[str, FormSchema]]] = {}
    for path, form in inputs.forms:
        forms.setdefault(form.procedure, []).append((path, form))
    return Index({d.id: i for i, (_, d) in enumerate(inputs.documents)}, forms)


def _old_document(history: History, span: Span) -> Document | None:
    """The document as committed at the end of ``span``, validated (None when it does not parse or
    validate): once per blob, kept on disk by the blob's hash (``.cache/history/documents/``)."""
    blob = span.last.blob
    assert blob is not None
    store = Store(history.root / ".cache" / "history" / "documents") if enabled() else None
    key = key_of("document", blob)
    kept = store.get(key) if store is not None else None
    if isinstance(kept, tuple) and len(kept) == 1 and (kept[0] is None or isinstance(kept[0], Document)):
        return kept[0]
    located, found = load_blob(history.blob(blob))
    old = None
    if located is not None and not found:
        model, _ = validate(Document, located)
        old = model if isinstance(model, Document) else None
    if store is not None:
        store.put(key, (old,))
    return old


def _committed(
    inputs: Definitions, history: History, doc_id: str, fallback: Document | None, resolver: Resolver, index: Index
) -> list[VersionView]:
    """The committed versions of the document ``doc_id``, oldest first, wherever its file lived."""
    versions: list[VersionView] = []
    for span in history.spans(("procedures/", doc_id)):
        old = _old_document(history, span)
        shown = old or fallback
        if shown is None:
            continue  # neither this version nor a later one can be read
        then = _old_catalog(inputs, span.last.path, old, resolver, index) if old is not None else None
        versions.append(
            VersionView(
                doc_id,
                shown.code,
                shown.title,
                span.version,
                False,
                shown.effective,
                [r for r in (old.revisions if old else []) if r.version == span.version],
                span.first.commit,
                span.last.commit,
                view=next((d for d in then.documents if d.id == doc_id), None) if then else None,
                catalog=then,
            )
        )
    return versions


def _linked(versions: list[VersionView]) -> None:
    for before, after in zip(versions, versions[1:], strict=False):
        after.previous = before.version
        if before.view is not None and after.view is not None:
            after.edits = redline(before.view, after.view)


def document_versions(
    inputs: Definitions | None, catalog: Catalog, history: History | None
) -> dict[str, list[VersionView]]:
    """Each document's versions, newest first (just the current one when there is no history); a
    document withdrawn from the branch (its file deleted) keeps its versions, the last one marked
    ``withdrawn`` with the commit that removed it."""
    out: dict[str, list[VersionView]] = {}
    known = history is not None and history.available and inputs is not None
    resolver = inputs.resolver() if inputs is not None else None
    index = positions(inputs) if inputs is not None else None
    for current in catalog.documents:
        doc = current.document
        versions = []
        if known and history is not None and inputs is not None and resolver is not None and index is not None:
            versions = _committed(inputs, history, doc.id, doc, resolver, index)
        if versions and versions[-1].version == doc.version:
            last = versions.pop()
            since = last.since
        else:
            since = None
        versions.append(
            VersionView(
                doc.id,
                doc.code,
                doc.title,
                doc.version,
                True,
                doc.effective,
                [r for r in doc.revisions if r.version == doc.version],
                since,
                None,
                view=current,
                catalog=catalog,
            )
        )
        _linked(versions)
        out[doc.id] = list(reversed(versions))
    if known and history is not None and inputs is not None and resolver is not None and index is not None:
        for doc_id, removal in history.withdrawn("procedures/"):
            if doc_id in out:
                continue
            versions = _committed(inputs, history, doc_id, None, resolver, index)
            if not versions:
                continue
            versions[-1].withdrawn = removal.commit
            for version in versions:
                version.retired = True
            _linked(versions)
            out[doc_id] = list(reversed(versions))
    return out


def previous_catalogs(
    catalog: Catalog,
    inputs: Definitions | None,
    history: History | None,
    versions: dict[str, list[VersionView]] | None = None,
) -> dict[str, Catalog]:
    """Document id -> the catalog of the version its current one replaced (its views only), for the
    documents that have one. From ``versions`` when the site has worked them out already;
    else only that one version of each document is read and laid out (``procgen check`` needs no more:
    no older versions, no redlines), each at the cost of its own document."""
    if versions is not None:
        return {
            doc_id: mine[1].catalog
            for doc_id, mine in versions.items()
            if len(mine) > 1 and mine[0].current and mine[1].catalog is not None
        }
    if history is None or not history.available or inputs is None:
        return {}
    resolver, index = inputs.resolver(), positions(inputs)
    out: dict[str, Catalog] = {}
    for current, span in previous_spans(catalog, history):
        then = previous_catalog(inputs, history, current, span, resolver, index)
        if then is not None:
            out[current.id] = then
    return out


def previous_spans(catalog: Catalog, history: History) -> Iterator[tuple[DocumentView, Span]]:
    """Each current document with the span of the version its current one replaced (when it has one)."""
    for current in catalog.documents:
        spans = history.spans(("procedures/", current.id))
        if spans and spans[-1].version == current.document.version:
            spans = spans[:-1]  # the current version, committed: the one before it is wanted
        if spans:
            yield current, spans[-1]


def previous_catalog(
    inputs: Definitions, history: History, current: DocumentView, span: Span, resolver: Resolver, index: Index
) -> Catalog | None:
    """The catalog of the version ``span`` of the document ``current`` (its views only), or None when that
    version cannot be read or laid out."""
    old = _old_document(history, span)
    then = _old_catalog(inputs, span.last.path, old, resolver, index) if old is not None else None
    return then if then is not None and any(d.id == current.id for d in then.documents) else None


def context_digest(inputs: Definitions) -> str:
    """What a previous version's derived facts depend on besides its own blob: today's roles, departments,
    company, external documents, and every document's and form's id, code, title and aliases (the links its
    text resolves). A change to any of them makes everything kept by it a miss."""
    digest = hashlib.sha256()
    for model in [*inputs.roles, *inputs.departments, *inputs.external, inputs.company]:
        digest.update(model.model_dump_json().encode())
        digest.update(b"\0")
    for path, document in inputs.documents:
        digest.update(repr((path, document.id, document.code, document.title, tuple(document.aliases), None)).encode())
    for path, form in inputs.forms:
        digest.update(repr((path, form.id, form.code, form.title, tuple(form.aliases), form.procedure)).encode())
    return digest.hexdigest()
