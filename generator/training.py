"""What each role must be trained on: the roles × documents training matrix, a role's facts, and who
must be retrained when a document's new version changes them.

A *fact* is one thing a role is held to in one document: a duty (a clause naming the role, or a row of a
service table it serves), a target, a deadline, or its letters in a responsibility matrix. The quiz
(generator/quiz.py) asks questions about the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from .catalog import (
    RACI_NAMES,
    Catalog,
    DeadlineEntry,
    DocumentView,
    Link,
    MatrixView,
    RoleView,
    Section,
    ServiceRowView,
    TargetEntry,
)

APPLY: Final = "应用"
"""The role does something the document requires: duties, targets, deadlines, matrix R or A, its forms."""
KNOW: Final = "了解"
"""The role must know the document: it is in the audience, or consulted or informed (matrix C or I)."""

Level = Literal["应用", "了解", ""]
FactKind = Literal["duty", "service", "target", "deadline", "matrix"]


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Fact:
    """One thing a role is held to in one document, with the text a trainer reads.

    ``key`` is ``document:anchor:kind:n``: ``n`` counts the facts of that kind at that anchor in the
    catalog's order (the third target of a clause is ``…:target:2``), and a matrix row is
    ``document:matrix:matrix:n`` with ``n`` its row. The key stays when a value changes, so two versions
    of a document compare fact by fact.
    """

    key: str
    kind: FactKind
    document: DocumentView
    anchor: str
    clause: str
    text: str
    section: Section | None = None
    row: ServiceRowView | None = None
    target: TargetEntry | None = None
    deadline: DeadlineEntry | None = None
    matrix: MatrixView | None = None
    letters: tuple[str, ...] = ()


def entry_anchor(entry: TargetEntry | DeadlineEntry) -> str:
    """Where a target or deadline is linked to: its table row, else its clause (as /standards/ links)."""
    return entry.row.anchor if entry.row is not None else entry.section.anchor


def section_text(section: Section) -> str:
    return "".join(p.text for p in section.paragraphs) or section.title or section.where


def letters_text(letters: tuple[str, ...]) -> str:
    """("R", "A") -> 负责（R）、批准（A）."""
    return "、".join(f"{RACI_NAMES[letter]}（{letter}）" for letter in letters)


def _positions(entries: list[TargetEntry] | list[DeadlineEntry]) -> dict[int, int]:
    """id(entry) -> its position among the entries of its document and anchor."""
    seen: dict[tuple[str, str], int] = {}
    out: dict[int, int] = {}
    for entry in entries:
        where = (entry.document.id, entry_anchor(entry))
        out[id(entry)] = seen.get(where, 0)
        seen[where] = out[id(entry)] + 1
    return out


@dataclass(frozen=True)
class FactNumbers:
    """The ``n`` of every target's and deadline's key (id of the entry -> n), counted once per catalog."""

    targets: dict[int, int]
    deadlines: dict[int, int]

    @classmethod
    def of(cls, catalog: Catalog) -> FactNumbers:
        return cls(_positions(catalog.targets), _positions(catalog.deadlines))


def facts(catalog: Catalog, role_id: str, numbers: FactNumbers | None = None) -> list[Fact]:
    """Every fact of a role, in document order: duties and service rows, targets, deadlines, matrix rows.

    ``numbers`` saves counting the catalog's targets and deadlines again when asking for many roles."""
    role = catalog.role(role_id)
    numbers = numbers or FactNumbers.of(catalog)
    found: list[Fact] = []
    for doc, section in role.duties:
        found.append(Fact(f"{doc.id}:{section.anchor}:duty:0", "duty", doc, section.anchor, section.cite,
                          f"职责 {section_text(section)}（{section.cite}）", section=section))
    for doc, section, row in role.service_rows:
        lines = " ".join(line.text.text for line in row.lines)
        found.append(Fact(f"{doc.id}:{row.anchor}:service:0", "service", doc, row.anchor, section.cite,
                          f"服务 {row.group}：{row.content}：{lines}（{section.cite}）", section=section, row=row))
    target_at = numbers.targets
    for entry in role.targets:
        anchor = entry_anchor(entry)
        found.append(Fact(f"{entry.document.id}:{anchor}:target:{target_at[id(entry)]}", "target", entry.document,
                          anchor, entry.section.cite, f"目标 {entry.target.rule}（{entry.section.cite}）",
                          section=entry.section, row=entry.row, target=entry))
    deadline_at = numbers.deadlines
    for due in role.deadlines:
        anchor = entry_anchor(due)
        found.append(Fact(f"{due.document.id}:{anchor}:deadline:{deadline_at[id(due)]}", "deadline",
                          due.document, anchor, due.section.cite,
                          f"期限 {due.deadline.rule}（原文：{due.deadline.deadline.label}；{due.section.cite}）",
                          section=due.section, row=due.row, deadline=due))
    for doc, matrix_row, letters in role.raci:
        index = next(i for i, r in enumerate(doc.matrix) if r is matrix_row)
        clause = f"{doc.document.code} 职责矩阵"
        found.append(Fact(f"{doc.id}:matrix:matrix:{index}", "matrix", doc, "matrix", clause,
                          f"职责矩阵 {matrix_row.activity.text}：{letters_text(tuple(letters))}（{clause}）",
                          matrix=matrix_row, letters=tuple(letters)))
    order = catalog.once("document-order", lambda: {doc.id: i for i, doc in enumerate(catalog.documents)})  # not per role
    kinds = {"duty": 0, "service": 0, "target": 1, "deadline": 2, "matrix": 3}
    return sorted(found, key=lambda f: (order[f.document.id], kinds[f.kind]))  # stable: document order kept within


def role_facts(catalog: Catalog, role_id: str) -> dict[str, str]:
    """A stable key per fact of the role -> its printed text, rule included; two versions compare by key.

    ``{"return-visit:s4-6:deadline:0": "期限 每季度末（原文：每季度末；WY-GL-11 4.6）", …}``
    """
    return {fact.key: fact.text for fact in facts(catalog, role_id)}


# --------------------------------------------------------------------------- training matrix


@dataclass(frozen=True)
class TrainingDocument:
    """A column of the training matrix."""

    id: str
    code: str
    title: str
    version: str

    @property
    def link(self) -> Link:
        return Link("document", self.id, self.title)


@dataclass(frozen=True)
class TrainingRow:
    """A staff role and, per document column, 应用, 了解 or nothing ("")."""

    role: Link
    cells: tuple[Level, ...]


@dataclass(frozen=True)
class TrainingMatrix:
    documents: tuple[TrainingDocument, ...]
    rows: tuple[TrainingRow, ...]

    def cell(self, role_id: str, document_id: str) -> Level:
        row = next(r for r in self.rows if r.role.id == role_id)
        return row.cells[next(i for i, d in enumerate(self.documents) if d.id == document_id)]


def _levels(role: RoleView, documents: list[DocumentView]) -> dict[str, Level]:
    apply = {doc.id for doc, _ in role.duties} | {doc.id for doc, _, _ in role.service_rows}
    apply |= {e.document.id for e in role.targets} | {e.document.id for e in role.deadlines}
    apply |= {form.document.id for form in role.forms_filled}
    know = {doc.id for doc in documents if any(link.id == role.id for link in doc.audience)}
    for doc, _, letters in role.raci:
        if {"R", "A"} & set(letters):
            apply.add(doc.id)
        if {"C", "I"} & set(letters):
            know.add(doc.id)
    levels: dict[str, Level] = {doc.id: APPLY if doc.id in apply else KNOW if doc.id in know else "" for doc in documents}
    return levels


def training_matrix(catalog: Catalog) -> TrainingMatrix:
    """Staff roles (those given a training pack) × documents, in catalog order: what each must apply
    (应用) and what it must know (了解). Applying wins over knowing in one document."""
    columns = tuple(TrainingDocument(d.id, d.document.code, d.document.title, d.document.version) for d in catalog.documents)
    rows = []
    for role in catalog.roles:
        if role.trained:
            levels = _levels(role, catalog.documents)
            rows.append(TrainingRow(role.link, tuple(levels[d.id] for d in catalog.documents)))
    return TrainingMatrix(columns, tuple(rows))


# --------------------------------------------------------------------------- retraining


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


def _version(catalog: Catalog, document_id: str) -> str | None:
    try:
        return catalog.document(document_id).document.version  # by id, not a walk over every document
    except KeyError:
        return None


def _facts_by_document(catalog: Catalog) -> dict[tuple[str, str], dict[str, str]]:
    """(role id, document id) -> that role's facts in that document (key -> text), worked out once per
    catalog: retraining asks for every changed document, and asking ``facts`` each time made it quadratic."""

    def make() -> dict[tuple[str, str], dict[str, str]]:
        numbers = FactNumbers.of(catalog)
        found: dict[tuple[str, str], dict[str, str]] = {}
        for role in catalog.roles:
            for fact in facts(catalog, role.id, numbers):
                found.setdefault((role.id, fact.document.id), {})[fact.key] = fact.text
        return found

    return catalog.once("facts-by-document", make)


def _roles_with_facts(catalog: Catalog, document_id: str) -> set[str]:
    """The roles with a fact in ``document_id`` (once per catalog: document id -> role ids)."""

    def make() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for role_id, doc_id in _facts_by_document(catalog):
            found.setdefault(doc_id, set()).add(role_id)
        return found

    return catalog.once("roles-with-facts", make).get(document_id, set())


def _facts_in(catalog: Catalog, role_id: str, document_id: str) -> dict[str, str]:
    return _facts_by_document(catalog).get((role_id, document_id), {})


@dataclass(frozen=True)
class DocumentFacts:
    """What retraining compares of one version of a document: its version and each role's facts in it (role
    id -> fact key -> text). Small and plain, so that a previous version's can be kept on disk by its blob."""

    version: str | None
    by_role: dict[str, dict[str, str]]


def document_facts(catalog: Catalog, document_id: str) -> DocumentFacts:
    """The facts of ``document_id`` in ``catalog``, for :func:`retraining_from`."""
    return DocumentFacts(_version(catalog, document_id),
                         {role_id: _facts_in(catalog, role_id, document_id) for role_id in _roles_with_facts(catalog, document_id)})


def retraining(old: Catalog, new: Catalog, document_id: str) -> list[Retrain]:
    """The staff roles whose duties, targets, deadlines or matrix letters in ``document_id`` changed
    between ``old`` and ``new``, in the new catalog's role order; outside parties are left out.

    Empty when the document's version did not change: an edit is not in force until it is released.
    """
    if _version(old, document_id) == _version(new, document_id):
        return []
    return retraining_from(document_facts(old, document_id), new, document_id, old.roles)


def retraining_from(old: DocumentFacts, new: Catalog, document_id: str, old_roles: Iterable[RoleView] = ()) -> list[Retrain]:
    """:func:`retraining` from the previous version's :class:`DocumentFacts` (no catalog of it needed).
    ``old_roles``: the previous catalog's roles, for a role it has and ``new`` has not (none when both were
    built from the same roles.yml, as a previous version's catalog is)."""
    old_version, new_version = old.version, _version(new, document_id)
    if old_version == new_version:
        return []
    # Only the roles with facts in this document, in either version, can have a change to train for.
    named = _roles_with_facts(new, document_id) | set(old.by_role)
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
        after = _facts_in(new, role_id, document_id)
        added = tuple(text for key, text in after.items() if key not in before)
        removed = tuple(text for key, text in before.items() if key not in after)
        changed = tuple((before[key], text) for key, text in after.items() if key in before and before[key] != text)
        if added or removed or changed:
            out.append(Retrain(role.link, document_id, old_version, new_version, added, removed, changed))
    return out


def matrix_of(catalog: Catalog) -> TrainingMatrix:
    """:func:`training_matrix` once per catalog."""
    return catalog.once("training-matrix", lambda: training_matrix(catalog))
