"""Each role's recurring duties, derived from the catalog's deadlines: what a calendar shows.

A deadline is either *recurring* (it falls on the calendar by itself: 每周一、周四 8:30–8:50, 每月月底,
每季度末, 两个月一次, 六月和十一月, 下一季度10号前) or *event-relative* (it starts when something
happens: 投诉处理完毕后3天内, 董事会召开2周前, 合同执行期的中期阶段) or a *restriction* (不得在周六、周日及
节假日). Only the first kind becomes a calendar event; the others are listed on the role's page.

Every recurrence is read as the document says it, in iCalendar RRULE terms (RFC 5545):

- a day and time of the week: ``FREQ=WEEKLY;BYDAY=MO,TH`` from 08:30 to 08:50;
- a window at the start of the month in working days (每月月初3个工作日内): an all-day event on the
  first working day, ``FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1``, whose description gives the
  window. Why not one event spanning the window: three working days are three to five calendar days
  (a weekend may fall inside), and a recurring event has one fixed length, so a span would be wrong in
  most months; the first working day is exact in every month and is when the reminder is useful;
- the end of a month, quarter, half year or year: the last day, ``BYMONTHDAY=-1`` in the months that
  end the period (``FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1`` is 每季度末);
- every N days, weeks, months or years with no day given (每周一次, 两个月一次, 半年一次): the document
  fixes the period, not the day, so the event is an all-day marker on the first day of each period
  (Monday; the 1st of the month), said so in its description; months and years are counted in
  calendar periods (两个月一次: January–February, March–April …);
- fixed months (六月和十一月): ``FREQ=YEARLY;BYMONTH=6,11``, a marker on the 1st of each;
- a due day in the next period (下一季度10号前): ``FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=10``;
- 不定期（一般每月一次）: the usual recurrence, marked tentative (``STATUS:TENTATIVE``) and said to be
  the usual one, not a fixed date.

Public holidays (and China's make-up working days) follow no rule a calendar can state: "working day"
here is Monday to Friday, and the description says so.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from generator import paths
from generator.catalog.views import Catalog, DeadlineEntry, Link, Section
from generator.model.document import Deadline

TIMEZONE = "Asia/Shanghai"
"""The company's time zone: every timed event is in it (北京时间)."""

COMPANY_CALENDAR = "index"
"""The whole company's calendar is calendar/index.ics: ``index`` is a reserved id (E209), so no role's
calendar can ever take its name (a role ``company`` exists: 公司 as a party of its own)."""

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKING_DAYS = WEEKDAY_CODES[:5]
_WEEKDAY_NAMES = "一二三四五六日"
_MONTHS = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?$")
_WEEKS = re.compile(r"^P(\d+)W$")
_DAYS = re.compile(r"^P(\d+)D$")
_SUMMARY_CHARS = 30
_HEADING_CHARS = 8
_CLAUSE = re.compile(r"[，,；;：:]")


@dataclass(frozen=True)
class Rule:
    """A recurrence in RRULE terms, plus the day or time it is shown on."""

    freq: Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
    interval: int = 1
    byday: tuple[str, ...] = ()
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    start: str | None = None
    """Time of day, HH:MM, for a timed event; None for an all-day event."""
    end: str | None = None
    aligned_months: int = 0
    """For a rule every N months (N > 1): the first occurrence falls in a month m with (m - 1) % N == 0
    (periods counted from January), or m % N == 0 for a period's end."""
    period_end: bool = False
    shown: str = ""
    """How the calendar shows it, in words: 每周一、周四 8:30–8:50; 每月第一个工作日（周一至周五）…"""

    def parts(self) -> dict[str, object]:
        """The RRULE as icalendar's vRecur takes it."""
        rule: dict[str, object] = {"freq": self.freq}
        if self.interval > 1:
            rule["interval"] = self.interval
        if self.bymonth:
            rule["bymonth"] = list(self.bymonth)
        if self.bymonthday:
            rule["bymonthday"] = list(self.bymonthday)
        if self.byday:
            rule["byday"] = list(self.byday)
        if self.bysetpos:
            rule["bysetpos"] = list(self.bysetpos)
        return rule


@dataclass
class CalendarEntry:
    """One recurring fact of the manual as a calendar event."""

    uid: str
    summary: str
    rule: Rule
    deadline: Deadline
    reading: str
    """The catalog's reading of the deadline (每季度末, 不定期（一般每月一次）)."""
    entry: DeadlineEntry
    owners: list[Link]
    usual: bool = False

    @property
    def cite(self) -> str:
        return self.entry.section.cite

    @property
    def anchor(self) -> str:
        return self.entry.row.anchor if self.entry.row is not None else self.entry.section.anchor


@dataclass
class RoleCalendar:
    """What one role's calendar holds, and the deadlines of the role that cannot be in it."""

    link: Link
    path: str
    """Site-root path of the .ics file: calendar/<role>.ics."""
    entries: list[CalendarEntry] = field(default_factory=list)
    relative: list[DeadlineEntry] = field(default_factory=list)
    """Deadlines counted from an event (投诉处理完毕后3天内) or tied to occasions: on the page, not in the calendar."""
    restrictions: list[DeadlineEntry] = field(default_factory=list)
    """Days on which something must not happen (不得在周六、周日及节假日)."""

    @property
    def shown(self) -> bool:
        """The role's page has something to say about its calendar."""
        return bool(self.entries or self.relative or self.restrictions)


def _months(value: str) -> int | None:
    match = _MONTHS.match(value)
    if not match or not (match.group(1) or match.group(2)):
        return None
    return int(match.group(1) or 0) * 12 + int(match.group(2) or 0)


def _weekdays_text(days: list[int]) -> str:
    return "、".join(f"周{_WEEKDAY_NAMES[d - 1]}" for d in days)


def _time_text(value: str) -> str:
    return "–".join(part[1:] if part.startswith("0") else part for part in value.split("-"))


def _period_name(months: int) -> str:
    return {1: "每月", 2: "每两个月", 3: "每季度", 6: "每半年", 12: "每年"}.get(months, f"每{months}个月")


def _period_ends(months: int) -> tuple[int, ...]:
    return tuple(range(months, 13, months))


def _last_days(ends: tuple[int, ...], start: str | None, end: str | None, at: str) -> Rule:
    """The last day of each of the months ``ends``, every year (quarter-end, half-year-end, a month-end
    every few months)."""
    return Rule(
        "YEARLY",
        bymonth=ends,
        bymonthday=(-1,),
        start=start,
        end=end,
        shown=f"{'、'.join(f'{m}月' for m in ends)}的最后一天{at}",
    )


def _period_starts(months: int) -> tuple[int, ...]:
    return tuple(range(1, 13, months))


def rule_of(deadline: Deadline) -> Rule | None:
    """The recurrence a deadline states, or None when it is not on the calendar by itself.

    >>> rule_of(Deadline(label="每季度末", every="P3M", window="quarter-end")).parts()
    {'freq': 'YEARLY', 'bymonth': [3, 6, 9, 12], 'bymonthday': [-1]}
    >>> rule_of(Deadline(label="三天内", within="P3D", after="投诉处理完毕")) is None
    True
    """
    start, end = (deadline.time.split("-") + [None])[:2] if deadline.time else (None, None)
    at = f" {_time_text(deadline.time)}" if deadline.time else ""
    if deadline.weekdays:
        weeks = _WEEKS.match(deadline.every or "")
        interval = int(weeks.group(1)) if weeks else 1
        days = sorted(set(deadline.weekdays))
        every = "每" if interval == 1 else f"每{interval}周的"
        return Rule(
            "WEEKLY",
            interval,
            byday=tuple(WEEKDAY_CODES[d - 1] for d in days),
            start=start,
            end=end,
            shown=f"{every}{_weekdays_text(days)}{at}",
        )
    if deadline.every:
        return _every(deadline, start, end, at)
    if deadline.months:
        months = tuple(sorted(set(deadline.months)))
        return Rule(
            "YEARLY",
            bymonth=months,
            bymonthday=(1,),
            start=start,
            end=end,
            shown=f"每年{'、'.join(f'{m}月' for m in months)}（文件未定日期，提醒在该月1日）{at}".rstrip(),
        )
    if deadline.due:
        day = deadline.due.day
        period = deadline.due.period
        if period == "next-week":
            weekday = min(day, 7)
            return Rule(
                "WEEKLY", byday=(WEEKDAY_CODES[weekday - 1],), shown=f"每周{_WEEKDAY_NAMES[weekday - 1]}前（下一周）"
            )
        span = {"next-month": 1, "next-quarter": 3, "next-year": 12}[period]
        if span == 1:
            return Rule("MONTHLY", bymonthday=(day,), shown=f"每月{day}日前（上月的）")
        return Rule(
            "YEARLY",
            bymonth=_period_starts(span),
            bymonthday=(day,),
            shown=f"{'、'.join(f'{m}月' for m in _period_starts(span))}的{day}日前（上一{'季度' if span == 3 else '年'}的）",
        )
    return None


def _every(deadline: Deadline, start: str | None, end: str | None, at: str) -> Rule | None:
    every = deadline.every or ""
    months = _months(every)
    weeks = _WEEKS.match(every)
    days = _DAYS.match(every)
    window = deadline.window
    if window in ("quarter-end", "half-year-end", "year-end"):
        span = {"quarter-end": 3, "half-year-end": 6, "year-end": 12}[window]
        step = max(span, months or span)
        if 12 % step == 0:
            ends = _period_ends(step)
            return _last_days(ends, start, end, at)
        return Rule(
            "MONTHLY",
            step,
            bymonthday=(-1,),
            start=start,
            end=end,
            aligned_months=step,
            period_end=True,
            shown=f"每{step}个月的最后一天{at}",
        )
    if months is not None:
        name = _period_name(months)
        if window == "month-end" and months > 1 and 12 % months == 0:
            ends = _period_ends(months)
            return _last_days(ends, start, end, at)
        if window == "month-end":
            return Rule(
                "MONTHLY",
                months,
                bymonthday=(-1,),
                start=start,
                end=end,
                aligned_months=months,
                period_end=True,
                shown=f"{name}的最后一天{at}",
            )
        if window == "month-start" and deadline.working_days:
            n = deadline.working_days
            return Rule(
                "MONTHLY",
                months,
                byday=WORKING_DAYS,
                bysetpos=(1,),
                start=start,
                end=end,
                aligned_months=months,
                shown=f"{name}第一个工作日（周一至周五）提醒，须在前{n}个工作日内完成{at}",
            )
        if months % 12 == 0:
            return Rule(
                "YEARLY",
                months // 12,
                bymonth=(1,),
                bymonthday=(1,),
                start=start,
                end=end,
                shown=f"{name}（文件未定日期，提醒在1月1日）{at}",
            )
        marker = "月初" if window == "month-start" else "文件未定日期"
        if months > 1 and 12 % months == 0:
            firsts = _period_starts(months)
            return Rule(
                "YEARLY",
                bymonth=firsts,
                bymonthday=(1,),
                start=start,
                end=end,
                shown=f"{name}（{marker}，提醒在{'、'.join(f'{m}月' for m in firsts)}的1日）{at}",
            )
        return Rule(
            "MONTHLY",
            months,
            bymonthday=(1,),
            start=start,
            end=end,
            aligned_months=months,
            shown=f"{name}（{marker}，提醒在{'该周期第一个月的' if months > 1 else ''}1日）{at}",
        )
    if weeks:
        return Rule(
            "WEEKLY",
            int(weeks.group(1)),
            byday=("MO",),
            start=start,
            end=end,
            shown=f"{'每周' if weeks.group(1) == '1' else f'每{weeks.group(1)}周'}（文件未定星期几，提醒在周一）{at}",
        )
    if days:
        return Rule(
            "DAILY",
            int(days.group(1)),
            start=start,
            end=end,
            shown=f"{'每天' if days.group(1) == '1' else f'每{days.group(1)}天'}{at}",
        )
    return None


def is_restriction(deadline: Deadline) -> bool:
    return bool(deadline.not_on) and rule_of(deadline) is None


def summary_of(entry: DeadlineEntry) -> str:
    """What the event is called: the meeting, the clause's title, a heading-like first sentence
    (管理处晨会。), else the first part of the sentence that states the deadline."""
    if entry.meeting is not None:
        return entry.meeting.meeting.name
    if entry.row is not None:
        return f"{entry.row.group}：{entry.row.content}"
    section: Section = entry.section
    if section.title:
        return section.title
    text = section.paragraphs[0].text if section.paragraphs else ""
    first, dot, _ = text.partition("。")
    if dot and 0 < len(first) <= _HEADING_CHARS:
        return first
    activity = entry.activity.rstrip("…")
    clause = _CLAUSE.split(activity, maxsplit=1)[0].strip()
    clause = clause or activity
    return clause if len(clause) <= _SUMMARY_CHARS else clause[:_SUMMARY_CHARS] + "…"


def _uid(entry: DeadlineEntry, index: int) -> str:
    """Stable for a fact: the document, the clause (or table row), the meeting, the deadline's own words,
    and which of identical ones it is. Rebuilding never changes it, so a subscribed phone updates the
    event instead of adding another."""
    key = "\x1f".join(
        [
            entry.document.id,
            entry.section.anchor,
            entry.row.anchor if entry.row else "",
            entry.meeting.meeting.name if entry.meeting else "",
            entry.deadline.deadline.label,
            str(index),
        ]
    )
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{entry.document.document.code}-{digest}@procgen"


def calendar_entries(catalog: Catalog) -> list[CalendarEntry]:
    """Every recurring fact of the manual, once, in document order."""
    seen: dict[str, int] = {}
    out = []
    for entry in catalog.deadlines:
        deadline = entry.deadline.deadline
        rule = rule_of(deadline)
        if rule is None:
            continue
        base = _uid(entry, 0)
        seen[base] = seen.get(base, -1) + 1
        out.append(
            CalendarEntry(
                _uid(entry, seen[base]),
                summary_of(entry),
                rule,
                deadline,
                entry.deadline.rule,
                entry,
                list(entry.deadline.owners),
                usual=deadline.usually,
            )
        )
    return out


def role_calendars(catalog: Catalog, entries: list[CalendarEntry]) -> dict[str, RoleCalendar]:
    """Each role's calendar (recurring facts it owns) and the deadlines it must keep that are not
    calendar events, keyed by role id."""
    out: dict[str, RoleCalendar] = {}
    for role in catalog.roles:
        cal = RoleCalendar(role.link, paths.calendar(role.id))
        cal.entries = [e for e in entries if any(o.id == role.id for o in e.owners)]
        for entry in role.deadlines:
            deadline = entry.deadline.deadline
            if rule_of(deadline) is not None:
                continue
            (cal.restrictions if is_restriction(deadline) else cal.relative).append(entry)
        out[role.id] = cal
    return out


def company_calendar(catalog: Catalog, entries: list[CalendarEntry]) -> RoleCalendar:
    """The whole company's calendar: every recurring fact, whoever owns it."""
    name = catalog.company.short_name or catalog.company.name
    return RoleCalendar(Link("role", COMPANY_CALENDAR, name), paths.calendar(COMPANY_CALENDAR), entries)
