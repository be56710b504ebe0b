"""The validated catalog: every definition, cross-linked, with the derived views both renderers use.

Templates only lay out what is computed here: numbering labels, anchors, the pieces of text that
link to another document, next review dates, and the views by role, by target, by deadline,
the records register, the master list and the company-wide matrix.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from generator.model.document import Deadline, Revision, Target
from generator.model.form import FormSchema

if TYPE_CHECKING:
    pass


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


REVIEW_STATUS_NAMES = {"overdue": "评审已逾期", "soon": "即将到期", "ok": "按期"}


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


_EVERY_WORDS = {
    "P1D": "每天",
    "P1W": "每周",
    "P2W": "每两周",
    "P1M": "每月",
    "P2M": "每两个月",
    "P3M": "每季度",
    "P6M": "每半年",
    "P1Y": "每年",
}
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


def retention_text(form: FormSchema) -> str:
    if form.retention.permanent:
        return "永久保存"
    return f"保存{duration_text(form.retention.period or '')}"


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
