"""The validated catalog: every definition, cross-linked, with the derived views both renderers use.

Templates only lay out what is computed here: numbering labels, anchors, the pieces of text that
link to another document, next review dates, and the views by role, by target, by deadline,
the records register, the master list and the company-wide matrix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from generator.model.base import Basis
from generator.model.document import Deadline, Document, Meeting, Target
from generator.model.form import FormSchema
from generator.model.kinds import DOCUMENT_KINDS, KIND_NAMES
from generator.model.registry import CompanyFile, Department, ExternalDocument, Role
from generator.text.typography import sentences


@dataclass(frozen=True)
class Link:
    """Where a reference points: a document, an external document, a form or a role."""

    kind: Literal["document", "external", "form", "role"]
    id: str
    title: str
    planned: bool = False
    external: bool = False
    proposed: bool = False
    """A role given a duty or a matrix cell by a proposal (拟定·待批准), not by the seed."""


@dataclass(frozen=True)
class Segment:
    """A run of text, linked when it is a 《mention》 of something known."""

    text: str
    link: Link | None = None

    @property
    def inner(self) -> str:
        """The title inside a 《mention》, without the brackets (underlined alone on the page)."""
        return self.text[1:-1] if self.text.startswith("《") and self.text.endswith("》") else self.text


@dataclass
class Paragraph:
    segments: list[Segment]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)


@dataclass
class TargetView:
    target: Target
    rule: str
    role: Link | None
    owners: list[Link] = field(default_factory=list)
    """Who answers for it: its own role, else the roles of its node, its table row, or the nearest ancestor."""

    @property
    def proposed(self) -> bool:
        return _proposed(self.target.basis)


@dataclass
class DeadlineView:
    deadline: Deadline
    rule: str
    role: Link | None
    owners: list[Link] = field(default_factory=list)
    """Who must meet it: its own role, else the roles of its meeting, node, table row or nearest ancestor."""

    @property
    def proposed(self) -> bool:
        return _proposed(self.deadline.basis)


@dataclass
class MeetingView:
    label: str
    meeting: Meeting
    fields: list[tuple[str, Paragraph]]
    schedule: str | None
    owner: Link | None
    participants: list[Link]
    deadlines: list[DeadlineView] = field(default_factory=list)
    """The schedule and the meeting's other deadlines (议题两周前发放), owned by the meeting's owner."""


@dataclass
class ServiceLine:
    """One line of a 服务标准 cell with the targets and deadlines it states."""

    text: Paragraph
    targets: list[TargetView]
    deadlines: list[DeadlineView]


@dataclass
class ServiceRowView:
    service: str | None  # set on the first row of a group
    rowspan: int
    group: str  # the group's 服务项目, on every row (print repeats it where a page breaks a group)
    content: str
    lines: list[ServiceLine]
    roles: list[Link]
    anchor: str = ""


@dataclass
class ServiceTableView:
    columns: list[str]
    rows: list[ServiceRowView]


@dataclass
class Section:
    """A node of a document with everything derived: label, anchor, linked text, resolved refs."""

    document_id: str
    anchor: str
    label: str
    style: str  # the style of the list this node is in
    depth: int
    title: str | None
    paragraphs: list[Paragraph]
    after: list[Paragraph]
    children: list[Section]
    roles: list[Link]
    targets: list[TargetView]
    deadlines: list[DeadlineView]
    refs: list[Link]
    meetings: list[MeetingView]
    service_table: ServiceTableView | None
    child_style: str
    flow: bool = False
    thresholds: list[TargetView] = field(default_factory=list)
    choice: bool = False
    """Its items are alternatives: one of them applies (drawn as branches, not a sequence)."""
    path: str = ""
    """Full clause path within the document: "4.1.3 b)", "第一部分 五、(六)2、" (labels of every ancestor)."""
    cite: str = ""
    """How the clause is cited anywhere in the manual: "WY-GL-11 4.1.3 b)"; the document code alone for an
    unnumbered clause."""
    where: str = ""
    """Title of the nearest titled ancestor (or its own title): what a bare item belongs to."""

    @property
    def heading(self) -> str:
        """Label and title (or the start of the text), for contents and bookmarks."""
        name = self.title or (self.paragraphs[0].text if self.paragraphs else "")
        if not self.title and len(name) > 24:
            name = name[:24] + "…"
        return f"{self.label}{' ' if self.label and self.style in ('decimal', 'decimal-zero', 'part') else ''}{name}".strip()

    @property
    def full_title(self) -> str:
        """Path and title together, once: "4.1 程序要点", "(二)训话晨会", "经营理念" (a titled unnumbered clause
        is cited by its title already)."""
        if not self.title or self.path.endswith(self.title):
            return self.path or (self.title or "")
        return f"{self.path} {self.title}".strip()

    @property
    def context_title(self) -> str:
        """A bare item named with the section it belongs to: "4.1.1 a) 程序要点", "日常联系内容 a."."""
        if not self.where or self.where in self.path:
            return self.path or self.where
        return f"{self.path} {self.where}".strip()

    @property
    def level(self) -> int:
        """HTML heading level of a titled section: h2 at the top, never past h6."""
        return min(self.depth + 2, 6)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class MatrixView:
    activity: Paragraph
    letters: dict[str, list[Link]]  # R/A/C/I -> roles (a proposed cell's link says so)
    proposed: bool = False
    """The activity itself is proposed: every cell of the row with it."""
    source: str = ""
    """The clause that states the activity, as the manual cites it (4.1.3 b)), when quoted from the seed."""
    anchor: str = ""


@dataclass
class DocumentView:
    document: Document
    path: str
    number: int  # 1..12, in file order
    kind_name: str
    last_review: dt.date
    """The effective date or the newest revision or review entry, whichever is later."""
    next_review: dt.date
    intro: list[Paragraph]
    sections: list[Section]
    owner: Link
    approver: Link
    matrix: list[MatrixView]
    records: list[Link]
    related: list[Link]
    audience: list[Link]
    flow: list[FlowItem]

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def link(self) -> Link:
        return Link("document", self.document.id, self.document.title)

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()


@dataclass
class FlowStep:
    """One step of a document's flowchart: a section with owners, in reading order."""

    anchor: str
    label: str
    text: str
    lanes: list[Link]
    path: str = ""
    stage: str = ""
    """The heading of the part of the document the step belongs to (a chart is drawn per part)."""


@dataclass
class FlowChoice:
    """Alternatives: exactly one branch applies (重大投诉 / 一般投诉 / 维修服务 …), each a sequence of steps."""

    anchor: str
    path: str
    title: str
    branches: list[list[FlowStep]]
    stage: str = ""


FlowItem = FlowStep | FlowChoice


@dataclass
class FormView:
    form: FormSchema
    path: str
    document: Link
    keeper: Link
    retention: str
    filled_by: list[Link]
    used_by: list[Link]
    effective: dt.date | None = None
    """In force from: the effective date of the document that issues the form."""

    @property
    def place(self) -> str:
        """Where the records are kept, when it says more than the keeper's name (项目处 kept by 项目处: nothing)."""
        location = self.form.retention.location or ""
        return "" if location == self.keeper.title else location

    @property
    def retention_proposed(self) -> bool:
        return _proposed(self.form.retention.basis)

    @property
    def design_proposed(self) -> bool:
        return _proposed(self.form.design)

    @property
    def link(self) -> Link:
        return Link("form", self.form.id, self.form.title)


@dataclass
class TargetEntry:
    document: DocumentView
    section: Section
    target: TargetView
    row: ServiceRowView | None = None
    """The 服务项目/服务内容 row that states it, when it stands in a service table."""
    meeting: MeetingView | None = None

    @property
    def activity(self) -> str:
        value = self.target.target.value
        return _activity(
            self.section,
            self.row,
            self.meeting,
            [self.target.target.metric, f"{value:g}" if isinstance(value, float) else str(value)],
        )


@dataclass
class DeadlineEntry:
    document: DocumentView
    section: Section
    deadline: DeadlineView
    row: ServiceRowView | None = None
    meeting: MeetingView | None = None

    @property
    def activity(self) -> str:
        return _activity(self.section, self.row, self.meeting, [self.deadline.deadline.label])


ACTIVITY_CHARS = 30
"""Length of an activity as the standards page names it (the clause it stands in, shortened)."""


def _activity(section: Section, row: ServiceRowView | None, meeting: MeetingView | None, needles: list[str]) -> str:
    """What a target or deadline is about: its table row, its meeting, else the sentence of its clause
    that states it (the one holding its words), shortened."""
    if row is not None:
        return f"{row.group}：{row.content}".rstrip("。;；,，:：")
    if meeting is not None:
        return meeting.meeting.name
    found = [s for p in section.paragraphs for s in sentences(p.text)]
    text = next((t for needle in needles for t in found if needle and needle in t), None)
    if text is None:
        text = found[0] if found else (section.title or section.where)
    text = text.strip().rstrip("。;；,，:：")
    return text if len(text) <= ACTIVITY_CHARS else text[:ACTIVITY_CHARS] + "…"


@dataclass
class StandardLine:
    """A row of /standards/: one target or deadline, or one target stated alike by several rows of a table."""

    kind: Literal["target", "deadline"]
    rule: str
    label: str  # as written in the text (deadlines)
    activities: list[str]
    document: DocumentView
    section: Section
    anchor: str
    owners: list[Link]
    proposed: bool = False
    """Not stated by the seed: 拟定·待批准."""


@dataclass
class RoleView:
    role: Role | Department
    is_department: bool
    link: Link
    department: Link | None
    members: list[Link] = field(default_factory=list)
    duties: list[tuple[DocumentView, Section]] = field(default_factory=list)
    raci: list[tuple[DocumentView, MatrixView, list[str]]] = field(default_factory=list)
    forms_filled: list[FormView] = field(default_factory=list)
    forms_kept: list[FormView] = field(default_factory=list)
    targets: list[TargetEntry] = field(default_factory=list)
    deadlines: list[DeadlineEntry] = field(default_factory=list)
    documents: list[DocumentView] = field(default_factory=list)
    owned: list[DocumentView] = field(default_factory=list)
    department_duties: list[tuple[DocumentView, Section]] = field(default_factory=list)
    service_rows: list[tuple[DocumentView, Section, ServiceRowView]] = field(default_factory=list)
    description: Paragraph = field(default_factory=lambda: Paragraph([]))
    """The role's description with its 《mentions》 linked."""
    proposed_duties: list[tuple[DocumentView, Section]] = field(default_factory=list)
    """What a proposal (not the seed) gives the role: shown marked on its page, never in its training
    pack, quiz or retraining, which hold approved content only (the lists above)."""
    proposed_raci: list[tuple[DocumentView, MatrixView, list[str]]] = field(default_factory=list)
    proposed_targets: list[TargetEntry] = field(default_factory=list)
    proposed_deadlines: list[DeadlineEntry] = field(default_factory=list)
    proposed_service_rows: list[tuple[DocumentView, Section, ServiceRowView]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.role.id

    @property
    def front_line(self) -> bool:
        """A staff role that serves residents day to day (first on the home page)."""
        return isinstance(self.role, Role) and self.role.front_line

    @property
    def proposed(self) -> bool:
        """A role (or department) no document names, proposed by the editors."""
        return _proposed(self.role.basis)

    @property
    def has_work(self) -> bool:
        return bool(
            self.duties or self.service_rows or self.raci or self.forms_filled or self.forms_kept or self.documents
        )

    @property
    def external(self) -> bool:
        return not self.is_department and self.role.external  # type: ignore[union-attr]

    @property
    def trained(self) -> bool:
        """Staff with approved work in the manual get a training pack; outside parties and proposed roles do not."""
        return self.has_work and not self.external and not self.proposed

    @property
    def has_proposals(self) -> bool:
        return bool(
            self.proposed_duties
            or self.proposed_raci
            or self.proposed_targets
            or self.proposed_deadlines
            or self.proposed_service_rows
        )


@dataclass
class ExternalView:
    """A document named by the manual but not among its controlled documents."""

    item: ExternalDocument
    owner: Link | None
    cited_by: list[Link]

    @property
    def link(self) -> Link:
        return Link(
            "external",
            self.item.id,
            self.item.title,
            planned=self.item.status == "planned",
            external=self.item.status == "external",
        )


@dataclass
class MatrixLine:
    """One activity of the company-wide matrix: its document, its letters per role column."""

    document: DocumentView
    row: MatrixView
    cells: list[str]  # one per column of CompanyMatrix.roles: "R", "RA", "" … (only when CompanyMatrix.grid)
    involved: str  # the ids of the roles it names, space-separated (the page filters by role)
    entries: list[tuple[Link, str]] = field(default_factory=list)  # the roles it names and their letters
    proposed: list[str] = field(default_factory=list)
    """Per column of a grid: the letters of the cell that are proposals (拟定·待批准), not the seed's."""


def _proposed(basis: Basis | None) -> bool:
    return basis is not None and basis.proposed is not None


@dataclass
class Pending:
    """One proposal waiting for approval, where it stands and who must approve it."""

    kind: str
    """What it is: 保存期限, 矩阵单元 … (provenance.KINDS)."""
    what: str
    reason: str
    by: Link
    approver: Link
    source: Link
    """The document or form that holds it (approved or rejected there, in a new version)."""
    item: str
    """The item's name for ``procgen approve SOURCE ITEM``: its path in the file, e.g. matrix.2.role_basis.director."""
    anchor: str = ""
    """Where on the source's page it shows."""
    place: str = ""
    """Where it stands, as the manual cites it: WY-GL-11 4.1.3 b), WY-GL-11 职责矩阵, WY-JL-11-02."""
    loc: tuple[Any, ...] = ()
    """The path of its basis in the file's data (what ``procgen approve`` rewrites)."""
    path: str = ""
    """The file that holds it, relative to the repository."""


def _item_name(loc: tuple[Any, ...]) -> str:
    parts = list(loc[:-1] if loc and loc[-1] == "basis" else loc)
    return ".".join(str(p) for p in parts) or "."


MATRIX_GRID_MAX = 60
"""Up to this many role columns the company matrix is a grid; beyond, a row lists the roles it names
(a grid of 800 roles × 10,000 activities would be 8 million cells, nearly all empty)."""


@dataclass
class CompanyMatrix:
    roles: list[Link]
    rows: list[MatrixLine]
    grid: bool = True


@dataclass
class Catalog:
    """Everything the renderers need, validated and cross-linked."""

    documents: list[DocumentView]
    forms: list[FormView]
    roles: list[RoleView]
    external: list[ExternalView]
    targets: list[TargetEntry]
    deadlines: list[DeadlineEntry]
    matrix: CompanyMatrix
    source_files: list[str]
    company: CompanyFile
    proposals: list[Pending] = field(default_factory=list)
    """Every pending proposal, in file order: the /proposals/ page (the quality department's worklist)."""

    @cached_property
    def documents_by_id(self) -> dict[str, DocumentView]:
        return {d.id: d for d in self.documents}

    @cached_property
    def forms_by_id(self) -> dict[str, FormView]:
        return {f.form.id: f for f in self.forms}

    @cached_property
    def roles_by_id(self) -> dict[str, RoleView]:
        return {r.id: r for r in self.roles}

    @cached_property
    def document_order(self) -> dict[str, int]:
        """Each document's place in the catalog (facts sort by it)."""
        return {d.id: i for i, d in enumerate(self.documents)}

    def document(self, doc_id: str) -> DocumentView:
        return self.documents_by_id[doc_id]

    def form(self, form_id: str) -> FormView:
        return self.forms_by_id[form_id]

    def role(self, role_id: str) -> RoleView:
        return self.roles_by_id[role_id]

    @property
    def documents_by_kind(self) -> list[tuple[str, list[DocumentView]]]:
        groups = []
        for kind in DOCUMENT_KINDS:
            docs = [d for d in self.documents if d.document.kind == kind]
            if docs:
                groups.append((KIND_NAMES[kind], docs))
        return groups

    def standards(self) -> tuple[list[StandardLine], list[StandardLine]]:
        """/standards/: targets and deadlines, each with what it is about, where and whose; a target
        stated alike by several rows of one table (客户满意率95%以上 × 17) is one line naming them all."""
        targets: list[StandardLine] = []
        merged: dict[tuple[str, int, str, tuple[str, ...]], StandardLine] = {}
        for e in self.targets:
            owners = tuple(o.id for o in e.target.owners)
            key = (e.document.id, id(e.section), e.target.rule, owners)
            if e.row is not None and key in merged:
                merged[key].activities.append(e.activity)
                continue
            line = StandardLine(
                "target",
                e.target.rule,
                "",
                [e.activity],
                e.document,
                e.section,
                e.row.anchor if e.row is not None else e.section.anchor,
                list(e.target.owners),
                e.target.proposed,
            )
            if e.row is not None:
                merged[key] = line
            targets.append(line)
        deadlines = [
            StandardLine(
                "deadline",
                e.deadline.rule,
                e.deadline.deadline.label,
                [e.activity],
                e.document,
                e.section,
                e.row.anchor if e.row is not None else e.section.anchor,
                list(e.deadline.owners),
                e.deadline.proposed,
            )
            for e in self.deadlines
        ]
        return targets, deadlines

    @property
    def records_register(self) -> list[FormView]:
        return sorted(self.forms, key=lambda f: f.form.code)

    @property
    def planned(self) -> list[ExternalView]:
        return [e for e in self.external if e.item.status == "planned"]

    @property
    def external_only(self) -> list[ExternalView]:
        return [e for e in self.external if e.item.status == "external"]
