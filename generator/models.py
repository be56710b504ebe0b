"""Typed models of the YAML files: documents, roles, external documents and forms.

Every model forbids unknown keys, so a misspelt key is an error at its line rather than
silently ignored. Numbering is never stored: it is derived from the nesting (see
``numbering.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from .limits import MAX_TABLE_ROWS  # noqa: E402 - after the pydantic imports, kept with the other constants
from .problems import ADJUSTABLE, Level

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DURATION_PATTERN = r"^P((\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?)?)$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
"""An id: lower-case a-z, 0-9 and single '-' between words, e.g. ``return-visit``."""
Ref = Annotated[str, StringConstraints(min_length=1)]
"""A reference to an id defined elsewhere; existence is checked across files."""
Text = Annotated[str, StringConstraints(min_length=1)]
Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
"""ISO 8601 duration: P3D (3 days), PT24H (24 hours), P1W, P1M, P6M, P2Y."""
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+$")]
Number = StrictInt | StrictFloat


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


# --------------------------------------------------------------------------- shared pieces

NumberingStyle = Literal[
    "part",  # 第一部分
    "cn",  # 一、
    "cn-paren",  # (一)
    "arabic",  # 1、
    "arabic-dot",  # 1.
    "arabic-paren",  # (1)
    "decimal",  # 4.1 / 4.1.1 (parent's number + "." + n)
    "decimal-zero",  # 1.0 / 2.0
    "latin",  # a、
    "latin-dot",  # a.
    "latin-paren",  # a)
    "triangle",  # △
    "bullet",  # •
    "none",  # no label (plain paragraphs or an unmarked list)
]

Operator = Literal[">=", "<=", "=", ">", "<", "between"]


# --------------------------------------------------------------------------- provenance


class Proposal(Strict):
    """Something the seed does not state, put forward for the company's approval (拟定·待批准)."""

    by: Ref = Field(description="Role that proposes it, e.g. quality-dept.")
    reason: Text = Field(description="Why, and what it rests on. An editor's doubt goes here, never in a revision record.")
    approver: Ref | None = Field(default=None, description="Role that must approve it; without it, the document's approver.")


class Approval(Strict):
    """A proposal the company approved: the revision entry of `version` records what, by whom and when
    (roles.yml has no versions: there the date, and the commit that wrote it, are the record)."""

    version: Version | None = Field(default=None, description="The version whose revision entry (approvals) records the approval.")
    date: dt.date | None = Field(default=None, description="roles.yml only: the day the role was approved.")

    @model_validator(mode="after")
    def _one(self) -> Approval:
        if (self.version is None) == (self.date is None):
            raise ValueError("approved 须写 version（文件与表单）或 date（roles.yml 中的岗位）之一")
        return self


class Basis(Strict):
    """Where a statement comes from when it is not stated by the clause it stands in.

    Exactly one of: ``quote`` (words of the seed, found in `document`'s text — the clause that holds
    them is the citation, derived, never typed), ``proposed`` (not in the seed: who proposes it and
    why) or ``approved`` (a proposal the company approved in a later version).
    """

    quote: Text | None = Field(default=None, description="Words of the seed that state it, copied exactly from one clause.")
    document: Ref | None = Field(default=None, description="Document id holding the quote; without it, this document (a form: its procedure).")
    proposed: Proposal | None = None
    approved: Approval | None = None

    @model_validator(mode="after")
    def _one(self) -> Basis:
        if sum(x is not None for x in (self.quote, self.proposed, self.approved)) != 1:
            raise ValueError("出处须三选一：quote（原文）、proposed（拟定，写 by 与 reason）或 approved（已批准，写 version）")
        if self.document and not self.quote:
            raise ValueError("document 只与 quote 一起使用")
        return self


RoleBasis = Annotated[
    dict[Ref, Basis],
    Field(
        default_factory=dict,
        description="For each role the clause itself does not name: where the seed gives it to the role (quote), or a proposal.",
    ),
]



class Target(Strict):
    """A measurable target stated by the text, e.g. 客户满意率95%以上 -> 客户满意率 >= 95 %;
    a range, e.g. 5-8分钟 -> {op: between, value: 5, max: 8, unit: 分钟}."""

    metric: Text = Field(description="What is measured, e.g. 客户满意率.")
    op: Operator = Field(description="Comparison: >=, <=, =, >, <, or between (value to max).")
    value: Number = Field(description="The number, without unit, e.g. 95 (the lower bound of a range).")
    max: Number | None = Field(default=None, description="The upper bound of a range (op: between).")
    unit: Text = Field(description="Unit, e.g. % or 次.")
    role: Ref | None = Field(
        default=None, description="Role accountable; without it, the roles of the node, the table row or the nearest ancestor."
    )
    label: Text | None = Field(default=None, description="The phrase as written in the text, e.g. 95%以上 (checked against the clause).")
    basis: Basis | None = Field(default=None, description="Only when the clause does not state it: a quote from elsewhere, or a proposal.")

    @model_validator(mode="after")
    def _range(self) -> Target:
        if self.op == "between" and (self.max is None or self.max <= self.value):
            raise ValueError("op: between 须给出大于 value 的 max，如 {op: between, value: 5, max: 8}")
        if self.op != "between" and self.max is not None:
            raise ValueError("max 只用于 op: between（范围）")
        return self


class DueDay(Strict):
    """A calendar due day, e.g. 下一季度10号前 -> {period: next-quarter, day: 10}."""

    period: Literal["next-week", "next-month", "next-quarter", "next-year"]
    day: StrictInt = Field(ge=1, le=31)


Weekday = Annotated[StrictInt, Field(ge=1, le=7, description="1 = 周一 … 7 = 周日")]
Window = Literal["month-start", "month-end", "quarter-end", "half-year-end", "year-end"]


class Deadline(Strict):
    """A time limit, a recurrence or a schedule stated by the text, read as the seed says it.

    Examples: 三天内 -> {within: P3D, after: 投诉处理完毕};
    一个月后两个月内 -> {not_before: P1M, within: P2M, after: 完成维修工程};
    两周前发放 -> {ahead: P2W, before: 董事会召开};
    每周 -> {every: P1W}; 不定期(一般每月一次) -> {every: P1M, usually: true};
    每周一、周四上午8:30~8:50 -> {weekdays: [1, 4], time: "08:30-08:50"};
    每月月初3个工作日内 -> {every: P1M, window: month-start, working_days: 3};
    每月月底 -> {every: P1M, window: month-end}; 每季度末 -> {every: P3M, window: quarter-end};
    六月和十一月 -> {months: [6, 11]}; 下一季度10号前 -> {due: {period: next-quarter, day: 10}};
    中期阶段和结束后 -> {at: [合同执行期的中期阶段, 合同执行期结束后]};
    不得在周六、日及节假日 -> {not_on: [6, 7], holidays: true}.
    """

    label: Text = Field(description="The phrase as written in the text, e.g. 三天内.")
    within: Duration | None = None
    not_before: Duration | None = None
    after: Text | None = Field(default=None, description="Start event, e.g. 投诉处理完毕.")
    ahead: Duration | None = Field(default=None, description="At least this long before the event `before`.")
    before: Text | None = Field(default=None, description="The event a deadline comes before, e.g. 董事会召开.")
    every: Duration | None = None
    usually: StrictBool = Field(default=False, description="The recurrence is the usual one, not fixed (一般每月一次).")
    window: Window | None = Field(default=None, description="When in each period: month-start (月初), month-end (月底) …")
    working_days: StrictInt | None = Field(default=None, ge=1, le=31, description="Within this many working days of the window.")
    weekdays: list[Weekday] | None = Field(default=None, description="Days of the week it takes place (周一 = 1).")
    time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d(-([01]\d|2[0-3]):[0-5]\d)?$")] | None = Field(
        default=None, description="Time of day, HH:MM or HH:MM-HH:MM."
    )
    at: list[Text] | None = Field(default=None, description="The occasions, as written (中期阶段, 结束后).")
    not_on: list[Weekday] | None = Field(default=None, description="Days of the week on which it must not happen.")
    holidays: StrictBool = Field(default=False, description="With not_on: public holidays too.")
    months: list[Annotated[StrictInt, Field(ge=1, le=12)]] | None = None
    due: DueDay | None = None
    role: Ref | None = Field(
        default=None, description="Role that must meet the deadline; without it, the roles of the node, the table row or the nearest ancestor."
    )
    basis: Basis | None = Field(default=None, description="Only when the clause does not state it: a quote from elsewhere, or a proposal.")

    @model_validator(mode="after")
    def _one_kind(self) -> Deadline:
        if not (self.within or self.every or self.months or self.due or self.ahead or self.weekdays or self.at or self.not_on):
            raise ValueError("期限须给出 within、ahead、every、weekdays、months、due、at 或 not_on 之一")
        if (self.after or self.not_before) and not self.within:
            raise ValueError("after 与 not_before 须与 within 一起使用")
        if bool(self.before) != bool(self.ahead):
            raise ValueError("before（事件）与 ahead（提前多久）须一起使用，如 {ahead: P2W, before: 董事会召开}")
        if (self.window or self.usually) and not self.every:
            raise ValueError("window 与 usually 须与 every 一起使用")
        if self.working_days and not self.window:
            raise ValueError("working_days 须与 window 一起使用，如 {every: P1M, window: month-start, working_days: 3}")
        if self.holidays and not self.not_on:
            raise ValueError("holidays 须与 not_on 一起使用")
        return self


class Meeting(Strict):
    """One meeting of a meeting system (e.g. 第1篇 董事会): purpose, owner, frequency, people, format."""

    name: Text
    purpose: Text
    owner: Text = Field(description="责任部门, as written.")
    owner_role: Ref | None = Field(default=None, description="Role id of the owner.")
    frequency: Text = Field(description="频次, as written, e.g. 半年一次.")
    schedule: Deadline | None = None
    deadlines: list[Deadline] = Field(default_factory=list, description="Other deadlines of the meeting, e.g. 议题两周前发放.")
    participants: Text = Field(description="人员, as written.")
    participant_roles: list[Ref] = Field(default_factory=list)
    format: Text = Field(description="形式, as written.")
    order: list[Literal["purpose", "owner", "frequency", "participants", "format"]] | None = Field(
        default=None, description="Order of the fields as written in the source, if it differs."
    )


class Line(Strict):
    """One line of a table cell, optionally with a typed target."""

    text: Text
    targets: list[Target] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)


LineOrText = Text | Line


class ServiceRow(Strict):
    content: Text = Field(description="服务内容")
    standards: list[LineOrText] = Field(description="服务标准, one line each.")
    roles: list[Ref] = Field(default_factory=list)
    role_basis: RoleBasis


class ServiceGroup(Strict):
    service: Text = Field(description="服务项目")
    rows: list[ServiceRow]


class ServiceTable(Strict):
    """A 服务项目 / 服务内容 / 服务标准 table (第10篇)."""

    columns: list[Text] = Field(min_length=3, max_length=3)
    groups: list[ServiceGroup] = Field(min_length=1)


class Node(Strict):
    """A section, item or paragraph group. Its number is derived from its place, never typed."""

    title: Text | None = Field(default=None, description="Heading, without its number.")
    text: Text | list[Text] | None = Field(default=None, description="Paragraph(s).")
    style: NumberingStyle | None = Field(default=None, description="Numbering of `items`.")
    items: list[Node] = Field(default_factory=list)
    after: Text | list[Text] | None = Field(default=None, description="Paragraph(s) after items.")
    roles: list[Ref] = Field(default_factory=list, description="Roles whose duty or step this is.")
    role_basis: RoleBasis
    targets: list[Target] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    thresholds: list[Target] = Field(
        default_factory=list, description="Counts that call for action when reached (连续投诉两次以上 -> {op: '>=', value: 2, unit: 次})."
    )
    refs: list[Ref] = Field(
        default_factory=list, description="Forms or documents used, by id, that the text does not name in 《》 (those are derived)."
    )
    meetings: list[Meeting] = Field(default_factory=list)
    meeting_style: NumberingStyle | None = None
    flow: StrictBool = Field(
        default=False,
        description="The steps of the procedure are in this node: the flowchart shows its items with roles.",
    )
    choice: StrictBool = Field(
        default=False,
        description="The items are alternatives, one of which applies (重大投诉 / 一般投诉 …): the flowchart draws branches.",
    )
    service_table: ServiceTable | None = None

    @model_validator(mode="after")
    def _has_content(self) -> Node:
        if not (self.title or self.text or self.items or self.meetings or self.service_table):
            raise ValueError("条目至少须有 title、text 或 items 之一")
        return self


class Revision(Strict):
    version: Version
    date: dt.date
    summary: Text
    changes: list[Text] = Field(default_factory=list, description="Each change of the text (a typo fixed, a line joined), one line each.")
    data_changes: list[Text] = Field(
        default_factory=list,
        description="Each correction of the structured data (roles, targets, deadlines, matrix, records) that leaves the text as it is.",
    )
    approver: Ref | None = None
    approved_by: Text | None = Field(default=None, description="The person who approved, when the company configures names (company.yml people).")
    approvals: list[Text] = Field(default_factory=list, description="Proposals approved in this version, one line each (procgen approve writes them).")
    rejections: list[Text] = Field(default_factory=list, description="Proposals rejected and removed in this version, one line each.")
    reviewer: Ref | None = Field(
        default=None, description="A periodic review, not a change: the role that reviewed (procgen review writes it)."
    )
    outcome: Literal["continue", "revise"] | None = Field(
        default=None, description="The review's outcome: continue (继续有效) or revise (需修订)."
    )

    @model_validator(mode="after")
    def _review_complete(self) -> Revision:
        if (self.reviewer is None) != (self.outcome is None):
            raise ValueError("评审记录须同时写 reviewer 与 outcome")
        return self

    @property
    def is_review(self) -> bool:
        return self.reviewer is not None


class MatrixRow(Strict):
    """Responsibility matrix row: activity -> R/A/C/I role ids."""

    activity: Text
    basis: Basis | None = Field(default=None, description="Where the document states the activity: quote (its words) or a proposal.")
    role_basis: RoleBasis
    R: list[Ref] = Field(default_factory=list)
    A: Ref | list[Ref] | None = None
    C: list[Ref] = Field(default_factory=list)
    I: list[Ref] = Field(default_factory=list)  # noqa: E741 - RACI letter


DocumentKind = Literal[
    "procedure", "standard", "regulation", "duties", "training", "service-scope", "policy"
]


class Document(Strict):
    """A controlled document: control metadata plus nested content."""

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    id: Slug
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,}(-[A-Z0-9]+)+$")]
    title: Text
    aliases: list[Text] = Field(default_factory=list, description="Other titles (shown and searchable).")
    kind: DocumentKind
    version: Version
    effective: dt.date
    owner: Ref
    approver: Ref
    review_months: StrictInt = Field(ge=1, le=60)
    revisions: list[Revision] = Field(min_length=1)
    intro: Text | list[Text] | None = None
    numbering: NumberingStyle = "cn"
    body: list[Node] = Field(min_length=1)
    matrix: list[MatrixRow] = Field(default_factory=list)
    records: list[Ref] = Field(default_factory=list, description="Forms used or kept (form ids).")
    related: list[Ref] = Field(default_factory=list, description="Related document or external ids.")
    audience: list[Ref] = Field(default_factory=list, description="Roles that must know this document.")

    @field_validator("effective", mode="before")
    @classmethod
    def _date_only(cls, v: Any) -> Any:
        return _check_date(v)


class Department(Strict):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    parent: Ref | None = None
    description: Text
    basis: Basis | None = Field(default=None, description="Only for a department no document names: a proposal (who proposes it and why).")


class Role(Strict):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    department: Ref | None = None
    reports_to: Ref | None = None
    external: StrictBool = Field(default=False, description="An outside party (业主, 装修公司): no training pack.")
    front_line: StrictBool = Field(
        default=False, description="Serves residents day to day (物管员, 前台服务员 …): first among the home page's entry points."
    )
    description: Text
    basis: Basis | None = Field(default=None, description="Only for a role no document names: a proposal (who proposes it and why).")


class RolesFile(Strict):
    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    departments: list[Department] = Field(default_factory=list)
    roles: list[Role] = Field(min_length=1)


class ExternalDocument(Strict):
    id: Slug
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    status: Literal["external", "planned"] = Field(
        description="external: issued outside the company; planned: an internal document not yet written."
    )
    issuer: Text | None = None
    owner: Ref | None = None
    note: Text | None = None


def _adjustable(code: str) -> str:
    """A code company.yml may set the severity of (problems.ADJUSTABLE)."""
    if code not in ADJUSTABLE:
        raise ValueError(f"{code} 不可调整（文件、结构、引用与版本规则总是错误）；可调整的规则见 procgen explain")
    return code


CODE_SCHEME = r"^[A-Z]{2,}(-[A-Z]+)*(-\{doc\})(-\{nn\})?$"


class CompanyFile(Strict):
    """The company's settings, in one place (procedures/company.yml): every PDF and the site use them."""

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    name: Text = Field(description="Full name, printed at the head of every form and controlled copy.")
    short_name: Text = Field(description="Short name, for running headers.")
    system: Text = Field(default="品质管理体系文件", description="What the documents are, beside the company name.")
    manual_title: Text = Field(description="Title of the manual: the site's name and the cover of manual.pdf.")
    document_code: Annotated[str, StringConstraints(pattern=CODE_SCHEME)] = Field(
        default="WY-GL-{doc}", description="Document numbers: {doc} is the two-digit number of the file (01-…yml)."
    )
    form_code: Annotated[str, StringConstraints(pattern=CODE_SCHEME)] = Field(
        default="WY-JL-{doc}-{nn}", description="Form numbers: {doc} is the owning document's number, {nn} two digits."
    )
    checks: dict[Annotated[str, AfterValidator(_adjustable)], Level] = Field(
        default_factory=dict,
        description=(
            "Severity of a rule by its code: off, warning or error, e.g. {W231: off}. Only warnings and rules of"
            " policy may change (procgen explain lists them); the file, schema, reference and version rules stay errors."
        ),
    )
    people: dict[Ref, Text] = Field(
        default_factory=dict,
        description="Names of the people who hold roles, by role id, e.g. {president: 张三}: procgen approve records the approver's name.",
    )
    controlled_from: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{7,40}$")] | None = Field(
        default=None,
        description=(
            "The git commit at which the documents came under control (the manual's first release): content"
            " committed before it counts as drafting, so the version rule compares with it at the latest."
        ),
    )



class ExternalFile(Strict):
    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    documents: list[ExternalDocument] = Field(min_length=1)


# --------------------------------------------------------------------------- forms


class _FieldBase(Strict):
    label: Text
    span: StrictInt = Field(default=1, ge=1, le=12, description="Grid columns this field spans.")
    hint: Text | None = None


class TextField(_FieldBase):
    type: Literal["text"]


class DateField(_FieldBase):
    type: Literal["date"]


class DateTimeField(_FieldBase):
    type: Literal["datetime"]


class NumberField(_FieldBase):
    type: Literal["number"]
    unit: Text | None = None


class ChoiceField(_FieldBase):
    type: Literal["choice"]
    options: list[Text] = Field(min_length=2)
    multiple: StrictBool = False


class CheckboxField(_FieldBase):
    type: Literal["checkbox"]


class TextareaField(_FieldBase):
    type: Literal["textarea"]
    lines: StrictInt = Field(ge=1, le=40)


class PhotoField(_FieldBase):
    type: Literal["photo"]


class SignatureField(_FieldBase):
    type: Literal["signature"]
    date: StrictBool = Field(default=True, description="Print a date box beside the signature.")


def _field_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        return v.get("type")
    return getattr(v, "type", None)


FormField = Annotated[
    Annotated[TextField, Tag("text")] | Annotated[DateField, Tag("date")] | Annotated[DateTimeField, Tag("datetime")] | Annotated[NumberField, Tag("number")] | Annotated[ChoiceField, Tag("choice")] | Annotated[CheckboxField, Tag("checkbox")] | Annotated[TextareaField, Tag("textarea")] | Annotated[SignatureField, Tag("signature")] | Annotated[PhotoField, Tag("photo")],
    Discriminator(_field_tag),
]


class Column(Strict):
    label: Text
    width: StrictInt = Field(default=1, ge=1, le=12, description="Relative width.")


class RuledTable(Strict):
    """A ruled table with a header row and a number of blank rows to fill in by hand."""

    title: Text | None = None
    columns: list[Column] = Field(min_length=1)
    rows: StrictInt = Field(ge=1, le=MAX_TABLE_ROWS, description="Number of blank rows.")
    numbered: StrictBool = Field(default=False, description="Print 1, 2, 3 … in the first column.")
    row_labels: list[Text] = Field(default_factory=list, description="Pre-printed first-column labels.")


class RowBlock(Strict):
    row: list[FormField] = Field(min_length=1)


class TableBlock(Strict):
    table: RuledTable


class NoteBlock(Strict):
    note: Text
    basis: Basis | None = Field(default=None, description="Where the seed states the rule (quote) or a proposal; the check asks for one.")


class SectionBlock(Strict):
    section: Text
    blocks: list[FormBlock] = Field(min_length=1)


def _block_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        for key in ("row", "table", "note", "section"):
            if key in v:
                return key
        return None
    for key, cls in (("row", RowBlock), ("table", TableBlock), ("note", NoteBlock)):
        if isinstance(v, cls):
            return key
    return "section" if isinstance(v, SectionBlock) else None


FormBlock = Annotated[
    Annotated[RowBlock, Tag("row")] | Annotated[TableBlock, Tag("table")] | Annotated[NoteBlock, Tag("note")] | Annotated[SectionBlock, Tag("section")],
    Discriminator(
        _block_tag,
        custom_error_type="form_block",
        custom_error_message="表单块须以 row、table、note 或 section 之一为键",
    ),
]
SectionBlock.model_rebuild()


class Retention(Strict):
    """How long a filled form is kept, by whom, where."""

    period: Duration | None = Field(default=None, description="ISO 8601, e.g. P2Y.")
    permanent: StrictBool = False
    keeper: Ref = Field(description="Role or department id that keeps the record.")
    location: Text | None = Field(default=None, description="Where it is kept, e.g. 项目处.")
    handover: Deadline | None = Field(default=None, description="When filled forms are handed in.")
    basis: Basis | None = Field(default=None, description="Where the seed states the period (quote) or a proposal; the check asks for one.")

    @model_validator(mode="after")
    def _period_or_permanent(self) -> Retention:
        if bool(self.period) == self.permanent:
            raise ValueError("保存期限须二选一：period（如 P2Y）或 permanent: true")
        return self


class FormSchema(Strict):
    """A blank form or record sheet."""

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    id: Slug
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,}(-[A-Z0-9]+)+$")]
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    version: Version
    procedure: Ref = Field(description="Id of the document that owns this form.")
    retention: Retention
    orientation: Literal["portrait", "landscape"] = "portrait"
    filled_by: list[Ref] = Field(default_factory=list, description="Roles that fill in this form.")
    numbered: StrictBool = Field(default=True, description="Print a No.: box in the header.")
    card: StrictBool = Field(
        default=False,
        description="The first section is a card-size pass (ISO/IEC 7810 ID-1, 85.6 × 54 mm) with cut marks, its note on the back; the rest is the stub.",
    )
    layout: list[FormBlock] = Field(min_length=1)
    design: Basis | None = Field(
        default=None, description="Where the seed gives the form's fields (quote), or a proposal of the layout; the check asks for one."
    )
    revisions: list[Revision] = Field(
        default_factory=list, description="Revision entries: one for each version after the first (the version rule asks for it)."
    )


def _check_date(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        raise ValueError("须为日期（YYYY-MM-DD），不含时间")
    return v


DURATION_RE = re.compile(DURATION_PATTERN)

FILE_MODELS: dict[str, type[BaseModel]] = {
    "document": Document,
    "company": CompanyFile,
    "roles": RolesFile,
    "external": ExternalFile,
    "form": FormSchema,
}
