"""`procgen new`: each scaffold passes `procgen check` as written, and nothing is ever overwritten."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import get_args

import pytest
from conftest import MANUAL_TODAY, ROOT, TODAY, VALID

from generator.check.run import check
from generator.cli import new as scaffold
from generator.cli.arguments import new_arguments as add_arguments
from generator.cli.new import command
from generator.model.document import Document
from generator.model.kinds import DOCUMENT_KINDS

pytestmark = pytest.mark.usefixtures("fixed_today")
"""TODAY for the valid fixture (`clean`); `repo`, a copy of the real manual, sets MANUAL_TODAY over it."""

CHINESE_COMMENT = re.compile(r"^\s*# .*[\u4e00-\u9fff]", re.MULTILINE)


@pytest.fixture
def repo(tmp_path: Path, manual_today: dt.date) -> Path:
    """A copy of the real manual: procedures/, forms/ and schemas/, checked on MANUAL_TODAY."""
    root = tmp_path / "manual"
    for folder in ("procedures", "forms", "schemas"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A copy of the valid fixture: a repository that passes the check, so a new file's problems stand out."""
    root = tmp_path / "clean"
    shutil.copytree(VALID, root)
    return root


PROPOSED_FORM = (
    "  basis: {proposed: {by: quality-dept, reason: 原文未规定保存期限；拟保存两年，待批准}}",
    "design: {proposed: {by: quality-dept, reason: 原文未给出栏目；栏目为拟定}}",
)
"""A new form's retention period and layout: proposals (the seed gives neither), by the quality department."""
PROPOSED_ROLE = "    basis: {proposed: {by: quality-dept, reason: 原文未提到此角色；拟设，待批准}}"


def new(capsys: pytest.CaptureFixture[str], root: Path, *argv: str) -> tuple[int, str, str]:
    """`procgen new ARGV ROOT` through the real argument parser."""
    parser = argparse.ArgumentParser(prog="procgen new")
    add_arguments(parser)
    args = parser.parse_args([*argv[:2], str(root), *argv[2:]])
    status = command(args)
    out, err = capsys.readouterr()
    return status, out, err


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the repository (hidden ones too: no temporary file may be left behind)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_checks_clean(root: Path, *new_files: str) -> None:
    """The real manual (`repo`) with the new files passes the check on MANUAL_TODAY."""
    result = check(root, when=MANUAL_TODAY)
    assert result.errors == [], [p.text() for p in result.errors]
    assert [p.text() for p in result.problems if p.path in new_files] == []


def assert_scaffold(path: Path, schema: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schemas/{schema}.json"
    assert len(CHINESE_COMMENT.findall(text)) >= 10
    return text


def test_new_offers_every_document_kind_of_the_model() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    kind = next(a for a in parser._actions if a.dest == "doc_kind")
    assert tuple(kind.choices or ()) == get_args(Document.model_fields["kind"].annotation)


# --------------------------------------------------------------------------- each kind passes the check


def test_new_document_passes_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = new(capsys, repo, "document", "fire-safety", "--title", "消防安全管理规定")
    assert (status, err) == (0, "")
    assert "procedures/13-fire-safety.yml" in out and "WY-GL-13" in out
    text = assert_scaffold(repo / "procedures" / "13-fire-safety.yml", "document")
    assert "\nid: fire-safety\ncode: WY-GL-13\n" not in text  # every field has its comment above it
    for line in (
        "code: WY-GL-13",
        "title: 消防安全管理规定",
        'version: "1.0"',
        f"effective: {MANUAL_TODAY}",
        "review_months: 12",
        "    summary: 首次发布",
        "  - title: 目的",
        "  - title: 适用范围",
        "  - title: 职责",
    ):
        assert line in text.splitlines()
    assert "\n# audience: []\n" in text
    assert_checks_clean(repo, "procedures/13-fire-safety.yml")


def test_every_kind_of_document_passes_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = []
    for number, kind in enumerate(DOCUMENT_KINDS, start=13):
        status, _, err = new(capsys, repo, "document", f"new-{kind}", "--doc-kind", kind)
        assert (status, err) == (0, "")
        written.append(f"procedures/{number}-new-{kind}.yml")
        assert f"code: WY-GL-{number}\n" in (repo / written[-1]).read_text(encoding="utf-8")
    assert_checks_clean(repo, *written)


def test_new_document_takes_the_number_a_code_names(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = new(
        capsys,
        repo,
        "document",
        "fire-safety",
        "--code",
        "WY-GL-20",
        "--owner",
        "quality-dept",
        "--approver",
        "general-manager",
    )
    assert status == 0
    text = (repo / "procedures" / "20-fire-safety.yml").read_text(encoding="utf-8")
    assert "owner: quality-dept\n" in text and "approver: general-manager\n" in text
    assert_checks_clean(repo, "procedures/20-fire-safety.yml")
    before = snapshot(repo)
    status, _, err = new(capsys, repo, "document", "other", "--code", "WY-GL-11")
    assert status == 1 and "WY-GL-11 已被使用" in err
    status, _, err = new(capsys, repo, "document", "other", "--code", "WY-JL-30")
    assert status == 1 and "document_code" in err
    assert snapshot(repo) == before


def test_new_form_passes_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = new(capsys, repo, "form", "visit-log", "--procedure", "return-visit", "--title", "回访登记表")
    assert (status, err) == (0, "")
    assert "WY-JL-11-04" in out  # return-visit's forms are WY-JL-11-01 … 03
    text = assert_scaffold(repo / "forms" / "visit-log.yml", "form")
    for line in (
        "code: WY-JL-11-04",
        "procedure: return-visit",
        "  period: P2Y",
        "  keeper: project-office",
        "layout:",
        *PROPOSED_FORM,
    ):
        assert line in text.splitlines()
    assert_checks_clean(repo, "forms/visit-log.yml")


def test_new_role_is_appended_to_roles_yml(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roles = repo / "procedures" / "roles.yml"
    before = roles.read_bytes()
    status, out, err = new(
        capsys, repo, "role", "fire-warden", "--title", "义务消防员", "--department", "management-office"
    )
    assert (status, err) == (0, "")
    after = roles.read_bytes()
    assert after.startswith(before)  # every byte above the new entry as it was
    added = after[len(before) :].decode("utf-8")
    assert (
        "  - id: fire-warden\n" in added
        and "    name: 义务消防员\n" in added
        and "    department: management-office\n" in added
    )
    assert PROPOSED_ROLE in added.splitlines()  # no document names 义务消防员
    assert CHINESE_COMMENT.search(added)
    line = int(re.search(r"第 (\d+) 行", out)[1])
    assert after.decode("utf-8").splitlines()[line - 1] == "  - id: fire-warden"
    assert_checks_clean(repo, "procedures/roles.yml")


def test_a_document_its_form_and_a_role_together_pass_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(capsys, repo, "document", "fire-safety", "--title", "消防安全管理规定")[0] == 0
    assert new(capsys, repo, "form", "fire-check", "--procedure", "fire-safety", "--title", "消防检查记录表")[0] == 0
    assert new(capsys, repo, "role", "fire-warden", "--title", "义务消防员")[0] == 0
    assert "code: WY-JL-13-01\n" in (repo / "forms" / "fire-check.yml").read_text(encoding="utf-8")
    result = check(repo, when=MANUAL_TODAY)
    assert result.errors == []
    assert result.catalog is not None and "fire-safety" in {d.id for d in result.catalog.documents}


# --------------------------------------------------------------------------- what the seed does not state is a proposal


def test_each_kind_passes_check_in_a_clean_repository(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The valid fixture passes the check: every problem would be the new files'.
    assert new(capsys, clean, "document", "fire-safety", "--title", "消防安全管理规定")[0] == 0
    assert new(capsys, clean, "form", "fire-check", "--procedure", "fire-safety", "--title", "消防检查记录表")[0] == 0
    assert new(capsys, clean, "role", "fire-warden", "--title", "义务消防员")[0] == 0
    assert check(clean, when=TODAY).problems == []
    form = (clean / "forms" / "fire-check.yml").read_text(encoding="utf-8").splitlines()
    assert all(line in form for line in PROPOSED_FORM)
    assert PROPOSED_ROLE in (clean / "procedures" / "roles.yml").read_text(encoding="utf-8").splitlines()
    # the document's duties name their roles in their own words: stated, no basis needed
    text = (clean / "procedures" / "04-fire-safety.yml").read_text(encoding="utf-8")
    assert "品质管理部负责本文件的编制、修订和实施监督。" in text and "总裁负责本文件的批准。" in text
    assert "role_basis" not in "".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_a_role_a_document_names_needs_no_basis(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 02 says 管理者代表负责保证沟通渠道的建立: the role is the seed's, not a proposal.
    roles = clean / "procedures" / "roles.yml"
    before = roles.read_text(encoding="utf-8")
    assert new(capsys, clean, "role", "management-representative", "--title", "管理者代表")[0] == 0
    added = roles.read_text(encoding="utf-8")[len(before) :]
    assert "basis:" not in "".join(line for line in added.splitlines() if not line.lstrip().startswith("#"))
    assert "正文已提到「管理者代表」" in added
    assert check(clean, when=TODAY).problems == []


def test_the_matrix_example_of_a_new_document_passes_when_uncommented(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The example cites the duties the template writes: R stated by the quoted clause, A by its own duty.
    assert new(capsys, clean, "document", "fire-safety", "--title", "消防安全管理规定")[0] == 0
    path = clean / "procedures" / "04-fire-safety.yml"
    text = path.read_text(encoding="utf-8")
    head, example = text.split("# matrix:\n", 1)
    example, tail = example.split("# 本文件使用或保存的表单", 1)
    assert "A: president" in example and "president: {quote: 总裁负责本文件的批准}" in example
    path.write_text(
        head
        + "matrix:\n"
        + "".join(line[2:] + "\n" for line in example.splitlines())
        + "# 本文件使用或保存的表单"
        + tail,
        encoding="utf-8",
    )
    assert check(clean, when=TODAY).problems == []
    # an owner who also approves has no duty of approval to quote: the example proposes it
    assert new(capsys, clean, "document", "fire-drill", "--title", "消防演练规定", "--approver", "quality-dept")[0] == 0
    path = clean / "procedures" / "05-fire-drill.yml"
    text = path.read_text(encoding="utf-8")
    head, example = text.split("# matrix:\n", 1)
    example, tail = example.split("# 本文件使用或保存的表单", 1)
    assert "quality-dept: {proposed: {by: quality-dept, reason:" in example
    path.write_text(
        head
        + "matrix:\n"
        + "".join(line[2:] + "\n" for line in example.splitlines())
        + "# 本文件使用或保存的表单"
        + tail,
        encoding="utf-8",
    )
    assert check(clean, when=TODAY).problems == []


# --------------------------------------------------------------------------- refusals change nothing


def test_an_existing_file_is_never_overwritten(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(capsys, repo, "form", "visit-log", "--procedure", "return-visit")[0] == 0
    before = snapshot(repo)
    status, _, err = new(capsys, repo, "form", "visit-log", "--procedure", "return-visit", "--title", "别的标题")
    assert status == 1 and "forms/visit-log.yml" in err and "未改写" in err
    status, _, err = new(capsys, repo, "form", "return-visit-record", "--procedure", "return-visit")
    assert status == 1 and "已存在" in err
    status, _, err = new(capsys, repo, "document", "return-visit")
    assert status == 1 and "procedures/11-return-visit.yml" in err
    assert snapshot(repo) == before


def test_a_file_appearing_meanwhile_is_not_overwritten(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = repo / "forms" / "visit-log.yml"

    def link(src: str, dst: str) -> None:  # someone saves the same file between the look and the write
        target.write_text("theirs\n", encoding="utf-8")
        raise FileExistsError(dst)

    monkeypatch.setattr(scaffold.os, "link", link)
    status, _, err = new(capsys, repo, "form", "visit-log", "--procedure", "return-visit")
    assert status == 1 and "未改写" in err
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert not [p for p in (repo / "forms").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    "bad", ["Fire_Safety", "fire--safety", "fire-", "fire safety", "fire-safety\n", "消防", "index", "a" * 65]
)
def test_an_invalid_id_is_refused(repo: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    before = snapshot(repo)
    status, out, err = new(capsys, repo, "document", bad)
    assert status == 1 and out == ""
    assert err.startswith("procgen new: ") and "id" in err and err.count("\n") == 1
    assert snapshot(repo) == before


def test_a_taken_role_id_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(repo)
    for taken in ("president", "quality-dept"):  # a role, a department
        status, _, err = new(capsys, repo, "role", taken)
        assert status == 1 and f'"{taken}"' in err and "未改动" in err
    status, _, err = new(capsys, repo, "role", "fire-warden", "--title", "总裁")
    assert status == 1 and "president" in err
    status, _, err = new(capsys, repo, "role", "fire-warden", "--department", "quality")
    assert status == 1 and "quality-dept" in err
    assert snapshot(repo) == before


def test_a_form_needs_a_known_owning_document(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(repo)
    status, _, err = new(capsys, repo, "form", "visit-log")
    assert status == 1 and "--procedure" in err
    status, _, err = new(capsys, repo, "form", "visit-log", "--procedure", "return-visitt")
    assert status == 1 and "return-visitt" in err and "是否指 return-visit" in err
    status, _, err = new(capsys, repo, "form", "visit-log", "--procedure", "complaint-handling")  # external.yml
    assert status == 1 and "不存在" in err
    assert snapshot(repo) == before


def test_taken_titles_and_misplaced_options_are_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(repo)
    status, _, err = new(capsys, repo, "document", "fire-safety", "--title", "回访记录表")
    assert status == 1 and "唯一" in err
    status, _, err = new(capsys, repo, "document", "fire-safety", "--title", "x" * 101)
    assert status == 1 and "100" in err
    status, _, err = new(capsys, repo, "role", "fire-warden", "--procedure", "return-visit")
    assert status == 1 and "--procedure 只用于 form" in err
    status, _, err = new(capsys, repo, "document", "fire-safety", "--owner", "nobody")
    assert status == 1 and "nobody" in err
    assert snapshot(repo) == before


def test_a_root_that_is_not_a_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = new(capsys, tmp_path / "missing", "document", "fire-safety")
    assert status == 2 and "目录不存在" in err
    status, _, err = new(capsys, tmp_path, "document", "fire-safety")
    assert status == 1 and "procedures/" in err


# --------------------------------------------------------------------------- roles.yml written as text


def test_half_width_marks_in_a_title_are_made_full_width(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = new(capsys, repo, "document", "fire-safety", "--title", "消防安全(试行)")
    assert status == 0
    assert "title: 消防安全（试行）\n" in (repo / "procedures" / "13-fire-safety.yml").read_text(encoding="utf-8")
    assert_checks_clean(repo, "procedures/13-fire-safety.yml")


def test_a_title_yaml_would_misread_is_quoted(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = new(capsys, repo, "form", "visit-log", "--procedure", "return-visit", "--title", "null: #1 'A4' 表")
    assert status == 0
    assert "title: \"null: #1 'A4' 表\"\n" in (repo / "forms" / "visit-log.yml").read_text(encoding="utf-8")
    assert_checks_clean(repo, "forms/visit-log.yml")


def test_a_role_goes_before_a_key_that_follows_the_roles(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roles = repo / "procedures" / "roles.yml"
    text = roles.read_text(encoding="utf-8")
    head, rest = text.split("departments:\n", 1)
    departments, role_list = rest.split("roles:\n", 1)
    reordered = f"{head}roles:\n{role_list}\n# Departments last.\ndepartments:\n{departments}".replace("\n", "\r\n")
    roles.write_bytes(reordered.encode("utf-8"))
    status, _, err = new(capsys, repo, "role", "fire-warden", "--department", "management-office")
    assert (status, err) == (0, "")
    after = roles.read_bytes().decode("utf-8")
    cut = reordered.index("\r\n# Departments last.")
    assert after.startswith(reordered[:cut]) and after.endswith(reordered[cut:])
    assert "\n" not in after.replace("\r\n", "")  # the file's own line ends
    assert_checks_clean(repo, "procedures/roles.yml")


def test_roles_written_in_flow_style_are_left_alone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roles = repo / "procedures" / "roles.yml"
    roles.write_text(
        "departments: []\nroles: [{id: president, name: 总裁, description: 公司最高管理者。}]\n", encoding="utf-8"
    )
    before = snapshot(repo)
    status, _, err = new(capsys, repo, "role", "fire-warden")
    assert status == 1 and "手工添加" in err
    assert snapshot(repo) == before


def test_a_failed_write_leaves_roles_yml_as_it_was(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scaffold.os, "replace", replace)
    before = snapshot(repo)
    status, _, err = new(capsys, repo, "role", "fire-warden")
    assert status == 1 and "procedures/roles.yml" in err and "磁盘已满" in err
    assert snapshot(repo) == before
