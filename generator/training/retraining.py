"""Retraining: after a document's version changes, the staff roles whose duties, targets, deadlines or matrix
letters in it changed, and what changed for each (the training page, the controlled copy's note, and
``procgen check --format json``).

The previous version is compared fact by fact. Where the site has laid out every version anyway, its
catalog is read; otherwise (``procgen check``) only the facts of each previous version are needed, and they
are kept on disk (``.cache/history/facts/``) by the blob's hash, the place the document is laid out at and
a digest of what its text resolves against (control/versions.context_digest), so that a later check lays
out no previous version at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.catalog.build import Definitions
from generator.catalog.views import Catalog, Link, RoleView
from generator.control.history import History
from generator.control.versions import context_digest, positions, previous_catalog, previous_spans
from generator.source.diskcache import Store, enabled, key_of
from generator.training.facts import FactsByDocument, facts_by_document


@dataclass(frozen=True)
class Retrain:
    """A role to retrain on a document's new version, and what changed for it there."""

    role: Link
    document_id: str
    old_version: str | None
    new_version: str | None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, str], ...] = ()
    """(old text, new text) of a fact kept at its place with a new value."""


@dataclass(frozen=True)
class DocumentFacts:
    """What retraining compares of one version of a document: its version and each role's facts in it (role
    id -> fact key -> text). Small and plain, so that a previous version's can be kept on disk by its blob."""

    version: str | None
    by_role: dict[str, dict[str, str]]


def _version(catalog: Catalog, document_id: str) -> str | None:
    try:
        return catalog.document(document_id).document.version  # by id, not a walk over every document
    except KeyError:
        return None


def document_facts(catalog: Catalog, document_id: str, found: FactsByDocument | None = None) -> DocumentFacts:
    """The facts of ``document_id`` in ``catalog`` (``found``: its facts by document, when already made)."""
    found = facts_by_document(catalog) if found is None else found
    return DocumentFacts(_version(catalog, document_id), found.get(document_id, {}))


def retraining(old: Catalog, new: Catalog, document_id: str) -> list[Retrain]:
    """The staff roles whose duties, targets, deadlines or matrix letters in ``document_id`` changed
    between ``old`` and ``new``, in the new catalog's role order; outside parties are left out.

    Empty when the document's version did not change: an edit is not in force until it is released.
    """
    if _version(old, document_id) == _version(new, document_id):
        return []
    return retraining_from(document_facts(old, document_id), new, document_id, old.roles)


def retraining_from(
    old: DocumentFacts,
    new: Catalog,
    document_id: str,
    old_roles: Iterable[RoleView] = (),
    new_facts: FactsByDocument | None = None,
) -> list[Retrain]:
    """:func:`retraining` from the previous version's :class:`DocumentFacts` (no catalog of it needed).
    ``old_roles``: the previous catalog's roles, for a role it has and ``new`` has not (none when both were
    built from the same roles.yml, as a previous version's catalog is). ``new_facts``: ``new``'s facts by
    document, when already made."""
    old_version, new_version = old.version, _version(new, document_id)
    if old_version == new_version:
        return []
    after_by_role = (facts_by_document(new) if new_facts is None else new_facts).get(document_id, {})
    # Only the roles with facts in this document, in either version, can have a change to train for.
    named = set(after_by_role) | set(old.by_role)
    roles: dict[str, RoleView] = {}
    for group in (new.roles, old_roles):
        for role in group:
            if role.id in named:
                roles.setdefault(role.id, role)
    out = []
    for role_id, role in roles.items():
        if role.external:
            continue
        before = old.by_role.get(role_id, {})
        after = after_by_role.get(role_id, {})
        added = tuple(text for key, text in after.items() if key not in before)
        removed = tuple(text for key, text in before.items() if key not in after)
        changed = tuple((before[key], text) for key, text in after.items() if key in before and before[key] != text)
        if added or removed or changed:
            out.append(Retrain(role.link, document_id, old_version, new_version, added, removed, changed))
    return out


def previous_facts(catalog: Catalog, inputs: Definitions | None, history: History | None) -> dict[str, DocumentFacts]:
    """Document id -> the facts of the version its current one replaced, in catalog order, for the documents
    that have one: what control/versions.previous_catalogs would lay out, compared fact by fact, each kept
    on disk (see the module's docstring)."""
    if history is None or not history.available or inputs is None:
        return {}
    store = Store(history.root / ".cache" / "history" / "facts") if enabled() else None
    context = context_digest(inputs)
    resolver = None
    index = positions(inputs)
    out: dict[str, DocumentFacts] = {}
    for current, span in previous_spans(catalog, history):
        assert span.last.blob is not None
        at = index.positions.get(current.id)
        key = key_of("facts", span.last.blob, span.last.path, str(at), context)
        kept = store.get(key) if store is not None else None
        if isinstance(kept, tuple) and len(kept) == 1 and (kept[0] is None or isinstance(kept[0], DocumentFacts)):
            if kept[0] is not None:
                out[current.id] = kept[0]
            continue
        resolver = inputs.resolver() if resolver is None else resolver
        then = previous_catalog(inputs, history, current, span, resolver, index)
        facts = document_facts(then, current.id) if then is not None else None
        if facts is not None:
            out[current.id] = facts
        if store is not None:
            store.put(key, (facts,))
    return out


def retraining_after_changes(catalog: Catalog, before: dict[str, Catalog] | dict[str, DocumentFacts]) -> list[Retrain]:
    """For each document whose current version replaced an earlier one (``before``: document id -> the
    catalog, or only the facts, of that earlier version), the staff roles whose duties, targets, deadlines
    or matrix letters in it changed: who must be trained again (catalog order)."""
    out: list[Retrain] = []
    now = facts_by_document(catalog) if before else {}
    for doc in catalog.documents:
        then = before.get(doc.id)
        if isinstance(then, Catalog):
            if _version(then, doc.id) != _version(catalog, doc.id):
                out += retraining_from(document_facts(then, doc.id), catalog, doc.id, then.roles, new_facts=now)
        elif then is not None:
            out += retraining_from(then, catalog, doc.id, new_facts=now)
    return out
