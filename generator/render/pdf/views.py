"""Presentation models for the PDF templates.

The catalog already holds every derived value (labels, rules, views by role). What is left
here is print layout that a template should not work out itself: consecutive form rows
merged into one 12-column grid, the cells of each blank table row, column widths in per cent,
running part numbers of a training pack, and the few look-ups (a form's code, an external
document's issuer) that turn links into printable lines.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markupsafe import Markup

from generator import paths
from generator.catalog.numbering import chinese_number
from generator.catalog.views import (
    Catalog,
    DeadlineEntry,
    DocumentView,
    FormView,
    Link,
    MatrixView,
    RoleView,
    Section,
    TargetEntry,
)
from generator.catalog.wording import RACI_NAMES
from generator.control.redline import Edit
from generator.control.versions import VersionView
from generator.model.document import Document
from generator.model.form import FormSchema
from generator.render.flowchart import Paper, charts, svg_whole
from generator.render.formlayout import Block, Names, blocks, filled, retention_note
from generator.render.pdf import paper


@dataclass
class FormPage:
    """One blank form, ready to lay out (alone, in the manual or in a training pack)."""

    view: FormView
    anchor: str
    blocks: list[Block]
    retention_note: str
    page: str  # the CSS named page: form-portrait or form-landscape

    @property
    def form(self) -> FormSchema:
        return self.view.form


def form_page(view: FormView) -> FormPage:
    return FormPage(
        view=view,
        anchor=f"form-{view.form.id}",
        blocks=blocks(view.form.layout, Names(), card=view.form.card),
        retention_note=retention_note(view),
        page=f"form-{view.form.orientation}",
    )


# --------------------------------------------------------------------------- documents


@dataclass
class RelatedView:
    link: Link
    code: str | None  # of an internal document
    note: str  # 受控文件 / 外部文件（issuer） / 待编制


@dataclass
class RaciView:
    row: MatrixView
    cells: list[str]  # R, A, C, I: the approved roles' names joined with 、 (proposals are left out)


DOC_TOP_MM, DOC_BOTTOM_MM, DOC_FURNITURE_MM = 24.0, 20.0, 5.0
"""Margins of a controlled copy's page and the padding inside its rules (print.css @page doc)."""
FLOW_HEAD_MM = 24.0
"""Room a chart leaves on its page for the 流程图 heading, its lead and the chart's caption."""
FLOW_PAPER = Paper(
    portrait=(
        210 - paper.BINDING_MM - paper.SIDE_MM,
        297 - DOC_TOP_MM - DOC_BOTTOM_MM - DOC_FURNITURE_MM - FLOW_HEAD_MM,
    ),
    landscape=(
        297 - 2 * paper.SIDE_MM,
        210 - paper.BINDING_MM - paper.TOP_MM + paper.EDGE_MM - DOC_BOTTOM_MM - DOC_FURNITURE_MM - FLOW_HEAD_MM,
    ),
)
"""Where a swimlane chart is printed: its text at 8 pt, turned landscape (bound on its top edge, as the
manual's landscape forms) when its lanes do not fit a portrait page, cut into parts that fit a page."""


@dataclass
class FlowchartPart:
    """One printed chart: its caption, its drawing and the page it takes."""

    title: str
    svg: Markup
    landscape: bool


@dataclass
class DocumentPage:
    view: DocumentView
    anchor: str
    records: list[FormView]
    related: list[RelatedView]
    matrix: list[RaciView]
    last_revision: str
    approvers: list[str]  # one per revision: its approver, else the document's
    flowcharts: list[FlowchartPart] = field(default_factory=list)
    printed: dt.date | None = None
    """The print date (the build's date, reproducible per commit)."""
    superseded_by: str | None = None
    """An archived copy of a superseded version: the version that replaced it (stamped 作废 on every page)."""
    superseded_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    """An archived copy of a withdrawn document's last version: when it was withdrawn."""
    redline: list[Edit] = field(default_factory=list)
    """The current version's edits against the version before (the 修订对照 page), when known."""
    redline_from: str | None = None
    withheld: int = 0
    """Proposals of this document left out of the controlled copy (approved content only)."""
    withheld_kinds: str = ""
    """What they are, e.g. 职责分派 21 项；矩阵单元 2 项."""

    @property
    def obsolete_note(self) -> str | None:
        """What the 作废 row of an archived copy says (None: a copy in force)."""
        if self.superseded_by:
            return f"本版本已于 {self.superseded_on} 被 {self.superseded_by} 版取代，作废，仅供查阅，不得使用"
        if self.withdrawn_on:
            return f"本文件已于 {self.withdrawn_on} 撤销，作废，仅供查阅，不得使用"
        return None

    @property
    def review_overdue(self) -> bool:
        """The next review was due before this copy was printed."""
        return self.printed is not None and self.view.next_review < self.printed

    @property
    def document(self) -> Document:
        return self.view.document


def document_page(
    catalog: Catalog,
    view: DocumentView,
    printed: dt.date | None = None,
    *,
    versions: Sequence[VersionView] = (),
    superseded_by: str | None = None,
    superseded_on: dt.date | None = None,
    withdrawn_on: dt.date | None = None,
) -> DocumentPage:
    """A controlled copy's presentation model; ``versions``: the document's versions, newest first (its 修订对照)."""
    external = {e.item.id: e.item for e in catalog.external}
    codes = {d.id: d.document.code for d in catalog.documents}
    related = []
    for link in view.related:
        if link.kind == "document":
            related.append(RelatedView(link, codes.get(link.id), "受控文件"))
        elif link.planned:
            related.append(RelatedView(link, None, "待编制"))
        else:
            issuer = external[link.id].issuer if link.id in external else None
            related.append(RelatedView(link, None, f"外部文件（{issuer}）" if issuer else "外部文件"))
    forms = {f.form.id: f for f in catalog.forms}
    # A controlled copy prints approved content only: proposed rows and cells are left out and counted.
    matrix = [
        RaciView(
            row,
            ["、".join(link.title for link in row.letters.get(letter, []) if not link.proposed) for letter in "RACI"],
        )
        for row in view.matrix
        if not row.proposed
    ]
    kinds = Counter(p.kind for p in catalog.proposals if p.source == view.link)
    withheld = sum(kinds.values())
    withheld_kinds = "；".join(f"{kind} {count} 项" for kind, count in kinds.items())
    last = max(view.document.revisions, key=lambda r: r.date)
    names = {r.id: r.link.title for r in catalog.roles}
    approvers = [
        names.get(r.approver, r.approver) if r.approver else view.approver.title for r in view.document.revisions
    ]
    flowcharts = [
        FlowchartPart(chart.title, svg_whole(chart, lambda anchor: f"#{view.id}-{anchor}", FLOW_PAPER), chart.landscape)
        for chart in charts(view, FLOW_PAPER)
    ]
    redline = _redline(versions, superseded_by or ("withdrawn" if withdrawn_on else None))
    return DocumentPage(
        printed=printed,
        flowcharts=flowcharts,
        view=view,
        anchor=f"doc-{view.id}",
        records=[forms[link.id] for link in view.records if link.id in forms],
        related=related,
        matrix=matrix,
        withheld=withheld,
        withheld_kinds=withheld_kinds,
        last_revision=last.date.isoformat(),
        approvers=approvers,
        superseded_by=superseded_by,
        superseded_on=superseded_on,
        withdrawn_on=withdrawn_on,
        redline=(redline.edits or []) if redline else [],
        redline_from=redline.previous if redline else None,
    )


def _redline(versions: Sequence[VersionView], superseded_by: str | None) -> VersionView | None:
    """The current version, when the copy prints its 修订对照 (not an archived copy, and only with edits)."""
    if superseded_by is not None or not versions or not versions[0].current or not versions[0].edits:
        return None
    return versions[0]


# --------------------------------------------------------------------------- training packs


def places(doc: DocumentView) -> dict[int, str]:
    """Where each section is, written as people cite it (第一部分 五、(四)3、, 4.1.1 a)): the catalog's
    clause path, keyed by ``id(section)``."""
    return {id(section): section.path for section in doc.walk()}


@dataclass
class Cited:
    """A section of a document with where it is (its cited place)."""

    place: str
    section: Section


@dataclass
class DocumentSections:
    document: DocumentView
    sections: list[Cited]


@dataclass
class RaciLine:
    document: DocumentView
    row: MatrixView
    letters: str  # e.g. 负责（R）、批准（A）


@dataclass
class FormUse:
    view: FormView
    uses: str  # 填写 / 保管 / 填写、保管


@dataclass
class TargetLine:
    entry: TargetEntry
    place: str


@dataclass
class DeadlineLine:
    entry: DeadlineEntry
    place: str


@dataclass
class TrainingPage:
    role: RoleView
    anchor: str
    headings: dict[str, str]  # part -> 一、岗位职责 (only the parts this role has)
    duties: list[DocumentSections]
    department_duties: list[DocumentSections]
    raci: list[RaciLine]
    documents: list[DocumentSections]
    forms: list[FormUse]
    targets: list[TargetLine]
    deadlines: list[DeadlineLine]
    members: list[Link] = field(default_factory=list)
    sign_in_file: str = ""  # the pack's sign-in sheet, printed separately (training/<role>-sign-in.pdf)


PARTS = {
    "duties": "岗位职责",
    "department": "所在部门的职责",
    "raci": "职责矩阵中的活动",
    "documents": "应知文件",
    "forms": "使用的表单",
    "standards": "目标与期限",
}

SIGN_IN_FORM = "training-sign-in"
RECORD_FORM = "staff-training-record"
"""The 员工培训记录 printed in for each role's training session (training/<role>-record.pdf)."""
"""The form printed, filled in for the pack, as each training pack's sign-in sheet (a PDF of its own)."""


def _by_document(items: list[tuple[DocumentView, Section]], where: dict[int, str]) -> list[DocumentSections]:
    """Sections grouped by their document, in reading order, each with its printed place."""
    groups: list[DocumentSections] = []
    for doc, section in items:
        cited = Cited(where.get(id(section), section.label), section)
        if groups and groups[-1].document is doc:
            groups[-1].sections.append(cited)
        else:
            groups.append(DocumentSections(doc, [cited]))
    return groups


def training_page(catalog: Catalog, role: RoleView) -> TrainingPage:
    where: dict[int, str] = {}
    for doc in catalog.documents:
        where.update(places(doc))
    # A role that serves rows of a service table (第10篇) studies the section that holds the table.
    table_sections = list({id(section): (doc, section) for doc, section, _ in role.service_rows}.values())
    own = {id(section) for _, section in role.duties}
    duties = _by_document([*role.duties, *[pair for pair in table_sections if id(pair[1]) not in own]], where)
    department_duties = _by_document(role.department_duties, where)
    by_doc = {group.document.id: group.sections for group in duties}
    documents = [DocumentSections(doc, by_doc.get(doc.id, [])) for doc in role.documents]
    raci = [
        RaciLine(doc, row, "、".join(f"{RACI_NAMES[letter]}（{letter}）" for letter in letters))
        for doc, row, letters in role.raci
    ]
    forms: list[FormUse] = []
    for view in [*role.forms_filled, *role.forms_kept]:
        if any(use.view is view for use in forms):
            continue
        uses = [name for name, group in (("填写", role.forms_filled), ("保管", role.forms_kept)) if view in group]
        forms.append(FormUse(view, "、".join(uses)))
    forms.sort(key=lambda use: use.view.form.code)
    targets = [TargetLine(e, where.get(id(e.section), e.section.label)) for e in role.targets]
    deadlines = [DeadlineLine(e, where.get(id(e.section), e.section.label)) for e in role.deadlines]
    present = {
        "duties": bool(duties),
        "department": bool(department_duties),
        "raci": bool(raci),
        "documents": bool(documents),
        "forms": bool(forms),
        "standards": bool(targets or deadlines),
    }
    headings: dict[str, str] = {}
    for key, title in PARTS.items():
        if present[key]:
            headings[key] = f"{chinese_number(len(headings) + 1)}、{title}"
    return TrainingPage(
        role=role,
        anchor=f"role-{role.id}",
        headings=headings,
        duties=duties,
        department_duties=department_duties,
        raci=raci,
        documents=documents,
        forms=forms,
        targets=targets,
        deadlines=deadlines,
        members=role.members,
        sign_in_file=PurePosixPath(paths.pdf("role", role.id, "sign-in")).name
        if any(f.form.id == SIGN_IN_FORM for f in catalog.forms)
        else "",
    )


def training_subject(role: RoleView, *, versions: bool = False) -> str:
    """What a role's training session covers: "物管员岗位培训：WY-GL-11《…》、…" (with each document's
    version when ``versions``)."""
    who = "" if role.is_department else "岗位"
    documents = "、".join(
        f"{d.document.code}《{d.document.title}》" + (f"{d.document.version}版" if versions else "")
        for d in role.documents
    )
    return f"{role.role.name}{who}培训" + (f"：{documents}" if documents else "")


def organiser(role: RoleView) -> str:
    return role.link.title if role.is_department or role.department is None else role.department.title


def record_page(catalog: Catalog, role: RoleView) -> FormPage | None:
    """The 员工培训记录 of one session of ``role``'s training, printed in: subject, organiser, category,
    and the documents covered with their versions and effective dates; ``None`` without the form."""
    view = next((f for f in catalog.forms if f.form.id == RECORD_FORM), None)
    if view is None:
        return None
    content = "；".join(
        f"{d.document.code}《{d.document.title}》第 {d.document.version} 版（{d.document.effective} 生效）"
        for d in role.documents
    )
    page = form_page(view)
    page.blocks = filled(
        page.blocks,
        {
            "培训主题": training_subject(role),
            "组织部门": organiser(role),
            "培训类别": "内部培训",
            "培训内容": f"所学文件：{content}" if content else "",
        },
    )
    page.anchor = f"record-{role.id}"
    return page


def sign_in_page(catalog: Catalog, role: RoleView) -> FormPage | None:
    """The sign-in sheet of ``role``'s training pack: the training sign-in form with its subject (the
    pack's documents) and the organising department (the role's own) printed in; ``None`` when the
    catalog has no such form."""
    view = next((f for f in catalog.forms if f.form.id == SIGN_IN_FORM), None)
    if view is None:
        return None
    page = form_page(view)
    page.blocks = filled(page.blocks, {"培训主题": training_subject(role), "组织部门": organiser(role)})
    page.anchor = f"sign-in-{role.id}"
    return page
