"""What each role must be trained on: the roles × documents training matrix, a role's facts, and who
must be retrained when a document's new version changes them.

A *fact* is one thing a role is held to in one document: a duty (a clause naming the role, or a row of a
service table it serves), a target, a deadline, or its letters in a responsibility matrix. The quiz
(generator/training/quiz.py) asks questions about the same facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from generator.catalog.views import (
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
from generator.catalog.wording import RACI_NAMES

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
        found.append(
            Fact(
                f"{doc.id}:{section.anchor}:duty:0",
                "duty",
                doc,
                section.anchor,
                section.cite,
                f"职责 {section_text(section)}（{section.cite}）",
                section=section,
            )
        )
    for doc, section, row in role.service_rows:
        lines = " ".join(line.text.text for line in row.lines)
        found.append(
            Fact(
                f"{doc.id}:{row.anchor}:service:0",
                "service",
                doc,
                row.anchor,
                section.cite,
                f"服务 {row.group}：{row.content}：{lines}（{section.cite}）",
                section=section,
                row=row,
            )
        )
    target_at = numbers.targets
    for entry in role.targets:
        anchor = entry_anchor(entry)
        found.append(
            Fact(
                f"{entry.document.id}:{anchor}:target:{target_at[id(entry)]}",
                "target",
                entry.document,
                anchor,
                entry.section.cite,
                f"目标 {entry.target.rule}（{entry.section.cite}）",
                section=entry.section,
                row=entry.row,
                target=entry,
            )
        )
    deadline_at = numbers.deadlines
    for due in role.deadlines:
        anchor = entry_anchor(due)
        found.append(
            Fact(
                f"{due.document.id}:{anchor}:deadline:{deadline_at[id(due)]}",
                "deadline",
                due.document,
                anchor,
                due.section.cite,
                f"期限 {due.deadline.rule}（原文：{due.deadline.deadline.label}；{due.section.cite}）",
                section=due.section,
                row=due.row,
                deadline=due,
            )
        )
    for doc, matrix_row, letters in role.raci:
        index = next(i for i, r in enumerate(doc.matrix) if r is matrix_row)
        clause = f"{doc.document.code} 职责矩阵"
        found.append(
            Fact(
                f"{doc.id}:matrix:matrix:{index}",
                "matrix",
                doc,
                "matrix",
                clause,
                f"职责矩阵 {matrix_row.activity.text}：{letters_text(tuple(letters))}（{clause}）",
                matrix=matrix_row,
                letters=tuple(letters),
            )
        )
    order = catalog.document_order
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
    levels: dict[str, Level] = {
        doc.id: APPLY if doc.id in apply else KNOW if doc.id in know else "" for doc in documents
    }
    return levels


def training_matrix(catalog: Catalog) -> TrainingMatrix:
    """Staff roles (those given a training pack) × documents, in catalog order: what each must apply
    (应用) and what it must know (了解). Applying wins over knowing in one document."""
    columns = tuple(
        TrainingDocument(d.id, d.document.code, d.document.title, d.document.version) for d in catalog.documents
    )
    rows = []
    for role in catalog.roles:
        if role.trained:
            levels = _levels(role, catalog.documents)
            rows.append(TrainingRow(role.link, tuple(levels[d.id] for d in catalog.documents)))
    return TrainingMatrix(columns, tuple(rows))


# --------------------------------------------------------------------------- by document


FactsByDocument = dict[str, dict[str, dict[str, str]]]
"""document id -> role id -> that role's facts in that document (key -> printed text)."""


def facts_by_document(catalog: Catalog) -> FactsByDocument:
    """Every role's facts, by document, worked out once for a whole retraining: asking ``facts`` for
    each changed document made it quadratic."""
    numbers = FactNumbers.of(catalog)
    found: FactsByDocument = {}
    for role in catalog.roles:
        for fact in facts(catalog, role.id, numbers):
            found.setdefault(fact.document.id, {}).setdefault(role.id, {})[fact.key] = fact.text
    return found
