"""generator/check/: each rule, each bad fixture at its line, and nothing else reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import INVALID, TODAY, VALID, build_repo, expectations, invalid_cases
from test_limits import HARDENING

from generator.check.registry import RULES
from generator.check.rules.content import REQUIRED_BY_KIND
from generator.check.run import check, today
from generator.source.problems import CODES

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeRepo = Callable[..., Path]


def found(root: Path, when: dt.date = TODAY) -> set[tuple[str, str, int]]:
    return {(p.path, p.code, p.line) for p in check(root, when=when).problems}


MEMO = """id: memo
code: WY-GL-04
title: 回访备忘
kind: {kind}
version: "1.0"
effective: 2024-02-23
owner: quality-dept
approver: president
review_months: 12
revisions:
  - {{version: "1.0", date: 2024-02-23, summary: 首次发布}}
{extra}body:
{body}"""


def memo(
    kind: str = "procedure", body: str = "  - text: 物管员负责回访。\n    roles: [property-officer]\n", extra: str = ""
) -> str:
    return MEMO.format(kind=kind, body=body, extra=extra)


# --------------------------------------------------------------------------- the valid fixture


def test_valid_fixture_has_no_problem_at_all() -> None:
    result = check(VALID, when=TODAY)
    assert result.problems == []
    assert result.ok and result.catalog is not None
    assert [d.id for d in result.catalog.documents] == ["return-visit", "communication", "customer-service"]
    assert {f.form.id for f in result.catalog.forms} == {"visit-record", "visit-receipt"}


def test_today_comes_from_procgen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    assert today() == TODAY
    monkeypatch.setenv("PROCGEN_TODAY", "2030-01-01")
    assert today() == dt.date(2030, 1, 1)
    monkeypatch.delenv("PROCGEN_TODAY")
    assert today() == dt.date.today()


def test_check_without_when_uses_procgen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(VALID).problems == []
    monkeypatch.setenv("PROCGEN_TODAY", "2030-01-01")
    codes = [p.code for p in check(VALID).problems]
    assert codes == ["W231", "W231", "W231"]  # every document overdue, still ok
    assert check(VALID).ok


def test_the_day_before_effective_is_the_future() -> None:
    assert ("procedures/01-return-visit.yml", "E230", 8) in found(VALID, dt.date(2024, 2, 22))
    assert not any(code == "E230" for _, code, _ in found(VALID, dt.date(2024, 3, 1)))


def test_review_due_is_last_revision_plus_interval() -> None:
    # 01: last revision 2024-03-01 + 12 months = 2025-03-01; 02: 2024-02-23 + 24 months; 03: + 12 months.
    def overdue(day: dt.date) -> set[str]:
        return {path for path, code, _ in found(VALID, day) if code == "W231"}

    assert overdue(dt.date(2025, 2, 23)) == set()
    assert overdue(dt.date(2025, 2, 24)) == {"procedures/03-customer-service.yml"}
    assert overdue(dt.date(2025, 3, 2)) == {"procedures/01-return-visit.yml", "procedures/03-customer-service.yml"}
    assert ("procedures/01-return-visit.yml", "W231", 11) in found(VALID, dt.date(2025, 3, 2))
    assert "procedures/02-communication.yml" in overdue(dt.date(2026, 2, 24))


# --------------------------------------------------------------------------- the invalid fixtures


@pytest.mark.parametrize("case", invalid_cases(), ids=lambda p: p.name)
def test_invalid_fixture_yields_exactly_its_expected_problems(case: Path, tmp_path: Path) -> None:
    expected = expectations(case)
    assert expected, f"{case.name}: no '# expect: CODE at LINE' line"
    root = build_repo(tmp_path / "repo", case)
    result = check(root, when=TODAY)
    got = {(p.path, p.code, p.line) for p in result.problems}
    assert got == expected, "\n".join(p.text() for p in result.problems)
    assert result.ok == all(code.startswith("W") for _, code, _ in expected)


# Cases that cannot be kept as text fixtures: written as bytes here.
GENERATED: dict[str, tuple[dict[str, bytes | str | None], set[tuple[str, str, int]]]] = {
    "vocabulary": (
        {
            "procedures/vocabulary.yml": "entries:\n  - words: [回访, 打扫]\n    terms: [扫除大作战]\n  - words: [打扫]\n    terms: [回访]\n"
        },
        {
            ("procedures/vocabulary.yml", "W281", 2),
            ("procedures/vocabulary.yml", "E280", 3),
            ("procedures/vocabulary.yml", "E282", 4),
        },
    ),
    "gbk": (
        {"procedures/04-memo.yml": memo().replace("回访备忘", "回访备忘录").encode("gbk")},
        {("procedures/04-memo.yml", "E004", 3)},
    ),
    "gbk-form": (
        {"forms/visit-receipt.yml": (VALID / "forms/visit-receipt.yml").read_text(encoding="utf-8").encode("gb18030")},
        {("forms/visit-receipt.yml", "E004", 4), ("forms/visit-receipt.yml", "W242", 1)},
    ),
    "nul": ({"procedures/04-memo.yml": memo().encode() + b"\x00\x00"}, {("procedures/04-memo.yml", "E005", 15)}),
    "bom": ({"procedures/04-memo.yml": b"\xef\xbb\xbf" + memo().encode()}, set()),
    "crlf": (
        {"procedures/04-memo.yml": memo(kind="memo").replace("\n", "\r\n")},
        {("procedures/04-memo.yml", "E103", 4)},
    ),
    "missing-roles": ({"procedures/roles.yml": None}, {("procedures/roles.yml", "E010", 1)}),
    "missing-external": (
        {"procedures/external.yml": None},
        {
            ("procedures/01-return-visit.yml", "E207", 61),  # two mentions on one line
            ("procedures/01-return-visit.yml", "E206", 62),
            ("procedures/01-return-visit.yml", "E207", 74),
            ("procedures/01-return-visit.yml", "E206", 90),  # two related ids on one line
        },
    ),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_case(name: str, make_repo: MakeRepo) -> None:
    files, expected = GENERATED[name]
    assert found(make_repo(files)) == expected


def test_gbk_message_says_save_as_utf8(make_repo: MakeRepo) -> None:
    root = make_repo({"procedures/04-memo.yml": memo().encode("gbk")})
    (problem,) = check(root, when=TODAY).problems
    assert "GBK" in problem.message and "UTF-8" in problem.message


def test_a_folder_named_like_a_file_is_unreadable(make_repo: MakeRepo) -> None:
    root = make_repo()
    (root / "forms" / "folder.yml").mkdir()
    assert found(root) == {("forms/folder.yml", "E010", 1)}


def test_empty_repository(tmp_path: Path) -> None:
    codes = {(p.path, p.code) for p in check(tmp_path, when=TODAY).problems}
    assert codes == {(".", "E010"), ("procedures/roles.yml", "E010"), ("procedures/company.yml", "E010")}


def test_every_code_is_exercised_by_a_fixture() -> None:
    covered = {code for case in invalid_cases() for _, code, _ in expectations(case)}
    covered |= {code for _, expected in GENERATED.values() for _, code, _ in expected}
    covered |= {"E010"}  # test_a_folder_named_like_a_file_is_unreadable
    covered |= {code for _, expected in HARDENING.values() for _, code, _ in expected}
    covered |= {
        "E233",
        "E234",
        "E235",
        "E236",
        "E237",
        "E238",
    }  # the version rule needs a git history: tests/test_control.py, tests/test_history.py
    covered |= {
        f"E29{n}" for n in range(7)
    }  # provenance, at their lines on copies of the real manual: tests/test_provenance.py
    assert set(CODES) - covered == set()


def test_every_fixture_code_is_a_known_code() -> None:
    for case in invalid_cases():
        for _, code, _ in expectations(case):
            assert code in CODES, case.name


# --------------------------------------------------------------------------- one mistake, one problem


def test_a_broken_form_does_not_make_its_references_undefined(make_repo: MakeRepo) -> None:
    # 01 lists visit-record in records and mentions 《回访记录表》: both still resolve.
    root = make_repo({"forms/visit-record.yml": "id: visit-record\ntitle: 回访记录表\nversion: 1.0\n"})
    assert {code for _, code, _ in found(root)} == {"E100", "E104"}


def test_an_unparsable_form_does_not_cascade(make_repo: MakeRepo) -> None:
    root = make_repo({"forms/visit-record.yml": "id: [visit-record\n"})
    # Its title is lost: mentions of it are not judged, and a warning says so.
    assert found(root) == {("forms/visit-record.yml", "E001", 1), ("forms/visit-record.yml", "W242", 1)}


def test_a_broken_document_does_not_orphan_its_forms(make_repo: MakeRepo) -> None:
    text = "id: return-visit\ntitle: 物业服务回访管理规范标准\naliases: [物业服务回访管理标准规范]\n"
    root = make_repo({"procedures/01-return-visit.yml": text})
    got = {code for _, code, _ in found(root)}
    assert got == {"E100"}  # the forms' procedure and 02's 《》 mention still resolve


def test_invalid_external_file_does_not_cascade(make_repo: MakeRepo) -> None:
    root = make_repo({"procedures/external.yml": "documents: {}\n"})
    assert found(root) == {("procedures/external.yml", "E102", 1), ("procedures/external.yml", "W242", 1)}


def test_invalid_roles_file_does_not_cascade(make_repo: MakeRepo) -> None:
    text = (
        (VALID / "procedures/roles.yml")
        .read_text(encoding="utf-8")
        .replace("description: 实施具体回访工作。", "descripton: 实施具体回访工作。")
    )
    got = found(make_repo({"procedures/roles.yml": text}))
    assert got == {("procedures/roles.yml", "E101", 37)}


def test_misspelt_key_is_one_problem_with_a_hint(make_repo: MakeRepo) -> None:
    root = make_repo({"procedures/04-memo.yml": memo().replace("approver:", "aprover:")})
    (problem,) = check(root, when=TODAY).problems
    assert (problem.code, problem.line) == ("E101", 8)
    assert '"approver"' in problem.message


def test_union_field_gives_one_problem(make_repo: MakeRepo) -> None:
    body = "  - text: 123\n    roles: [property-officer]\n"
    (problem,) = check(make_repo({"procedures/04-memo.yml": memo(body=body)}), when=TODAY).problems
    assert (problem.code, problem.line) == ("E102", 13)
    assert '"text"' in problem.message and "constrained" not in problem.message


def test_quoted_multiline_value_stays_on_one_line(make_repo: MakeRepo) -> None:
    body = "  - text: 物管员负责回访。\n    roles: |\n      property-officer\n      president\n"
    (problem,) = check(make_repo({"procedures/04-memo.yml": memo(body=body)}), when=TODAY).problems
    assert (problem.code, problem.line) == ("E102", 14)
    assert "\n" not in problem.message and "多行文本" in problem.message


def test_problem_in_a_list_of_texts_points_at_the_item(make_repo: MakeRepo) -> None:
    body = "  - text:\n      - 第一段。\n      - 2\n    roles: [property-officer]\n"
    got = found(make_repo({"procedures/04-memo.yml": memo(body=body)}))
    assert got == {("procedures/04-memo.yml", "E102", 15)}


def test_error_about_a_block_mapping_points_at_its_key(make_repo: MakeRepo) -> None:
    text = (
        (VALID / "forms/visit-receipt.yml")
        .read_text(encoding="utf-8")
        .replace("  keeper: project-office", "  keeper: project-office\n  period: P1Y")
    )
    assert found(make_repo({"forms/visit-receipt.yml": text})) == {("forms/visit-receipt.yml", "E109", 8)}


def test_problems_are_collected_across_files_and_sorted(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "procedures/04-memo.yml": memo(kind="memo").replace("owner: quality-dept", "owner: 品质部"),
            "forms/list.yml": "- a\n",
            "procedures/05-other.yml": "id: other\nid: again\n",
        }
    )
    problems = check(root, when=TODAY).problems
    assert [(p.path, p.line) for p in problems] == sorted((p.path, p.line) for p in problems)
    assert {p.path for p in problems} == {"forms/list.yml", "procedures/04-memo.yml", "procedures/05-other.yml"}


# --------------------------------------------------------------------------- rules one by one


def test_every_rule_has_a_docstring_with_an_example() -> None:
    for fn in RULES:
        assert fn.__doc__ and ("Passes" in fn.__doc__ or "passes" in fn.__doc__), fn.__name__


@pytest.mark.parametrize("kind", sorted(REQUIRED_BY_KIND))
def test_required_content_per_kind(kind: str, make_repo: MakeRepo) -> None:
    bare = memo(kind=kind, body="  - text: 一段说明。\n")
    assert found(make_repo({"procedures/04-memo.yml": bare})) == {("procedures/04-memo.yml", "E220", 4)}
    complete = {
        "procedure": memo(kind=kind),
        "duties": memo(kind=kind),
        "standard": memo(kind=kind, body="  - text: 一。\n  - text: 二。\n"),
        "regulation": memo(kind=kind, body="  - title: 条款\n    items:\n      - text: 一。\n"),
        "service-scope": memo(kind=kind, body="  - text: 一。\n  - text: 二。\n"),
        "training": memo(kind=kind, body="  - text: 一。\n", extra="audience: [property-officer]\n"),
        "policy": memo(kind=kind, body="  - text: 一。\n", extra="audience: [property-officer]\n"),
    }[kind]
    assert found(make_repo({"procedures/04-memo.yml": complete})) == set()


def test_a_service_table_is_clauses(make_repo: MakeRepo) -> None:
    body = (
        "  - title: 客户服务\n    service_table:\n      columns: [服务项目, 服务内容, 服务标准]\n"
        "      groups:\n        - service: 前台服务\n          rows:\n            - content: 问询\n              standards: [形象良好；]\n"
    )
    assert found(make_repo({"procedures/04-memo.yml": memo(kind="standard", body=body)})) == set()


def test_targets_inside_a_service_table_are_checked(make_repo: MakeRepo) -> None:
    text = (VALID / "procedures/03-customer-service.yml").read_text(encoding="utf-8")
    # 950 is not what the line says (客户满意率95%以上): the bad value carries a proposal, so only its bound is wrong.
    proposed = "basis: {proposed: {by: quality-dept, reason: 测试用例}}"
    bad = text.replace(
        'value: 95, unit: "%", role: front-desk-clerk', f'value: 950, unit: "%", role: front-desk-clerk, {proposed}', 1
    )
    assert found(make_repo({"procedures/03-customer-service.yml": bad})) == {
        ("procedures/03-customer-service.yml", "E213", 31)
    }
    bad = text.replace("role: front-desk-clerk}", "role: front-desk}", 1)
    assert found(make_repo({"procedures/03-customer-service.yml": bad})) == {
        ("procedures/03-customer-service.yml", "E204", 31)
    }
    bad = text.replace('value: 95, unit: "%", role: front-desk-clerk', "value: 95, role: front-desk-clerk", 1)
    assert found(make_repo({"procedures/03-customer-service.yml": bad})) == {
        ("procedures/03-customer-service.yml", "E212", 31)
    }


def test_percentage_bounds(make_repo: MakeRepo) -> None:
    for value, ok in [("0", True), ("100", True), ("0.1", True), ("-1", False), ("100.5", False)]:
        body = f'  - text: 物管员负责，率{value}%。\n    roles: [property-officer]\n    targets:\n      - {{metric: 率, op: ">=", value: {value}, unit: "%"}}\n'
        got = found(make_repo({"procedures/04-memo.yml": memo(body=body)}))
        assert (got == set()) == ok, value
    body = '  - text: 物管员负责，时间950分钟。\n    roles: [property-officer]\n    targets:\n      - {metric: 时间, op: "<=", value: 950, unit: 分钟}\n'
    assert found(make_repo({"procedures/04-memo.yml": memo(body=body)})) == set()


def test_every_role_reference_is_checked(make_repo: MakeRepo) -> None:
    text = (VALID / "procedures/02-communication.yml").read_text(encoding="utf-8")
    # A matrix cell's role and its role_basis are renamed together: only the undefined role is wrong.
    for old, new, line in [
        ("owner_role: president", "owner_role: chairman", 50),
        ("participant_roles: [president]", "participant_roles: [board]", 54),
        (
            "    R: [president]\n    role_basis:\n      president:",
            "    R: [presiden]\n    role_basis:\n      presiden:",
            86,
        ),
        ("approver: president", "approver: ceo", 9),
    ]:
        assert old in text, old
        got = found(make_repo({"procedures/02-communication.yml": text.replace(old, new)}))
        assert got == {("procedures/02-communication.yml", "E204", line)}, old
    # 02's matrix has no A (the seed names no approver): 01's A is checked the same way.
    text = (VALID / "procedures/01-return-visit.yml").read_text(encoding="utf-8")
    old = ("    A: project-manager\n", "      project-manager: {proposed:")
    new = ("    A: project-manage\n", "      project-manage: {proposed:")
    assert all(text.count(o) == 1 for o in old), old
    bad = text.replace(old[0], new[0]).replace(old[1], new[1])
    assert found(make_repo({"procedures/01-return-visit.yml": bad})) == {("procedures/01-return-visit.yml", "E204", 79)}


def test_a_matrix_row_may_have_no_approver_but_not_two(make_repo: MakeRepo) -> None:
    # E210 once asked for exactly one A; the seed often names no approver, so now it is at most one.
    row = "matrix:\n  - activity: 回访\n    basis: {quote: 物管员负责回访}\n    R: [property-officer]\n"
    assert found(make_repo({"procedures/04-memo.yml": memo(extra=row)})) == set()
    two = (
        row
        + "    A: [project-manager, president]\n    role_basis:\n"
        + "".join(
            f"      {role}: {{proposed: {{by: quality-dept, reason: 测试用例}}}}\n"
            for role in ("project-manager", "president")
        )
    )
    assert found(make_repo({"procedures/04-memo.yml": memo(extra=two)})) == {
        ("procedures/04-memo.yml", "E210", 16)
    }  # the A line


def test_form_role_references(make_repo: MakeRepo) -> None:
    text = (VALID / "forms/visit-record.yml").read_text(encoding="utf-8")
    bad = text.replace("filled_by: [property-officer, project-manager]", "filled_by: [property-officer, manager]")
    assert found(make_repo({"forms/visit-record.yml": bad})) == {("forms/visit-record.yml", "E204", 14)}


def test_refs_may_name_forms_documents_or_external(make_repo: MakeRepo) -> None:
    body = "  - text: 物管员负责回访。\n    roles: [property-officer]\n    refs: [visit-record, communication, complaint-handling]\n"
    assert found(make_repo({"procedures/04-memo.yml": memo(body=body)})) == set()


def test_mentions_resolve_titles_and_aliases_of_everything(make_repo: MakeRepo) -> None:
    body = (
        "  - text: 物管员见《物业服务回访管理规范标准》《物业服务回访管理标准规范》《签收表》《回访记录表》《程序文件16》《吉林省物业管理条例》。\n"
        "    roles: [property-officer]\n"
    )
    assert found(make_repo({"procedures/04-memo.yml": memo(body=body)})) == set()


def test_mentions_are_checked_in_meetings_and_service_tables(make_repo: MakeRepo) -> None:
    text = (VALID / "procedures/02-communication.yml").read_text(encoding="utf-8")
    bad = text.replace("结果报《物业服务回访管理标准规范》的负责人", "结果报《回访规范》的负责人")
    assert found(make_repo({"procedures/02-communication.yml": bad})) == {
        ("procedures/02-communication.yml", "E207", 63)
    }
    text = (VALID / "procedures/03-customer-service.yml").read_text(encoding="utf-8")
    bad = text.replace("- 服务人员形象良好；", "- 按《服务规范》执行；")
    assert found(make_repo({"procedures/03-customer-service.yml": bad})) == {
        ("procedures/03-customer-service.yml", "E207", 28)
    }


def test_duplicate_form_code_and_title(make_repo: MakeRepo) -> None:
    text = (VALID / "forms/visit-receipt.yml").read_text(encoding="utf-8")
    copy = text.replace("id: visit-receipt", "id: visit-receipt-2").replace("aliases: [签收表]\n", "")
    got = found(make_repo({"forms/visit-receipt-2.yml": copy}))
    # Files are read in name order ("visit-receipt-2" sorts first): the later one is reported.
    assert got == {("forms/visit-receipt.yml", "E208", 3), ("forms/visit-receipt.yml", "E203", 4)}


def test_duplicate_external_id_and_alias(make_repo: MakeRepo) -> None:
    text = (VALID / "procedures/external.yml").read_text(encoding="utf-8")
    text += "  - {id: complaint-handling, title: 另一个, status: planned}\n  - {id: other, title: 其他, aliases: [签收表], status: planned}\n"
    got = found(make_repo({"procedures/external.yml": text}))
    assert got == {("procedures/external.yml", "E203", 13), ("procedures/external.yml", "E203", 14)}


def test_revision_in_the_future_and_version_without_revision(make_repo: MakeRepo) -> None:
    text = memo().replace('version: "1.0"\n', 'version: "2.0"\n', 1).replace("date: 2024-02-23", "date: 2024-07-01")
    got = found(make_repo({"procedures/04-memo.yml": text}))
    assert got == {("procedures/04-memo.yml", "E232", 5), ("procedures/04-memo.yml", "E230", 11)}


def test_far_future_dates_do_not_crash(make_repo: MakeRepo) -> None:
    text = (
        memo().replace("effective: 2024-02-23", "effective: 9999-12-31").replace("date: 2024-02-23", "date: 9999-12-31")
    )
    got = found(make_repo({"procedures/04-memo.yml": text}))
    assert got == {("procedures/04-memo.yml", "E230", 6), ("procedures/04-memo.yml", "E230", 11)}


def test_duration_in_a_meeting_schedule_and_retention(make_repo: MakeRepo) -> None:
    text = (VALID / "procedures/02-communication.yml").read_text(encoding="utf-8")
    bad = text.replace("schedule: {label: 半年一次, every: P6M}", "schedule: {label: 半年一次, every: PT}")
    assert found(make_repo({"procedures/02-communication.yml": bad})) == {
        ("procedures/02-communication.yml", "E105", 52)
    }
    text = (VALID / "forms/visit-record.yml").read_text(encoding="utf-8")
    bad = text.replace("period: P2Y", "period: P")
    assert found(make_repo({"forms/visit-record.yml": bad})) == {("forms/visit-record.yml", "E105", 8)}


def test_invalid_case_layout() -> None:
    # Each case is a folder of files laid over the valid fixture, each bad file saying what it expects.
    for case in invalid_cases():
        files = [p for p in case.rglob("*") if p.is_file()]
        assert len(files) == 1, f"{case.name}: one bad file per case"
        for file in files:
            rel = file.relative_to(case)
            assert rel.parts[0] in {"procedures", "forms", "training"}, file
    assert INVALID.is_dir()
