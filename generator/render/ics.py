"""Calendars of recurring duties as iCalendar files (RFC 5545), written with the icalendar library.

site/calendar/<role>.ics holds the recurring facts a role owns, site/calendar/index.ics every recurring
fact of the company (see generator/catalog/recurrence.py for how each recurrence is read). The same commit gives
the same bytes: DTSTAMP is the build's date (SOURCE_DATE_EPOCH or the commit's time), each event starts
with the first occurrence on or after its document's effective date, and UIDs come from the facts.
Every file is parsed back before it is written.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from dateutil import rrule as du
from icalendar import Calendar, Event, Timezone, vDuration

from generator.catalog.recurrence import TIMEZONE, CalendarEntry, RoleCalendar, Rule
from generator.catalog.views import Catalog
from generator.errors import UserError
from generator.manual import Manual
from generator.source.files import write_atomic

FREQS: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "DAILY": du.DAILY,
    "WEEKLY": du.WEEKLY,
    "MONTHLY": du.MONTHLY,
    "YEARLY": du.YEARLY,
}
WEEKDAYS = {"MO": du.MO, "TU": du.TU, "WE": du.WE, "TH": du.TH, "FR": du.FR, "SA": du.SA, "SU": du.SU}
REFRESH = "P1D"
"""How often a subscribed phone fetches the calendar again."""


class CalendarError(UserError):
    """A calendar that does not read back as it was written (a bug, never the user's mistake)."""


def _rrule(rule: Rule, start: dt.datetime) -> du.rrule:
    return du.rrule(
        FREQS[rule.freq],
        dtstart=start,
        interval=rule.interval,
        byweekday=[WEEKDAYS[d] for d in rule.byday] or None,
        bymonth=list(rule.bymonth) or None,
        bymonthday=list(rule.bymonthday) or None,
        bysetpos=list(rule.bysetpos) or None,
    )


def first_day(rule: Rule, effective: dt.date) -> dt.date:
    """The first occurrence on or after ``effective`` (DTSTART must be an occurrence itself). A rule every
    N months starts in a month counted from January (两个月一次: January, March …; its end: February …)."""
    start = dt.datetime(effective.year, effective.month, 1 if rule.aligned_months else effective.day)
    n = rule.aligned_months
    for _ in range(64):
        if n:
            month0 = start.year * 12 + start.month - 1
            offset = (month0 + 1) % n if rule.period_end else month0 % n
            if offset:
                month0 += n - offset
                start = dt.datetime(month0 // 12, month0 % 12 + 1, 1)
        day = _rrule(rule, start)[0].date()
        if day >= effective:
            return day
        month0 = start.year * 12 + start.month - 1 + max(n, 1)
        start = dt.datetime(month0 // 12, month0 % 12 + 1, 1)
    raise CalendarError(f"无法确定首次日期：{rule}")


def _time(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _description(entry: CalendarEntry, url: str, owners: str) -> str:
    doc = entry.entry.document.document
    section = entry.entry.section
    lines = [
        f"{doc.code} {section.full_title or doc.title}（{doc.title}）",
        f"原文：{entry.deadline.label}",
        f"日历中：{entry.rule.shown}",
    ]
    if entry.usual:
        lines.append("文件说“不定期”：这是通常的频次，不是固定日期。")
    if entry.rule.byday and set(entry.rule.byday) <= set(("MO", "TU", "WE", "TH", "FR")) and entry.rule.bysetpos:
        lines.append("工作日按周一至周五计；节假日与调休请自行顺延。")
    lines.append(f"负责：{owners}")
    text = " ".join(p.text for p in section.paragraphs)
    if text:
        lines.append(f"条款：{text}")
    lines.append(f"手册：{url}")
    return "\n".join(lines)


def _event(entry: CalendarEntry, stamp: dt.datetime, url: str, absolute: bool, company: bool) -> Event:
    rule = entry.rule
    owners = "、".join(o.title for o in entry.owners)
    summary = entry.summary
    if entry.usual:  # 不定期（一般每月一次） -> 部门之间的交流会（不定期，一般每月一次）
        summary += "（" + entry.reading.replace("（", "，").replace("）", "") + "）"
    elif rule.start is None and entry.deadline.label not in summary and entry.reading not in summary:
        summary += f"（{entry.reading}）"
    if company:
        summary += f" · {owners}"
    day = first_day(rule, entry.entry.document.document.effective)
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    if rule.start is not None:
        tz = zoneinfo.ZoneInfo(TIMEZONE)
        event.add("dtstart", dt.datetime.combine(day, _time(rule.start), tzinfo=tz))
        if rule.end is not None:
            event.add("dtend", dt.datetime.combine(day, _time(rule.end), tzinfo=tz))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add("rrule", rule.parts())
    event.add("status", "TENTATIVE" if entry.usual else "CONFIRMED")
    event.add("categories", [entry.entry.document.document.code])
    event.add("description", _description(entry, url, owners))
    if absolute:
        event.add("url", url)
    return event


def calendar_bytes(
    calendar: RoleCalendar,
    catalog: Catalog,
    stamp: dt.datetime,
    clause_url: Callable[[CalendarEntry], str],
    *,
    company: bool = False,
    base_url: str = "",
) -> bytes:
    """One calendar as .ics bytes, read back before they are returned.

    ``clause_url`` gives an entry's page and anchor from the site's root ("procedures/return-visit/#s4-6");
    with ``base_url`` (mkdocs.yml ``site_url``) each event also carries it as an absolute URL."""
    short = catalog.company.short_name or catalog.company.name
    name = f"{short} · 全公司定期事项" if company else f"{calendar.link.title} · 定期事项（{short}）"
    cal = Calendar()
    cal.add("prodid", f"-//{catalog.company.name}//procgen {catalog.company.manual_title}//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add(
        "x-wr-caldesc",
        f"{catalog.company.manual_title}中{calendar.link.title}的定期事项；由手册生成，请勿在日历中修改。",
    )
    cal.add("x-wr-timezone", TIMEZONE)
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(dt.timedelta(days=1)))
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    events = []
    for entry in calendar.entries:
        path = clause_url(entry)
        absolute = bool(base_url)
        url = base_url.rstrip("/") + "/" + path if absolute else path
        events.append(_event(entry, stamp, url, absolute, company))
    timed = [e.decoded("dtstart") for e in events if isinstance(e.decoded("dtstart"), dt.datetime)]
    if timed:
        cal.add_component(_timezone(min(timed).date()))
    for event in events:
        cal.add_component(event)
    data = cal.to_ical()
    check_calendar(data, [e.uid for e in calendar.entries])
    return data


def _timezone(first: dt.date) -> Timezone:
    """VTIMEZONE of the company's zone from the tz database, from the first timed event on (Asia/Shanghai
    has kept +08:00 since 1991: one STANDARD component)."""
    tz = Timezone.from_tzid(TIMEZONE, first_date=first, last_date=first + dt.timedelta(days=366 * 30))
    tz.pop("COMMENT", None)
    return tz


def check_calendar(data: bytes, uids: list[str]) -> None:
    """Parse ``data`` back: one event per fact, in order, each with its rule."""
    try:
        parsed = Calendar.from_ical(data)
    except ValueError as exc:
        raise CalendarError(f"日历无法读回：{exc}") from exc
    events = list(parsed.walk("VEVENT"))
    got = [str(e.get("uid")) for e in events]
    if got != uids:
        raise CalendarError(f"日历读回的事件与写入的不同：{got} != {uids}")
    for event in events:
        if event.get("rrule") is None or event.get("dtstart") is None:
            raise CalendarError(f"事件 {event.get('uid')} 缺少 RRULE 或 DTSTART")


def write_calendars(
    manual: Manual,
    site: Path,
    stamp: dt.datetime,
    clause_url: Callable[[CalendarEntry], str],
    base_url: str = "",
) -> list[Path]:
    """site/calendar/<role>.ics for every role, and site/calendar/index.ics for the whole company."""
    written = []
    catalog = manual.catalog
    calendars = [(c, False) for c in manual.role_calendars.values()] + [(manual.company_calendar, True)]
    for calendar, company in calendars:
        target = site / calendar.path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = calendar_bytes(calendar, catalog, stamp, clause_url, company=company, base_url=base_url)
        write_atomic(target, data)
        written.append(target)
    return written
