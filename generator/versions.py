"""Every version of every document, from the git history: its revision entries, the commits it was in
force for, the redline against the version before, and (superseded) the view its archived copy is
printed from.

Part of building the catalog: the site's /changes/ page, each document's history and the archive PDFs
only lay these out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .catalog import Catalog, DocumentView, Link, Resolver, build_catalog
from .diskcache import Store, enabled, key_of
from .history import Commit, History, Span
from .loader import load_blob
from .models import Document, FormSchema, Revision
from .redline import Edit, redline
from .schema_errors import validate
from .training import DocumentFacts, Retrain, document_facts, retraining, retraining_from


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
        return None if self.current else f"archive/{self.document_id}/{self.version}.pdf"

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


def _old_catalog(inputs: dict[str, Any], path: str, doc: Document, resolver: Resolver, index: _Index) -> Catalog | None:
    """The catalog of an earlier version of one document among today's others: only that document's
    views are built (``only``), the others are known to its links, so each version costs its own size."""
    # Given alone, with its number among today's documents (after them when it is no longer one), and
    # with its own forms: the others are known to its links through the resolver.
    at = index.positions.get(doc.id)
    number = at + 1 if at is not None else len(index.positions) + 1
    documents = [(inputs["documents"][at][0] if at is not None else path, doc)]
    forms = index.forms.get(doc.id, [])
    try:
        return build_catalog(**dict(inputs, documents=documents, forms=forms), only=frozenset({doc.id}),
                             resolver=resolver.overlay(doc), first_number=number)
    except (KeyError, ValueError, StopIteration):  # it names something that no longer exists
        return None


@dataclass
class _Index:
    """Made once per catalog, not once per version: each document's place in ``inputs["documents"]``,
    and each document's forms."""

    positions: dict[str, int]
    forms: dict[str, list[tuple[str, FormSchema]]]


def _positions(inputs: dict[str, Any]) -> _Index:
    forms: dict[str, list[tuple[str, FormSchema]]] = {}
    for path, form in inputs.get("forms", []):
        forms.setdefault(form.procedure, []).append((path, form))
    return _Index({d.id: i for i, (_, d) in enumerate(inputs.get("documents", []))}, forms)


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


def _committed(inputs: dict[str, Any], history: History, doc_id: str, fallback: Document | None,
               resolver: Resolver, index: _Index) -> list[VersionView]:
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
                doc_id, shown.code, shown.title, span.version, False, shown.effective,
                [r for r in (old.revisions if old else []) if r.version == span.version],
                span.first.commit, span.last.commit,
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


def document_versions(inputs: dict[str, Any], catalog: Catalog, history: History | None) -> dict[str, list[VersionView]]:
    """Each document's versions, newest first (just the current one when there is no history); a
    document withdrawn from the branch (its file deleted) keeps its versions, the last one marked
    ``withdrawn`` with the commit that removed it."""
    out: dict[str, list[VersionView]] = {}
    known = history is not None and history.available
    resolver = Resolver(
        [d for _, d in inputs.get("documents", [])], [f for _, f in inputs.get("forms", [])],
        inputs.get("external", []), inputs.get("roles", []), inputs.get("departments", []),
    )
    index = _positions(inputs)
    for current in catalog.documents:
        doc = current.document
        versions = _committed(inputs, history, doc.id, doc, resolver, index) if known and history is not None else []
        if versions and versions[-1].version == doc.version:
            last = versions.pop()
            since = last.since
        else:
            since = None
        versions.append(
            VersionView(
                doc.id, doc.code, doc.title, doc.version, True, doc.effective,
                [r for r in doc.revisions if r.version == doc.version], since, None, view=current, catalog=catalog,
            )
        )
        _linked(versions)
        out[doc.id] = list(reversed(versions))
    if known and history is not None:
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


def previous_catalogs(catalog: Catalog) -> dict[str, Catalog]:
    """Document id -> the catalog of the version its current one replaced (its views only), for the
    documents that have one. From :attr:`Catalog.versions` when the site has worked them out already;
    else only that one version of each document is read and laid out (``procgen check`` needs no more:
    no older versions, no redlines), each at the cost of its own document."""
    if "versions" in catalog.derived:
        return {
            doc_id: versions[1].catalog for doc_id, versions in catalog.versions.items()
            if len(versions) > 1 and versions[0].current and versions[1].catalog is not None
        }
    inputs, history = catalog.history if catalog.history is not None else ({}, None)
    if history is None or not history.available or not inputs:
        return {}
    resolver = Resolver(
        [d for _, d in inputs.get("documents", [])], [f for _, f in inputs.get("forms", [])],
        inputs.get("external", []), inputs.get("roles", []), inputs.get("departments", []),
    )
    index = _positions(inputs)
    out: dict[str, Catalog] = {}
    for current in catalog.documents:
        spans = history.spans(("procedures/", current.id))
        if spans and spans[-1].version == current.document.version:
            spans = spans[:-1]  # the current version, committed: the one before it is wanted
        if not spans:
            continue
        old = _old_document(history, spans[-1])
        then = _old_catalog(inputs, spans[-1].last.path, old, resolver, index) if old is not None else None
        if then is not None and any(d.id == current.id for d in then.documents):
            out[current.id] = then
    return out


def retraining_after_changes(catalog: Catalog) -> list[Retrain]:
    """For each document whose current version replaced an earlier one, the staff roles whose duties,
    targets, deadlines or matrix letters in it changed: who must be trained again (catalog order)."""

    def make() -> list[Retrain]:
        out: list[Retrain] = []
        if "versions" in catalog.derived:  # the site has laid out every version already
            before = previous_catalogs(catalog)
            for doc in catalog.documents:
                if doc.id in before:
                    out += retraining(before[doc.id], catalog, doc.id)
            return out
        for doc_id, facts in previous_facts(catalog).items():
            out += retraining_from(facts, catalog, doc_id)
        return out

    return catalog.once("retraining", make)


def _context_digest(inputs: dict[str, Any]) -> str:
    """What a previous version's facts depend on besides its own blob: today's roles, departments, company,
    external documents, and every document's and form's id, code, title and aliases (the links its text
    resolves). A change to any of them makes every kept :class:`DocumentFacts` a miss."""
    digest = hashlib.sha256()
    for model in [*inputs.get("roles", []), *inputs.get("departments", []), *inputs.get("external", []), inputs.get("company")]:
        digest.update(model.model_dump_json().encode() if model is not None else b"-")
        digest.update(b"\0")
    for path, item in [*inputs.get("documents", []), *inputs.get("forms", [])]:
        digest.update(repr((path, item.id, item.code, item.title, tuple(item.aliases), getattr(item, "procedure", None))).encode())
    return digest.hexdigest()


def previous_facts(catalog: Catalog) -> dict[str, DocumentFacts]:
    """Document id -> the facts of the version its current one replaced, in catalog order, for the documents
    that have one: what :func:`previous_catalogs` would lay out, compared fact by fact. Each is kept on disk
    (``.cache/history/facts/``) by the blob's hash, the place the document is laid out at and
    :func:`_context_digest`, so that a later check reads them instead of laying out every previous version."""
    inputs, history = catalog.history if catalog.history is not None else ({}, None)
    if history is None or not history.available or not inputs:
        return {}
    store = Store(history.root / ".cache" / "history" / "facts") if enabled() else None
    context = _context_digest(inputs)
    resolver: Resolver | None = None
    index = _positions(inputs)
    out: dict[str, DocumentFacts] = {}
    for current in catalog.documents:
        spans = history.spans(("procedures/", current.id))
        if spans and spans[-1].version == current.document.version:
            spans = spans[:-1]  # the current version, committed: the one before it is wanted
        if not spans:
            continue
        span = spans[-1]
        assert span.last.blob is not None
        at = index.positions.get(current.id)
        key = key_of("facts", span.last.blob, span.last.path, str(at), context)
        kept = store.get(key) if store is not None else None
        if isinstance(kept, tuple) and len(kept) == 1 and (kept[0] is None or isinstance(kept[0], DocumentFacts)):
            if kept[0] is not None:
                out[current.id] = kept[0]
            continue
        if resolver is None:
            resolver = Resolver(
                [d for _, d in inputs.get("documents", [])], [f for _, f in inputs.get("forms", [])],
                inputs.get("external", []), inputs.get("roles", []), inputs.get("departments", []),
            )
        old = _old_document(history, span)
        then = _old_catalog(inputs, span.last.path, old, resolver, index) if old is not None else None
        facts = document_facts(then, current.id) if then is not None and any(d.id == current.id for d in then.documents) else None
        if facts is not None:
            out[current.id] = facts
        if store is not None:
            store.put(key, (facts,))
    return out
