"""generator/catalog/numbering.py: labels come from a node's place, never from the YAML."""

from __future__ import annotations

import pytest
from conftest import TODAY, VALID

from generator.catalog.numbering import DEFAULT_STYLES, UNNUMBERED, child_style, chinese_number, label, latin_letter
from generator.check.run import check

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (12, "十二"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (26, "二十六"),
        (30, "三十"),
        (99, "九十九"),
    ],
)
def test_chinese_number(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_chinese_number_outside_the_usual_range() -> None:
    assert chinese_number(0) == "0"
    assert chinese_number(100) == "100"


@pytest.mark.parametrize(("n", "text"), [(1, "a"), (2, "b"), (26, "z"), (27, "aa"), (28, "ab"), (52, "az"), (53, "ba")])
def test_latin_letter(n: int, text: str) -> None:
    assert latin_letter(n) == text


@pytest.mark.parametrize(
    ("style", "n", "numbers", "text"),
    [
        ("part", 1, (1,), "第一部分"),
        ("part", 2, (2,), "第二部分"),
        ("cn", 1, (1,), "一、"),
        ("cn", 21, (21,), "二十一、"),
        ("cn-paren", 1, (1,), "（一）"),
        ("cn-paren", 11, (11,), "（十一）"),
        ("arabic", 1, (1,), "1、"),
        ("arabic", 26, (26,), "26、"),
        ("arabic-dot", 10, (10,), "10."),
        ("arabic-paren", 8, (8,), "（8）"),
        ("latin", 1, (1,), "a、"),
        ("latin-dot", 6, (6,), "f."),
        ("latin-paren", 1, (4, 1, 1, 1), "a)"),
        ("latin-paren", 5, (4, 1, 4, 5), "e)"),
        ("decimal", 1, (4, 1), "4.1"),
        ("decimal", 1, (4, 1, 1), "4.1.1"),
        ("decimal", 7, (4, 1, 1, 7), "4.1.1.7"),
        ("decimal-zero", 1, (1,), "1.0"),
        ("decimal-zero", 6, (6,), "6.0"),
        ("triangle", 3, (), "△"),
        ("bullet", 3, (), "•"),
        ("none", 3, (), ""),
    ],
)
def test_label(style: str, n: int, numbers: tuple[int, ...], text: str) -> None:
    assert label(style, n, numbers) == text


def test_unnumbered_styles() -> None:
    assert UNNUMBERED == {"triangle", "bullet", "none"}


def test_child_style_named_or_by_depth() -> None:
    assert child_style("latin-paren", 0) == "latin-paren"
    assert [child_style(None, depth) for depth in range(6)] == ["cn", "cn-paren", "arabic", "latin", "latin", "latin"]
    assert DEFAULT_STYLES == ("cn", "cn-paren", "arabic", "latin")


def test_labels_derived_for_the_valid_fixture() -> None:
    catalog = check(VALID, when=TODAY).catalog
    assert catalog is not None
    labels = {d.id: [(s.label, s.title or s.paragraphs[0].text[:6]) for s in d.walk()] for d in catalog.documents}
    visit = labels["return-visit"]
    assert visit[:4] == [("1.0", "目的"), ("2.0", "程序要点"), ("2.1", "项目经理助理"), ("2.1.1", "回访时间安排")]
    assert ("a)", "投诉事件的回") in visit and ("c)", "维修回访在2") in visit
    assert ("2.1.2", "回访率：") in visit and ("2.5", "《回访记录表") in visit
    assert ("", "《程序文件1") in visit  # style none: no label
    comm = labels["communication"]
    assert comm[0] == ("第一部分", "公司内部沟通")
    assert ("一、", "管理者代表负") in comm and ("二、", "沟通的层次") in comm and ("（一）", "部门间的交流") in comm
    assert ("1、", "部门间在有必") in comm and ("a、", "参与对方例会") in comm and ("b、", "与对方主管人") in comm
    assert ("1.", "一般会议时间") in comm and ("（1）", "服务前的沟通") in comm and ("a.", "告示、通知；") in comm
    assert ("△", "客户回访；") in comm and ("•", "严格按照程序") in comm and ("第二部分", "与客户的沟通") in comm
    meetings = next(s for d in catalog.documents for s in d.walk() if s.meetings).meetings
    assert [m.label for m in meetings] == ["a、", "b、"]
    assert labels["customer-service"][0] == ("一、", "客户服务内容及服务标准")


def test_numbering_restarts_in_each_list_and_skips_unnumbered_levels() -> None:
    catalog = check(VALID, when=TODAY).catalog
    assert catalog is not None
    comm = catalog.document("communication")
    after_triangle = [s.label for s in comm.walk() if s.style == "triangle"]
    assert after_triangle == ["△", "△"]
    arabic_paren = [s.label for s in comm.walk() if s.style == "arabic-paren"]
    assert arabic_paren == ["（1）", "（2）", "（3）"]
