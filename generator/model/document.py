"""Typed models of the YAML files: documents, roles, external documents and forms.

Every model forbids unknown keys, so a misspelt key is an error at its line rather than
silently ignored. Numbering is never stored: it is derived from the nesting (see
``numbering.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from generator.model.base import Basis, Duration, Number, Ref, RoleBasis, Slug, Strict, Text, Version, _check_date
from generator.model.kinds import DocumentKind

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


class Target(Strict):
    """A measurable target stated by the text, e.g. 客户满意率95%以上 -> 客户满意率 >= 95 %;
    a range, e.g. 5-8分钟 -> {op: between, value: 5, max: 8, unit: 分钟}."""

    metric: Text = Field(description="What is measured, e.g. 客户满意率.")
    op: Operator = Field(description="Comparison: >=, <=, =, >, <, or between (value to max).")
    value: Number = Field(description="The number, without unit, e.g. 95 (the lower bound of a range).")
    max: Number | None = Field(default=None, description="The upper bound of a range (op: between).")
    unit: Text = Field(description="Unit, e.g. % or 次.")
    role: Ref | None = Field(
        default=None,
        description="Role accountable; without it, the roles of the node, the table row or the nearest ancestor.",
    )
    label: Text | None = Field(
        default=None, description="The phrase as written in the text, e.g. 95%以上 (checked against the clause)."
    )
    basis: Basis | None = Field(
        default=None, description="Only when the clause does not state it: a quote from elsewhere, or a proposal."
    )

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
    window: Window | None = Field(
        default=None, description="When in each period: month-start (月初), month-end (月底) …"
    )
    working_days: StrictInt | None = Field(
        default=None, ge=1, le=31, description="Within this many working days of the window."
    )
    weekdays: list[Weekday] | None = Field(default=None, description="Days of the week it takes place (周一 = 1).")
    time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d(-([01]\d|2[0-3]):[0-5]\d)?$")] | None = (
        Field(default=None, description="Time of day, HH:MM or HH:MM-HH:MM.")
    )
    at: list[Text] | None = Field(default=None, description="The occasions, as written (中期阶段, 结束后).")
    not_on: list[Weekday] | None = Field(default=None, description="Days of the week on which it must not happen.")
    holidays: StrictBool = Field(default=False, description="With not_on: public holidays too.")
    months: list[Annotated[StrictInt, Field(ge=1, le=12)]] | None = None
    due: DueDay | None = None
    role: Ref | None = Field(
        default=None,
        description="Role that must meet the deadline; without it, the roles of the node, the table row or the nearest ancestor.",
    )
    basis: Basis | None = Field(
        default=None, description="Only when the clause does not state it: a quote from elsewhere, or a proposal."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Deadline:
        if not (
            self.within
            or self.every
            or self.months
            or self.due
            or self.ahead
            or self.weekdays
            or self.at
            or self.not_on
        ):
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
    deadlines: list[Deadline] = Field(
        default_factory=list, description="Other deadlines of the meeting, e.g. 议题两周前发放."
    )
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
        default_factory=list,
        description="Counts that call for action when reached (连续投诉两次以上 -> {op: '>=', value: 2, unit: 次}).",
    )
    refs: list[Ref] = Field(
        default_factory=list,
        description="Forms or documents used, by id, that the text does not name in 《》 (those are derived).",
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
    changes: list[Text] = Field(
        default_factory=list, description="Each change of the text (a typo fixed, a line joined), one line each."
    )
    data_changes: list[Text] = Field(
        default_factory=list,
        description="Each correction of the structured data (roles, targets, deadlines, matrix, records) that leaves the text as it is.",
    )
    approver: Ref | None = None
    approved_by: Text | None = Field(
        default=None, description="The person who approved, when the company configures names (company.yml people)."
    )
    approvals: list[Text] = Field(
        default_factory=list,
        description="Proposals approved in this version, one line each (procgen approve writes them).",
    )
    rejections: list[Text] = Field(
        default_factory=list, description="Proposals rejected and removed in this version, one line each."
    )
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
    basis: Basis | None = Field(
        default=None, description="Where the document states the activity: quote (its words) or a proposal."
    )
    role_basis: RoleBasis
    R: list[Ref] = Field(default_factory=list)
    A: Ref | list[Ref] | None = None
    C: list[Ref] = Field(default_factory=list)
    I: list[Ref] = Field(default_factory=list)  # noqa: E741 - RACI letter


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
