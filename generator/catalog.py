"""The validated catalog: every definition, cross-linked, with the derived views both renderers use.

Templates only lay out what is computed here: numbering labels, anchors, the pieces of text that
link to another document, next review dates, and the views by role, by target, by deadline,
the records register, the master list and the company-wide matrix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import ChainMap, Counter
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from . import numbering
from .models import (
    Basis,
    CompanyFile,
    Deadline,
    Department,
    Document,
    ExternalDocument,
    FormSchema,
    Line,
    MatrixRow,
    Meeting,
    Node,
    Revision,
    Role,
    RolesFile,
    Target,
)
from .provenance import KINDS, Statement, Walker

if TYPE_CHECKING:
    from .versions import VersionView

KIND_NAMES = {
    "procedure": "程序文件",
    "standard": "标准规范",
    "regulation": "管理规定",
    "duties": "岗位职责",
    "training": "培训教材",
    "service-scope": "服务内容",
    "policy": "方针理念",
}
KIND_ORDER = list(KIND_NAMES)

MENTION = re.compile(r"《([^《》]+)》")
_DURATION_PART = re.compile(r"(\d+)([YMWDH])")
_UNITS = {"Y": "年", "W": "周", "D": "天", "H": "小时"}
_PERIODS = {"next-week": "下一周", "next-month": "下一月", "next-quarter": "下一季度", "next-year": "下一年"}
_OPS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
RACI_NAMES = {"R": "负责", "A": "批准", "C": "咨询", "I": "知会"}
RACI_LABELS = {letter: f"{name}（{letter}）" for letter, name in RACI_NAMES.items()}

RACI_NOTE = "原文没有写明由谁批准的活动，A 栏空着。"
"""Said wherever a matrix is printed: an approver the seed does not name is not invented."""

REVISION_PARTS = (
    ("changes", ""),
    ("data_changes", "责任、期限等标注的更正（正文未改）："),
    ("approvals", "批准的拟定内容："),
    ("rejections", "否决并删去的拟定内容："),
)
"""The lists of a revision entry as a revision record prints them, each under its heading."""


def revision_parts(revision: Revision) -> list[tuple[str, list[str]]]:
    """(heading, lines) of each non-empty list of a revision entry, for the site, the PDFs and Word alike."""
    return [(heading, list(getattr(revision, key))) for key, heading in REVISION_PARTS if getattr(revision, key)]
"""负责（R） …: how a matrix letter is named everywhere (legends, column heads, training, quizzes)."""


REVIEW_SOON_DAYS = 60
"""A review due within this many days is shown as soon due (/documents/, the home page, --format json)."""

REVIEW_STATUS_NAMES = {"overdue": "评审已逾期", "soon": "即将到期", "ok": "按期"}


# --------------------------------------------------------------------------- plain helpers


def paragraphs(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def duration_text(value: str) -> str:
    """P3D -> 3天, PT24H -> 24小时, P1M -> 1个月, P1Y6M -> 1年6个月."""
    date_part, _, time_part = value[1:].partition("T")
    out = []
    for number, unit in _DURATION_PART.findall(date_part):
        out.append(f"{number}{'个月' if unit == 'M' else _UNITS[unit]}")
    for number, unit in re.findall(r"(\d+)([HM])", time_part):
        out.append(f"{number}{'小时' if unit == 'H' else '分钟'}")
    return "".join(out)


_EVERY_WORDS = {"P1D": "每天", "P1W": "每周", "P2W": "每两周", "P1M": "每月", "P2M": "每两个月", "P3M": "每季度",
                "P6M": "每半年", "P1Y": "每年"}
"""Recurrences as the documents say them (每季度, not 每3个月)."""


def every_text(value: str) -> str:
    if value in _EVERY_WORDS:
        return _EVERY_WORDS[value]
    text = duration_text(value)
    return "每" + (text[1:] if text.startswith("1") and not text.startswith("1年6") else text)


_WEEKDAY_NAMES = "一二三四五六日"
_WINDOW_TEXT = {
    ("P1M", "month-start"): "每月月初",
    ("P1M", "month-end"): "每月月底",
    ("P3M", "quarter-end"): "每季度末",
    ("P6M", "half-year-end"): "每半年末",
    ("P1Y", "year-end"): "每年年末",
}


def weekdays_text(days: list[int]) -> str:
    """[1, 4] -> 周一、周四; [6, 7] -> 周六、周日."""
    return "、".join(f"周{_WEEKDAY_NAMES[d - 1]}" for d in days)


def _time_text(value: str) -> str:
    """08:30-08:50 -> 8:30–8:50."""
    return "–".join(part.lstrip("0") if not part.startswith("00") else part for part in value.split("-"))


def deadline_rule(deadline: Deadline) -> str:
    """A normalised reading of a deadline, in the seed's words: 投诉处理完毕后3天内, 董事会召开2周前,
    每周一、周四 8:30–8:50, 每月月初3个工作日内, 每季度末, 不定期（一般每月一次）."""
    parts = []
    if deadline.within:
        start = f"{deadline.after}后" if deadline.after else ""
        if deadline.not_before:
            parts.append(f"{start}{duration_text(deadline.not_before)}之后、{duration_text(deadline.within)}之内")
        else:
            parts.append(f"{start}{duration_text(deadline.within)}内")
    if deadline.ahead and deadline.before:
        parts.append(f"{deadline.before}{duration_text(deadline.ahead)}前")
    if deadline.weekdays:
        parts.append(f"每{weekdays_text(deadline.weekdays)}")
    elif deadline.every:
        window = _WINDOW_TEXT.get((deadline.every, deadline.window or ""))
        if window is None and deadline.window:
            window = every_text(deadline.every) + {"month-start": "初", "month-end": "末"}.get(deadline.window, "末")
        text = window or every_text(deadline.every)
        if deadline.working_days:
            text += f"{deadline.working_days}个工作日内"
        parts.append(f"不定期（一般{text}一次）" if deadline.usually else text)
    if deadline.time:
        parts.append(_time_text(deadline.time))
    if deadline.at:
        parts.append("、".join(deadline.at))
    if deadline.not_on:
        parts.append(f"不得在{weekdays_text(deadline.not_on)}{'及节假日' if deadline.holidays else ''}")
    if deadline.months:
        parts.append("每年" + "、".join(f"{m}月" for m in deadline.months))
    if deadline.due:
        parts.append(f"{_PERIODS[deadline.due.period]}{deadline.due.day}日前")
    return " ".join(parts) or deadline.label


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def target_rule(target: Target) -> str:
    """客户满意率 ≥ 95%; a range: 每人每次发言时间 5–8分钟; a whole (投诉处理率100%) as the seed says it,
    never "≥ 100%"."""
    if target.op == "between" and target.max is not None:
        return f"{target.metric} {_number(target.value)}–{_number(target.max)}{target.unit}"
    if target.unit == "%" and target.value == 100 and target.op in (">=", "="):
        return f"{target.metric} 100%"
    return f"{target.metric} {_OPS[target.op]} {_number(target.value)}{target.unit}"


def cited(path: str) -> str:
    """A clause path as a citation: without the enumeration comma its last label ends with (七、2、 -> 七、2)."""
    return path[:-1] if path.endswith("、") and len(path) > 2 else path


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


# --------------------------------------------------------------------------- linked pieces


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
        return _activity(self.section, self.row, self.meeting, [self.target.target.metric, f"{value:g}" if isinstance(value, float) else str(value)])


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


_SENTENCE = re.compile(r"[^。;；]+[。;；]?")


def _activity(section: Section, row: ServiceRowView | None, meeting: MeetingView | None, needles: list[str]) -> str:
    """What a target or deadline is about: its table row, its meeting, else the sentence of its clause
    that states it (the one holding its words), shortened."""
    if row is not None:
        return f"{row.group}：{row.content}".rstrip("。;；,，:：")
    if meeting is not None:
        return meeting.meeting.name
    sentences = [m.group(0) for p in section.paragraphs for m in _SENTENCE.finditer(p.text)]
    text = next((t for needle in needles for t in sentences if needle and needle in t), None)
    if text is None:
        text = sentences[0] if sentences else (section.title or section.where)
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
        return bool(self.duties or self.service_rows or self.raci or self.forms_filled or self.forms_kept or self.documents)

    @property
    def external(self) -> bool:
        return not self.is_department and self.role.external  # type: ignore[union-attr]

    @property
    def trained(self) -> bool:
        """Staff with approved work in the manual get a training pack; outside parties and proposed roles do not."""
        return self.has_work and not self.external and not self.proposed

    @property
    def has_proposals(self) -> bool:
        return bool(self.proposed_duties or self.proposed_raci or self.proposed_targets or self.proposed_deadlines or self.proposed_service_rows)


@dataclass
class ExternalView:
    """A document named by the manual but not among its controlled documents."""

    item: ExternalDocument
    owner: Link | None
    cited_by: list[Link]

    @property
    def link(self) -> Link:
        return Link("external", self.item.id, self.item.title, planned=self.item.status == "planned",
                    external=self.item.status == "external")


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


ROLES_FILE = "procedures/roles.yml"
"""Where roles and departments are defined (a proposed role is approved there)."""


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
    history: tuple[dict[str, Any], Any] | None = field(default=None, repr=False, compare=False)
    """What the versions are read from: the inputs of this catalog and the git history (check.py sets it)."""
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Views computed once on first use by the trainer's kit (quizzes, training matrix, retraining):
    the site and the PDFs share them, and `procgen check` does not pay for them."""

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()`` the first time ``name`` is asked for, the same object afterwards."""
        if name not in self.derived:
            self.derived[name] = make()
        return self.derived[name]

    @property
    def versions(self) -> dict[str, list[VersionView]]:
        """Each document's versions, newest first (generator/versions.py), worked out on first use: the
        site and the PDFs need them, `procgen check` and a preview's reload do not pay for them."""

        def make() -> dict[str, list[VersionView]]:
            from .versions import document_versions

            inputs, history = self.history if self.history is not None else ({}, None)
            return document_versions(inputs, self, history)

        return self.once("versions", make)

    @property
    def changes(self) -> list[VersionView]:
        """Every version of every document, newest first: the /changes/ page."""
        every = [v for versions in self.versions.values() for v in versions]
        return sorted(every, key=lambda v: (v.effective, v.since.index if v.since else 1 << 62, v.code), reverse=True)

    @property
    def withdrawn(self) -> list[VersionView]:
        """The register of withdrawn documents (ISO 9001 7.5.3: obsolete documents stay identified): the
        last version of each document whose file was removed from the branch, newest removal first."""
        last = [versions[0] for versions in self.versions.values() if versions and versions[0].withdrawn is not None]
        return sorted(last, key=lambda v: (v.withdrawn.index if v.withdrawn else 0, v.code), reverse=True)

    def document(self, doc_id: str) -> DocumentView:
        return self.once("documents-by-id", lambda: {d.id: d for d in self.documents})[doc_id]

    def form(self, form_id: str) -> FormView:
        return self.once("forms-by-id", lambda: {f.form.id: f for f in self.forms})[form_id]

    def role(self, role_id: str) -> RoleView:
        return self.once("roles-by-id", lambda: {r.id: r for r in self.roles})[role_id]

    @property
    def documents_by_kind(self) -> list[tuple[str, list[DocumentView]]]:
        groups = []
        for kind in KIND_ORDER:
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
            line = StandardLine("target", e.target.rule, "", [e.activity], e.document, e.section,
                                e.row.anchor if e.row is not None else e.section.anchor, list(e.target.owners), e.target.proposed)
            if e.row is not None:
                merged[key] = line
            targets.append(line)
        deadlines = [
            StandardLine("deadline", e.deadline.rule, e.deadline.deadline.label, [e.activity], e.document, e.section,
                         e.row.anchor if e.row is not None else e.section.anchor, list(e.deadline.owners), e.deadline.proposed)
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


# --------------------------------------------------------------------------- building


class Resolver:
    """Looks ids and titles up; used only while building the catalog."""

    def __init__(
        self,
        documents: list[Document],
        forms: list[FormSchema],
        external: list[ExternalDocument],
        roles: list[Role],
        departments: list[Department],
    ) -> None:
        self.links: MutableMapping[str, Link] = {}
        self.titles: MutableMapping[str, Link] = {}
        for doc in documents:
            link = Link("document", doc.id, doc.title)
            self.links[doc.id] = link
            for title in (doc.title, *doc.aliases):
                self.titles.setdefault(title, link)
        for ext in external:
            link = Link("external", ext.id, ext.title, planned=ext.status == "planned", external=ext.status == "external")
            self.links.setdefault(ext.id, link)
            for title in (ext.title, *ext.aliases):
                self.titles.setdefault(title, link)
        self.forms: dict[str, Link] = {}
        for form in forms:
            link = Link("form", form.id, form.title)
            self.forms[form.id] = link
            for title in (form.title, *form.aliases):
                self.titles.setdefault(title, link)
        self.roles: dict[str, Link] = {}
        every: list[Role | Department] = [*departments, *roles]
        for role in every:
            # a role no document names is proposed: so is every duty or cell given to it
            self.roles[role.id] = Link("role", role.id, role.name, proposed=_proposed(role.basis))

    def overlay(self, doc: Document) -> Resolver:
        """This resolver with one document replaced by another version of it (its title and aliases
        as that version had them): no copy of the tables, so an old version costs its own size only."""
        new = object.__new__(Resolver)
        link = Link("document", doc.id, doc.title)
        new.links = ChainMap({doc.id: link}, self.links)
        new.titles = ChainMap({title: link for title in (doc.title, *doc.aliases)}, self.titles)
        new.forms, new.roles = self.forms, self.roles
        return new

    def role(self, role_id: str) -> Link:
        return self.roles[role_id]

    def ref(self, ref_id: str) -> Link:
        return self.forms.get(ref_id) or self.links[ref_id]

    def segments(self, text: str) -> Paragraph:
        out: list[Segment] = []
        pos = 0
        for match in MENTION.finditer(text):
            link = self.titles.get(match.group(1))
            if link is None:
                continue
            if match.start() > pos:
                out.append(Segment(text[pos : match.start()]))
            out.append(Segment(match.group(0), link))
            pos = match.end()
        if pos < len(text):
            out.append(Segment(text[pos:]))
        return Paragraph(out)


def _role_links(resolver: Resolver, ids: list[str], basis: dict[str, Basis]) -> list[Link]:
    """Role links, a proposed one marked (its duty or cell is 拟定·待批准)."""
    links = [resolver.role(r) for r in ids]
    return [replace(link, proposed=True) if _proposed(basis.get(link.id)) else link for link in links]


def _owners(resolver: Resolver, own: str | None, fallback: list[Link]) -> list[Link]:
    return [resolver.role(own)] if own else list(fallback)


def _targets(resolver: Resolver, targets: list[Target], owners: list[Link]) -> list[TargetView]:
    return [TargetView(t, target_rule(t), resolver.role(t.role) if t.role else None, _owners(resolver, t.role, owners)) for t in targets]


def _deadlines(resolver: Resolver, deadlines: list[Deadline], owners: list[Link]) -> list[DeadlineView]:
    return [DeadlineView(d, deadline_rule(d), resolver.role(d.role) if d.role else None, _owners(resolver, d.role, owners)) for d in deadlines]


_MEETING_FIELDS = {"purpose": "目的", "owner": "责任部门", "frequency": "频次", "participants": "人员", "format": "形式"}


def _meeting(resolver: Resolver, meeting: Meeting, label: str, owners: list[Link]) -> MeetingView:
    order: list[str] = list(meeting.order or _MEETING_FIELDS)
    fields = [(_MEETING_FIELDS[key], resolver.segments(getattr(meeting, key))) for key in order]
    owner = resolver.role(meeting.owner_role) if meeting.owner_role else None
    schedule = [meeting.schedule] if meeting.schedule else []
    return MeetingView(
        label=label,
        meeting=meeting,
        fields=fields,
        schedule=deadline_rule(meeting.schedule) if meeting.schedule else None,
        owner=owner,
        participants=[resolver.role(r) for r in meeting.participant_roles],
        deadlines=_deadlines(resolver, [*schedule, *meeting.deadlines], [owner] if owner else owners),
    )


def _service_table(resolver: Resolver, node: Node, owners: list[Link], anchor: str) -> ServiceTableView | None:
    table = node.service_table
    if table is None:
        return None
    rows: list[ServiceRowView] = []
    for group in table.groups:
        for index, row in enumerate(group.rows):
            lines = []
            row_owners = _role_links(resolver, row.roles, row.role_basis) or owners
            for line in row.standards:
                if isinstance(line, Line):
                    lines.append(ServiceLine(resolver.segments(line.text), _targets(resolver, line.targets, row_owners),
                                             _deadlines(resolver, line.deadlines, row_owners)))
                else:
                    lines.append(ServiceLine(resolver.segments(line), [], []))
            rows.append(
                ServiceRowView(
                    service=group.service if index == 0 else None,
                    rowspan=len(group.rows) if index == 0 else 0,
                    group=group.service,
                    content=row.content,
                    lines=lines,
                    roles=_role_links(resolver, row.roles, row.role_basis),
                    anchor=f"{anchor}-table-{len(rows) + 1}",
                )
            )
    return ServiceTableView(columns=list(table.columns), rows=rows)


def clause_path(parent_path: str, style: str, label: str, index: int = 1, title: str | None = None) -> str:
    """The full path of a clause from its parent's path and its own label.

    A decimal label already holds its ancestors' numbers (4.1.3, 2.1), so it stands alone;
    otherwise labels are chained: 五、 + (六) + 2、 -> 五、(六)2、, with a space after a label that
    does not end in punctuation (第一部分 五、, 4.1.3 b)). An unnumbered item is cited the way the
    documents cite it: (十)第二个△; a titled one by its title; others by position (第3项).
    """
    if style in numbering.UNNUMBERED:
        if title:
            return f"{parent_path} {title}".strip()
        if style == "triangle":
            return f"{parent_path}第{numbering.chinese_number(index)}个△"
        return f"{parent_path}第{index}项"
    if not label:
        return parent_path
    if style == "decimal":
        return label
    if not parent_path:
        return label
    glue = " " if parent_path[-1].isalnum() else ""
    return f"{parent_path}{glue}{label}"


def _section(
    resolver: Resolver,
    doc: Document,
    node: Node,
    *,
    style: str,
    index: int,
    numbers: tuple[int, ...],
    depth: int,
    anchor: str,
    parent_path: str = "",
    parent_where: str = "",
    inherited: list[Link] | None = None,
) -> Section:
    counted = style not in numbering.UNNUMBERED
    own_numbers = (*numbers, index) if counted else numbers
    kids_style = numbering.child_style(node.style, depth + 1)
    own_label = numbering.label(style, index, own_numbers)
    path = clause_path(parent_path, style, own_label, index, node.title)
    # A title names its own clause; its items are numbered from the numbers above it, not from it.
    # A bare group (no title, no text) is no clause of its own: its items are cited from the clause above.
    bare = not node.title and not node.text
    child_base = parent_path if style in numbering.UNNUMBERED and (node.title or bare) else path
    where = node.title or parent_where
    roles = _role_links(resolver, node.roles, node.role_basis)
    owners = roles or list(inherited or [])  # the nearest roles up the tree answer for what has none
    children = []
    count = 0
    for i, child in enumerate(node.items, start=1):
        count += 1
        children.append(
            _section(
                resolver,
                doc,
                child,
                style=kids_style,
                index=count,
                numbers=own_numbers,
                depth=depth + 1,
                anchor=f"{anchor}-{i}",
                parent_path=child_base,
                parent_where=where,
                inherited=owners,
            )
        )
    meeting_style = node.meeting_style or "latin"
    meetings = [
        _meeting(resolver, m, numbering.label(meeting_style, i, (*own_numbers, i)), owners)
        for i, m in enumerate(node.meetings, start=1)
    ]
    paragraphs_ = [resolver.segments(p) for p in paragraphs(node.text)]
    after = [resolver.segments(p) for p in paragraphs(node.after)]
    refs = [resolver.ref(r) for r in node.refs]
    for paragraph in (*paragraphs_, *after):  # a 《form》 named in the text is a form this step uses
        for segment in paragraph.segments:
            if segment.link is not None and segment.link.kind == "form" and segment.link not in refs:
                refs.append(segment.link)
    return Section(
        document_id=doc.id,
        anchor=anchor,
        label=own_label,
        style=style,
        depth=depth,
        title=node.title,
        paragraphs=paragraphs_,
        after=after,
        children=children,
        roles=roles,
        targets=_targets(resolver, node.targets, owners),
        deadlines=_deadlines(resolver, node.deadlines, owners),
        refs=refs,
        meetings=meetings,
        service_table=_service_table(resolver, node, owners, anchor),
        child_style=kids_style,
        flow=node.flow,
        path=cited(path),
        where=where,
        cite=f"{doc.code} {cited(path)}".strip(),
        thresholds=_targets(resolver, node.thresholds, owners),
        choice=node.choice,
    )


def _unique_paths(sections: list[Section]) -> None:
    """Clauses that would be cited alike (a. under two headings) are told apart by their heading."""
    every = [section for top in sections for section in top.walk()]
    count: dict[str, int] = {}
    for section in every:
        count[section.path] = count.get(section.path, 0) + 1
    for section in every:
        if count[section.path] > 1 and section.where and section.where not in section.path:
            section.path = f"{section.where} {section.path}"
            section.cite = f"{section.cite.split(' ', 1)[0]} {section.path}"


def _flow(sections: list[Section]) -> list[FlowItem]:
    """The steps with owners, in reading order: within the nodes marked ``flow``, else the whole document.

    A node marked ``choice`` has alternatives for items: its children become the branches of one
    :class:`FlowChoice` instead of a sequence.
    """
    marked = [s for top in sections for s in top.walk() if s.flow]
    items: list[FlowItem] = []
    for top in marked or sections:
        # A part of the document with steps inside is a stage of its own; a flat list of steps
        # (车辆管理规定 (一)–(六)) is one stage, the document.
        nested = any(_flow_step(child, "") for child in top.walk() if child is not top)
        items.extend(_flow_items(top, top.heading if nested else ""))
    return items


def _flow_step(section: Section, stage: str) -> FlowStep | None:
    """A step drawn in the lanes of the roles the seed gives it (a proposed role draws no lane until approved)."""
    lanes = [link for link in section.roles if not link.proposed]
    if lanes and section.paragraphs:
        return FlowStep(section.anchor, section.label, section.paragraphs[0].text, lanes, section.path, stage)
    return None


def _flow_items(section: Section, stage: str) -> list[FlowItem]:
    items: list[FlowItem] = []
    step = _flow_step(section, stage)
    if step is not None:
        items.append(step)
    if section.choice:
        branches = [steps for child in section.children if (steps := _branch(child, stage))]
        if len(branches) > 1:
            title = section.title or (section.paragraphs[0].text if section.paragraphs else section.path)
            items.append(FlowChoice(section.anchor, section.path, title, branches, stage))
        elif branches:
            items.extend(branches[0])
        return items
    for child in section.children:
        items.extend(_flow_items(child, stage))
    return items


def _branch(section: Section, stage: str) -> list[FlowStep]:
    """One alternative as a plain sequence of steps (alternatives inside it are kept in reading order)."""
    steps: list[FlowStep] = []
    for item in _flow_items(section, stage):
        if isinstance(item, FlowStep):
            steps.append(item)
        else:
            steps.extend(step for branch in item.branches for step in branch)
    return steps


def retention_text(form: FormSchema) -> str:
    if form.retention.permanent:
        return "永久保存"
    return f"保存{duration_text(form.retention.period or '')}"


def build_catalog(
    documents: list[tuple[str, Document]],
    forms: list[tuple[str, FormSchema]],
    roles: list[Role],
    departments: list[Department],
    external: list[ExternalDocument],
    source_files: list[str],
    company: CompanyFile,
    *,
    only: frozenset[str] | None = None,
    resolver: Resolver | None = None,
    first_number: int = 1,
    walker: Walker | None = None,
) -> Catalog:
    """Cross-link validated definitions and compute the derived views (no checks here).

    ``only``: the views of these documents (and their forms) alone, every other definition still
    known to the links — what an earlier version of one document needs (generator/versions.py), at
    the cost of that document, not of the whole manual. ``resolver``: the links, when already made.
    ``first_number``: the number of the first of ``documents`` (an old version given alone keeps its own)."""
    if resolver is None:
        resolver = Resolver([d for _, d in documents], [f for _, f in forms], external, roles, departments)
    doc_views: list[DocumentView] = []
    for number, (path, doc) in enumerate(documents, start=first_number):
        if only is not None and doc.id not in only:
            continue
        top_style = doc.numbering
        sections = []
        count = 0
        for i, node in enumerate(doc.body, start=1):
            count += 1
            sections.append(
                _section(resolver, doc, node, style=top_style, index=count, numbers=(), depth=0, anchor=f"s{i}")
            )
        _unique_paths(sections)
        last_review = max([doc.effective, *(r.date for r in doc.revisions)])
        doc_views.append(
            DocumentView(
                document=doc,
                path=path,
                number=number,
                kind_name=KIND_NAMES[doc.kind],
                last_review=last_review,
                next_review=add_months(last_review, doc.review_months),
                intro=[resolver.segments(p) for p in paragraphs(doc.intro)],
                sections=sections,
                owner=resolver.role(doc.owner),
                approver=resolver.role(doc.approver),
                matrix=[_matrix_row(resolver, row) for row in doc.matrix],
                records=[resolver.forms[r] for r in doc.records],
                related=[resolver.links[r] for r in doc.related],
                audience=[resolver.role(r) for r in doc.audience],
                flow=_flow(sections),
            )
        )
    effective = {d.id: d.document.effective for d in doc_views}
    users: dict[str, list[Link]] = {}  # form id -> the documents citing it, in document order
    for d in doc_views:
        for cited_id in _cited_ids(d):
            users.setdefault(cited_id, []).append(resolver.links[d.id])
    form_views = []
    chosen = forms if only is None else [pf for pf in forms if pf[1].procedure in only]  # sort the few, not all
    for path, form in sorted(chosen, key=lambda pf: pf[1].code):
        used_by = users.get(form.id, [])
        form_views.append(
            FormView(
                form=form,
                path=path,
                document=resolver.links[form.procedure],
                keeper=resolver.role(form.retention.keeper),
                retention=retention_text(form),
                filled_by=[resolver.role(r) for r in form.filled_by],
                used_by=used_by,
                effective=_form_effective(form, effective.get(form.procedure)),
            )
        )
    targets = [TargetEntry(d, s, t, row, None) for d in doc_views for s in d.walk() for t, row in _all_targets(s)]
    deadlines = [DeadlineEntry(d, s, dl, row, meeting) for d in doc_views for s in d.walk() for dl, row, meeting in _all_deadlines(s)]
    if only is not None:  # the roles the selected documents name, with their departments
        named = _named_roles(doc_views, form_views, targets, deadlines)
        roles = [r for r in roles if r.id in named]
        named |= {r.department for r in roles if r.department}
        departments = [d for d in departments if d.id in named]
    role_views = _role_views(resolver, roles, departments, doc_views, form_views, targets, deadlines)
    # An old version's catalog (``only``) reads its own documents' clauses, not the whole manual's.
    if walker is None:  # the check passes the one its rules used: the clauses folded once per check
        walker = Walker([d for _, d in documents if only is None or d.id in only], RolesFile(roles=roles, departments=departments) if roles else None)
    proposals = _provenance(walker, resolver, doc_views, form_views, roles, departments, everything=only is None)
    return Catalog(
        documents=doc_views,
        forms=form_views,
        roles=role_views,
        external=[
            ExternalView(
                item,
                resolver.role(item.owner) if item.owner else None,
                list(users.get(item.id, [])),
            )
            for item in external
        ],
        targets=targets,
        deadlines=deadlines,
        matrix=_company_matrix(resolver, roles, departments, doc_views),
        source_files=source_files,
        company=company,
        proposals=proposals,
    )


def node_anchor(loc: tuple[Any, ...]) -> str:
    """The page anchor of the clause at ``loc`` (("body", 0, "items", 2, …) -> s1-3), the same scheme as
    :func:`build_catalog` gives sections; "" for anything outside the body."""
    if not loc or loc[0] != "body":
        return ""
    numbers = [str(part + 1) for key, part in zip(loc, loc[1:], strict=False) if key in ("body", "items") and isinstance(part, int)]
    return "s" + "-".join(numbers) if numbers else ""


def _provenance(
    walker: Walker,
    resolver: Resolver,
    docs: list[DocumentView],
    forms: list[FormView],
    roles: list[Role],
    departments: list[Department],
    *,
    everything: bool,
) -> list[Pending]:
    """Cite each matrix row's clause; list every pending proposal (the /proposals/ page)."""
    pending: list[Pending] = []

    def add(statement: Statement, source: Link, default_approver: str, anchor: str, path: str, place: str) -> None:
        proposal = statement.proposal
        if statement.status != "proposed" or proposal is None:
            return
        approver = proposal.approver or default_approver
        pending.append(
            Pending(KINDS[statement.kind], statement.what, proposal.reason, resolver.role(proposal.by),
                    resolver.role(approver), source, _item_name(statement.loc), anchor, place, statement.loc, path)
        )

    for doc in docs:
        sections = {s.anchor: s for s in doc.walk()}
        for statement in walker.document(doc.document):
            if statement.loc[0] == "matrix" and len(statement.loc) == 3 and statement.loc[2] == "basis" and statement.clause:
                row = doc.matrix[statement.loc[1]]
                target = walker.documents.get(statement.document or doc.id)
                if statement.document is None:
                    section = sections.get(node_anchor(statement.clause))
                    row.source = section.cite if section else doc.document.code
                    row.anchor = section.anchor if section else ""
                elif target is not None:
                    row.source = target.code
            anchor = "matrix" if statement.loc[0] == "matrix" else node_anchor(statement.loc)
            section = sections.get(anchor)
            place = section.cite if section else f"{doc.document.code} 职责矩阵" if anchor == "matrix" else doc.document.code
            add(statement, doc.link, doc.document.approver, anchor, doc.path, place)
    if not everything:
        return pending
    approvers = {d.id: d.document.approver for d in docs}
    for form in forms:
        for statement in walker.form(form.form):
            add(statement, form.link, approvers.get(form.form.procedure, form.keeper.id), "", form.path, form.form.code)
    top = Counter(d.document.approver for d in docs).most_common(1)  # who approves the manual's documents
    for statement in walker.role_definitions():
        if statement.role:
            add(statement, resolver.role(statement.role), top[0][0] if top else statement.role, "", ROLES_FILE, "岗位设置")
    return pending


def _form_effective(form: FormSchema, issued: dt.date | None) -> dt.date | None:
    """A form is in force from its document's effective date, or from its own latest revision when later."""
    dates = [d for d in (issued, *(r.date for r in form.revisions if not r.is_review)) if d is not None]
    return max(dates) if dates else None


def _cited_ids(doc: DocumentView) -> set[str]:
    """Ids a document uses: its records and related documents, every ref and every 《mention》."""
    ids = {link.id for link in doc.records} | {link.id for link in doc.related}
    for section in doc.walk():
        ids.update(link.id for link in section.refs)
        ids.update(seg.link.id for p in (*section.paragraphs, *section.after) for seg in p.segments if seg.link)
    return ids


def _all_targets(section: Section) -> list[tuple[TargetView, ServiceRowView | None]]:
    found: list[tuple[TargetView, ServiceRowView | None]] = [(t, None) for t in section.targets]
    if section.service_table:
        for row in section.service_table.rows:
            for line in row.lines:
                found.extend((t, row) for t in line.targets)
    return found


def _all_deadlines(section: Section) -> list[tuple[DeadlineView, ServiceRowView | None, MeetingView | None]]:
    found: list[tuple[DeadlineView, ServiceRowView | None, MeetingView | None]] = [(d, None, None) for d in section.deadlines]
    for meeting in section.meetings:
        found.extend((d, None, meeting) for d in meeting.deadlines)
    if section.service_table:
        for row in section.service_table.rows:
            for line in row.lines:
                found.extend((d, row, None) for d in line.deadlines)
    return found


def _matrix_row(resolver: Resolver, row: MatrixRow) -> MatrixView:
    a = [row.A] if isinstance(row.A, str) else list(row.A or [])
    letters = {"R": row.R, "A": a, "C": row.C, "I": row.I}
    whole = _proposed(row.basis)
    basis = {r: row.basis for v in letters.values() for r in v} if whole and row.basis else row.role_basis
    return MatrixView(resolver.segments(row.activity), {k: _role_links(resolver, v, basis) for k, v in letters.items()}, whole)


def _named_roles(docs: list[DocumentView], forms: list[FormView], targets: list[TargetEntry],
                 deadlines: list[DeadlineEntry]) -> set[str]:
    """Every role or department id the documents (and their forms, targets and deadlines) name."""
    named: set[str] = set()
    for doc in docs:
        named |= {doc.owner.id, doc.approver.id, *(a.id for a in doc.audience)}
        for section in doc.walk():
            named |= {link.id for link in section.roles}
            if section.service_table:
                named |= {link.id for row in section.service_table.rows for link in row.roles}
        named |= {link.id for row in doc.matrix for links in row.letters.values() for link in links}
    for form in forms:
        named |= {form.keeper.id, *(link.id for link in form.filled_by)}
    for target in targets:
        named |= {link.id for link in target.target.owners}
    for deadline in deadlines:
        named |= {link.id for link in deadline.deadline.owners}
    return named


def _role_views(
    resolver: Resolver,
    roles: list[Role],
    departments: list[Department],
    docs: list[DocumentView],
    forms: list[FormView],
    targets: list[TargetEntry],
    deadlines: list[DeadlineEntry],
) -> list[RoleView]:
    views: list[RoleView] = []
    for dept in departments:
        views.append(RoleView(dept, True, resolver.role(dept.id), resolver.role(dept.parent) if dept.parent else None))
    for role in roles:
        views.append(RoleView(role, False, resolver.role(role.id), resolver.role(role.department) if role.department else None))
    by_id = {v.id: v for v in views}
    for view in views:
        view.description = resolver.segments(view.role.description)
    for role in roles:
        if role.department:
            by_id[role.department].members.append(resolver.role(role.id))
    for doc in docs:
        _give_duties(by_id, doc)
        _give_letters(by_id, doc)
        if doc.owner.id in by_id:
            by_id[doc.owner.id].owned.append(doc)
    _give_forms_and_facts(by_id, forms, targets, deadlines)
    for view in views:
        if view.department is not None and not view.is_department:
            own = {id(section) for _, section in view.duties}  # a clause naming both is the role's own duty, once
            view.department_duties = [(d, s) for d, s in by_id[view.department.id].duties if id(s) not in own]
    order = {doc.id: i for i, doc in enumerate(docs)}
    concerned: dict[str, set[int]] = {}  # role id -> the documents it owns or is the audience of
    for i, doc in enumerate(docs):
        for role_id in {doc.owner.id, *(a.id for a in doc.audience)}:
            concerned.setdefault(role_id, set()).add(i)
    for view in views:
        involved = {d.id for d, _ in view.duties} | {d.id for d, _, _ in view.raci} | {d.id for d, _, _ in view.service_rows}
        view.documents = [docs[i] for i in sorted({order[d] for d in involved} | concerned.get(view.id, set()))]
    return views


def _give_forms_and_facts(
    by_id: dict[str, RoleView], forms: list[FormView], targets: list[TargetEntry], deadlines: list[DeadlineEntry]
) -> None:
    """Forms to the roles that fill and keep them; targets and deadlines to their owners (a proposal apart)."""
    for form in forms:
        for link in form.filled_by:
            by_id[link.id].forms_filled.append(form)
        by_id[form.keeper.id].forms_kept.append(form)
    for entry in targets:
        for role_id, proposed in _owned(entry.target.owners, entry.target.proposed):
            (by_id[role_id].proposed_targets if proposed else by_id[role_id].targets).append(entry)
    for d_entry in deadlines:
        for role_id, proposed in _owned(d_entry.deadline.owners, d_entry.deadline.proposed):
            (by_id[role_id].proposed_deadlines if proposed else by_id[role_id].deadlines).append(d_entry)


def _give_duties(by_id: dict[str, RoleView], doc: DocumentView) -> None:
    """Each clause and 服务 row of a document to the roles it names (a proposed one apart)."""
    for section in doc.walk():
        for link in section.roles:
            (by_id[link.id].proposed_duties if link.proposed else by_id[link.id].duties).append((doc, section))
        if section.service_table:
            for service_row in section.service_table.rows:
                for link in service_row.roles:
                    view = by_id[link.id]
                    (view.proposed_service_rows if link.proposed else view.service_rows).append((doc, section, service_row))


def _give_letters(by_id: dict[str, RoleView], doc: DocumentView) -> None:
    """Each matrix row of a document to the roles it names, with their letters (a proposed cell apart)."""
    for matrix_row in doc.matrix:
        for letter, links in matrix_row.letters.items():
            for link in links:
                view = by_id[link.id]
                raci = view.proposed_raci if link.proposed else view.raci
                if raci and raci[-1][1] is matrix_row:
                    raci[-1][2].append(letter)
                else:
                    raci.append((doc, matrix_row, [letter]))


def _owned(owners: list[Link], fact_proposed: bool) -> list[tuple[str, bool]]:
    """Each owner of a fact once, and whether it is the role's by a proposal (the fact's or the role's duty)."""
    seen: dict[str, bool] = {}
    for link in owners:
        seen[link.id] = seen.get(link.id, True) and (fact_proposed or link.proposed)
    return list(seen.items())


def _company_matrix(
    resolver: Resolver, roles: list[Role], departments: list[Department], docs: list[DocumentView]
) -> CompanyMatrix:
    """Every activity × the roles it names; linear in the letters, a grid only while it is small."""
    used: set[str] = {link.id for doc in docs for row in doc.matrix for links in row.letters.values() for link in links}
    columns = [resolver.role(rid) for rid in [d.id for d in departments] + [r.id for r in roles] if rid in used]
    position = {column.id: i for i, column in enumerate(columns)}
    grid = len(columns) <= MATRIX_GRID_MAX
    rows = []
    for doc in docs:
        for row in doc.matrix:
            letters: dict[int, str] = {}
            marked: dict[int, str] = {}
            for letter, links in row.letters.items():
                for link in links:
                    i = position[link.id]
                    if letter not in letters.get(i, ""):
                        letters[i] = letters.get(i, "") + letter
                    if link.proposed:
                        marked[i] = marked.get(i, "") + letter
            ordered = sorted(letters)
            cells = [letters.get(i, "") for i in range(len(columns))] if grid else []
            proposed = [marked.get(i, "") for i in range(len(columns))] if grid else []
            involved = " ".join(columns[i].id for i in ordered)
            entries = [(replace(columns[i], proposed=i in marked), letters[i]) for i in ordered]
            rows.append(MatrixLine(doc, row, cells, involved, entries, proposed))
    return CompanyMatrix(columns, rows, grid)


@dataclass(frozen=True)
class ReviewState:
    """When a document was last reviewed (or revised), when its next review is due, and how that stands
    on ``today``."""

    document: DocumentView
    last: dt.date
    due: dt.date
    status: Literal["overdue", "soon", "ok"]
    days: int  # days until due (negative: overdue by)

    @property
    def status_name(self) -> str:
        return REVIEW_STATUS_NAMES[self.status]


def review_states(catalog: Catalog, today: dt.date) -> list[ReviewState]:
    """Every document's review state on ``today``, in catalog order."""
    out = []
    for doc in catalog.documents:
        days = (doc.next_review - today).days
        status: Literal["overdue", "soon", "ok"] = "overdue" if days < 0 else "soon" if days <= REVIEW_SOON_DAYS else "ok"
        out.append(ReviewState(doc, doc.last_review, doc.next_review, status, days))
    return out
