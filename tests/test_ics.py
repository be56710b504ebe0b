"""Calendars of recurring duties (generator/catalog/recurrence.py, generator/render/ics.py), read back as a phone reads them.

Every recurring fact of tests/fixtures/seed/facts.yml (written from the seed, not from the YAML) must be
an event in each of its owners' calendars whose occurrences over a year are the ones the seed's words
give; event-relative deadlines must be in no calendar and on the owner's page instead.
"""

from __future__ import annotations

import calendar as stdcal
import datetime as dt
import re
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import MANUAL_PRINTED, MANUAL_TODAY, ROOT
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sitebuild import parse, resolve

from generator.catalog.recurrence import COMPANY_CALENDAR, rule_of
from generator.model.document import Deadline
from generator.paths import calendar as calendar_path
from generator.render.ics import calendar_bytes, write_calendars

pytestmark = pytest.mark.usefixtures("manual_today")

FACTS = yaml.safe_load((ROOT / "tests" / "fixtures" / "seed" / "facts.yml").read_text(encoding="utf-8"))
YEAR = MANUAL_TODAY.year + 1
"""A whole year after every document's effective date (2027: the latest versions take effect 2026-12-07)."""
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
STAMP = MANUAL_PRINTED


def _days(test) -> list[dt.date]:  # noqa: ANN001
    start = dt.date(YEAR, 1, 1)
    return [d for d in (start + dt.timedelta(n) for n in range(365)) if test(d)]


def _last(d: dt.date) -> bool:
    return d.day == stdcal.monthrange(d.year, d.month)[1]


def _first_weekday(d: dt.date) -> bool:
    return d.weekday() < 5 and all((d - dt.timedelta(n)).weekday() >= 5 for n in range(1, d.day))


def _at(days: list[dt.date], start: str, end: str) -> list[tuple[dt.datetime, dt.datetime]]:
    def moment(day: dt.date, hhmm: str) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=SHANGHAI)

    return [(moment(d, start), moment(d, end)) for d in days]


# The seed's words (as facts.yml prints them) -> the occurrences of YEAR they mean, worked out here by
# plain date arithmetic. A period with no day given is marked on its first day (Monday, the 1st).
OCCURRENCES = {
    "每周一、周四 8:30–8:50": _at(_days(lambda d: d.weekday() in (0, 3)), "08:30", "08:50"),
    "每月月初3个工作日内": _days(_first_weekday),
    "每周": _days(lambda d: d.weekday() == 0),
    "每天": _days(lambda d: True),
    "每月": _days(lambda d: d.day == 1),
    "不定期（一般每月一次）": _days(lambda d: d.day == 1),
    "每两个月": _days(lambda d: d.day == 1 and d.month % 2 == 1),
    "每季度": _days(lambda d: d.day == 1 and d.month in (1, 4, 7, 10)),
    "每半年": _days(lambda d: d.day == 1 and d.month in (1, 7)),
    "每年": [dt.date(YEAR, 1, 1)],
    "每月月底": _days(_last),
    "每季度末": _days(lambda d: _last(d) and d.month in (3, 6, 9, 12)),
    "每年6月、11月": [dt.date(YEAR, 6, 1), dt.date(YEAR, 11, 1)],
    "下一季度10日前": _days(lambda d: d.day == 10 and d.month in (1, 4, 7, 10)),
}
RELATIVE = re.compile(r"(后|前|内|之内|阶段|不得在)")
"""A fact that is not in OCCURRENCES is counted from an event (…后3天内, …2周前, 中期阶段) or restricts days."""


def recurring_facts() -> list[tuple[str, dict]]:
    return [
        (code, f)
        for code, facts in FACTS.items()
        for f in facts
        if f["kind"] == "deadline" and f["rule"] in OCCURRENCES
    ]


def relative_facts() -> list[tuple[str, dict]]:
    return [
        (code, f)
        for code, facts in FACTS.items()
        for f in facts
        if f["kind"] == "deadline" and f["rule"] not in OCCURRENCES
    ]


def expand(event) -> tuple:  # noqa: ANN001
    """The occurrences of YEAR, as a calendar app expands the event: its RRULE from its DTSTART."""
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    if isinstance(start, dt.datetime):
        length = event.decoded("dtend") - start
        lo = dt.datetime(YEAR, 1, 1, tzinfo=start.tzinfo)
        hi = dt.datetime(YEAR, 12, 31, 23, 59, tzinfo=start.tzinfo)
        return tuple((o, o + length) for o in rule.between(lo, hi, inc=True))
    lo, hi = dt.datetime(YEAR, 1, 1), dt.datetime(YEAR, 12, 31)
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dt.datetime.combine(start, dt.time()))
    return tuple(o.date() for o in rule.between(lo, hi, inc=True))


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def _signature(event) -> tuple:  # noqa: ANN001
    code = str(event["categories"].cats[0])
    return code, expand(event), str(event.get("status")) == "TENTATIVE"


@pytest.fixture(scope="module")
def calendars(manual, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: ANN001
    site = tmp_path_factory.mktemp("calendars")
    write_calendars(manual, site, STAMP, lambda e: f"procedures/{e.entry.document.id}/#{e.anchor}")
    return site / "calendar"


def test_the_seed_table_covers_the_kinds_of_recurrence() -> None:
    """Every deadline of facts.yml is either a recurrence above or read as counted from an event."""
    for _code, fact in relative_facts():
        assert RELATIVE.search(fact["rule"]), fact


def test_every_recurring_fact_is_in_its_owners_calendars_with_the_seeds_occurrences(calendars: Path) -> None:
    expected: dict[str, Counter] = {}
    for code, fact in recurring_facts():
        usual = fact["rule"].startswith("不定期")
        occurrences = tuple(OCCURRENCES[fact["rule"]])
        for owner in fact["owners"]:
            expected.setdefault(owner, Counter())[code, occurrences, usual] += 1
    assert len(expected) >= 10
    for owner, wanted in expected.items():
        got = Counter(_signature(e) for e in events((calendars / f"{owner}.ics").read_bytes()))
        missing, extra = wanted - got, got - wanted
        assert not missing and not extra, (
            f"{owner}: missing {[(c, r[:2]) for c, r, _ in missing]} extra {[(c, r[:2]) for c, r, _ in extra]}"
        )
    company = Counter(_signature(e) for e in events((calendars / "index.ics").read_bytes()))
    everyone = Counter(
        (code, tuple(OCCURRENCES[f["rule"]]), f["rule"].startswith("不定期")) for code, f in recurring_facts()
    )
    assert company == everyone


def test_no_calendar_holds_an_event_relative_deadline(calendars: Path) -> None:
    for path in calendars.glob("*.ics"):
        for event in events(path.read_bytes()):
            description = str(event["description"])
            label = description.split("原文：", 1)[1].split("\n", 1)[0]
            assert not re.search(r"处理完毕后|结束后|召开.*前|不得在", label), (path.name, label)


def test_morning_briefing_mondays_and_thursdays_8_30_to_8_50(calendars: Path) -> None:
    """Done when: 训话晨会 on Mondays and Thursdays 08:30–08:50, Beijing time."""
    [event] = [
        e for e in events((calendars / "company-leadership.ics").read_bytes()) if "训话晨会" in str(e["summary"])
    ]
    occurrences = expand(event)
    assert len(occurrences) == 104
    for start, end in occurrences:
        assert start.weekday() in (0, 3)
        assert (start.hour, start.minute, end.hour, end.minute) == (8, 30, 8, 50)
        assert start.utcoffset() == dt.timedelta(hours=8)
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    data = (calendars / "company-leadership.ics").read_bytes()
    [tz] = list(Calendar.from_ical(data).walk("VTIMEZONE"))
    assert str(tz["tzid"]) == "Asia/Shanghai"


def test_quarter_end_return_visit_statistics_for_property_officer(calendars: Path) -> None:
    """Done when: the quarter-end 回访统计 in 物管员's calendar."""
    [event] = events((calendars / "property-officer.ics").read_bytes())
    assert "回访结果进行统计" in str(event["summary"])
    assert expand(event) == (dt.date(YEAR, 3, 31), dt.date(YEAR, 6, 30), dt.date(YEAR, 9, 30), dt.date(YEAR, 12, 31))
    assert event["rrule"].to_ical() == b"FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=3,6,9,12"
    assert "WY-GL-11 4.6" in str(event["description"])
    assert "procedures/return-visit/#s4-6" in str(event["description"])


def test_month_start_window_is_a_reminder_on_the_first_working_day(calendars: Path) -> None:
    [event] = events((calendars / "president.ics").read_bytes())
    assert event["rrule"].to_ical() == b"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1"
    assert "前3个工作日内" in str(event["description"])
    assert event.decoded("dtstart") == dt.date(
        2027, 1, 1
    )  # the first month-start working day on or after 2026-12-07 (WY-GL-01 1.1)


def test_usual_recurrence_is_tentative_and_says_so(calendars: Path) -> None:
    [event] = [e for e in events((calendars / "admin-hr-dept.ics").read_bytes()) if "交流会" in str(e["summary"])]
    assert str(event["status"]) == "TENTATIVE"
    assert "不定期" in str(event["summary"]) and "不是固定日期" in str(event["description"])


def test_uids_are_stable_unique_and_shared_with_the_company_calendar(manual, calendars: Path) -> None:  # noqa: ANN001
    company = events((calendars / "index.ics").read_bytes())
    uids = [str(e["uid"]) for e in company]
    assert len(uids) == len(set(uids))
    for path in calendars.glob("*.ics"):
        assert {str(e["uid"]) for e in events(path.read_bytes())} <= set(uids)
    again = calendar_bytes(
        manual.company_calendar,
        manual.catalog,
        STAMP,
        lambda e: f"procedures/{e.entry.document.id}/#{e.anchor}",
        company=True,
    )
    assert again == (calendars / "index.ics").read_bytes()


def test_every_event_links_its_clause(manual) -> None:  # noqa: ANN001
    cal = manual.role_calendars["property-officer"]
    data = calendar_bytes(
        cal,
        manual.catalog,
        STAMP,
        lambda e: f"procedures/{e.entry.document.id}/#{e.anchor}",
        base_url="http://manual.intranet/",
    )
    [event] = events(data)
    assert str(event["url"]) == "http://manual.intranet/procedures/return-visit/#s4-6"


def test_relative_deadlines_are_listed_for_the_role_not_the_calendar(manual) -> None:  # noqa: ANN001
    cal = manual.role_calendars["project-manager-assistant"]
    assert not cal.entries
    rules = {e.deadline.rule for e in cal.relative}
    assert "投诉处理完毕后3天内" in rules and "急救工作结束后1周内" in rules
    assert manual.role_calendars["decoration-contractor"].restrictions


@pytest.mark.parametrize(
    ("deadline", "rrule"),
    [
        ({"label": "每两周周三", "every": "P2W", "weekdays": [3]}, {"freq": "WEEKLY", "interval": 2, "byday": ["WE"]}),
        ({"label": "每月初", "every": "P1M", "window": "month-start"}, {"freq": "MONTHLY", "bymonthday": [1]}),
        ({"label": "下月5日前", "due": {"period": "next-month", "day": 5}}, {"freq": "MONTHLY", "bymonthday": [5]}),
        (
            {"label": "每半年末", "every": "P6M", "window": "half-year-end"},
            {"freq": "YEARLY", "bymonth": [6, 12], "bymonthday": [-1]},
        ),
        ({"label": "每天9点", "every": "P1D", "time": "09:00"}, {"freq": "DAILY"}),
    ],
)
def test_rule_of_other_recurrences(deadline: dict, rrule: dict) -> None:
    rule = rule_of(Deadline.model_validate(deadline))
    assert rule is not None and rule.parts() == rrule


# --------------------------------------------------------------------------- the built site


def test_role_page_links_its_calendar_with_instructions(manual_site: Path) -> None:
    page = manual_site / "roles" / "property-officer" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "订阅日历" in html and "添加已订阅的日历" in html and "ICSx" in html
    links = [url for _tag, _attr, url in parse(page).urls if url.endswith(".ics")]
    assert links, "no calendar link"
    target, _ = resolve(manual_site, page, links[0])
    assert target == (manual_site / calendar_path("property-officer")).resolve()
    [event] = events(target.read_bytes())
    assert "回访结果进行统计" in str(event["summary"])


def test_role_page_lists_the_deadlines_not_in_its_calendar(manual_site: Path) -> None:
    html = (manual_site / "roles" / "project-manager-assistant" / "index.html").read_text(encoding="utf-8")
    section = html.split('id="not-in-calendar"', 1)[1]
    assert "投诉处理完毕后3天内" in section


def test_company_calendar_on_the_standards_page(manual_site: Path) -> None:
    page = manual_site / "standards" / "index.html"
    links = [url for _tag, _attr, url in parse(page).urls if url.endswith(".ics")]
    target, _ = resolve(manual_site, page, links[0])
    assert target == (manual_site / calendar_path(COMPANY_CALENDAR)).resolve()


def test_offline_variant_includes_the_calendars(offline_manual_site: Path) -> None:
    page = offline_manual_site / "roles" / "property-officer.html"
    links = [url for _tag, _attr, url in parse(page).urls if url.endswith(".ics")]
    target, _ = resolve(offline_manual_site, page, links[0])
    assert target.is_file() and events(target.read_bytes())
