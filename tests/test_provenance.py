"""Trust: every statement of the manual is the seed's (stated by its clause, or a quote found in one clause)
or a proposal that says so everywhere it appears, and `procgen approve` turns proposals into approved
content in a new version. The rules are tested at their lines on edited copies of the real manual."""

# ruff: noqa: F811 - the repo fixture is imported from test_control and used as an argument

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import release
from test_control import git, repo  # noqa: F401 - the fixture

from generator.catalog.provenance import Walker
from generator.check.loading import load_all
from generator.check.run import check, load_catalog
from generator.cli.approve import round_trip
from generator.cli.main import main
from generator.source.loader import load_text
from generator.training.facts import facts

REPO = Path(__file__).resolve().parents[1]
DOC = "procedures/11-return-visit.yml"
SEED_RECORD = "return-visit-record"  # 回访记录表: the one retention period the seed gives (第11篇 4.7 两年)


def change(root: Path, path: str, how: Callable[[Any], None]) -> None:
    """Edit a file's data (round trip, comments kept), as an administrator would edit the YAML."""
    y = round_trip()
    file = root / path
    data = y.load(file.read_text(encoding="utf-8"))
    how(data)
    out = io.StringIO()
    y.dump(data, out)
    file.write_text(out.getvalue(), encoding="utf-8")


def line_at(root: Path, path: str, loc: tuple[Any, ...], *, key: bool = False) -> int:
    located, _ = load_text(path, (root / path).read_bytes())
    assert located is not None
    return located.where(loc, key=key)[0]


def problems(root: Path, code: str) -> list[tuple[str, int]]:
    return [(p.path, p.line) for p in check(root).problems if p.code == code]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The manual's definitions outside git (the version rule stays out of these tests)."""
    root = tmp_path / "manual"
    for folder in ("procedures", "forms", "schemas", "training"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _node(data: Any, text: str) -> tuple[Any, tuple[Any, ...]]:
    """The clause of a document whose text is ``text``, and its path."""

    def walk(nodes: Any, loc: tuple[Any, ...]) -> Any:
        for i, node in enumerate(nodes):
            here = (*loc, i)
            if node.get("text") == text:
                return node, here
            found = walk(node.get("items", []), (*here, "items"))
            if found:
                return found
        return None

    found = walk(data["body"], ("body",))
    assert found, text
    return found


# --------------------------------------------------------------------------- the manual as it is


def test_every_statement_of_the_manual_is_stated_quoted_or_proposed() -> None:
    loaded, _ = load_all(REPO)
    walker = Walker([doc for _, doc in loaded.documents], loaded.roles[1] if loaded.roles else None)
    statements = [s for _, doc in loaded.documents for s in walker.document(doc)]
    statements += [s for _, form in loaded.forms for s in walker.form(form)]
    statements += list(walker.role_definitions())
    unbacked = [(s.kind, s.what, s.problem) for s in statements if s.status == "unbacked"]
    assert not unbacked, unbacked[:5]
    kinds = {s.kind for s in statements}
    assert {"fact", "role", "cell", "activity", "retention", "note", "design", "role-definition"} <= kinds
    # The seed gives one retention period; every other period is a proposal, never the company's rule.
    retention = {s.what.split("》")[0].lstrip("《"): s.status for s in statements if s.kind == "retention"}
    assert retention.pop("回访记录表") == "quoted"
    assert set(retention.values()) == {"proposed"}
    # An approver the seed does not name is not invented: most activities have none or a proposed one.
    a_cells = [s for s in statements if s.kind == "cell" and " A：" in s.what]
    assert all(s.status in ("quoted", "proposed", "approved") for s in a_cells)


def test_proposals_are_listed_for_their_approver_and_kept_out_of_training(catalog) -> None:  # noqa: ANN001
    assert catalog.proposals, "the manual has proposals (retention periods at least)"
    for pending in catalog.proposals:
        assert pending.reason and pending.by.id and pending.approver.id and pending.item and pending.place
    for role in catalog.roles:
        for _, section in role.duties:
            assert any(link.id == role.id and not link.proposed for link in section.roles)
        for _, row, _letters in role.raci:
            assert not row.proposed
            assert any(link.id == role.id and not link.proposed for links in row.letters.values() for link in links)
        assert not any(e.target.proposed for e in role.targets)
        assert not any(e.deadline.proposed for e in role.deadlines)
        if role.trained:
            for fact in facts(catalog, role.id):
                if fact.kind == "duty" and fact.section is not None:
                    assert any(link.id == role.id and not link.proposed for link in fact.section.roles), fact.key
                if fact.target is not None:
                    assert not fact.target.target.proposed, fact.key
                if fact.deadline is not None:
                    assert not fact.deadline.deadline.proposed, fact.key
                if fact.matrix is not None:
                    assert not fact.matrix.proposed, fact.key
        if role.proposed:
            assert not role.trained  # a proposed role gets no training pack and no quiz


# --------------------------------------------------------------------------- the rules, each at its line


def test_a_role_the_clause_does_not_name_is_e292_at_the_role(copy: Path) -> None:
    text = "物管员负责依照本规范实施具体回访工作。"
    change(copy, DOC, lambda d: _node(d, text)[0]["roles"].append("president"))
    data = round_trip().load((copy / DOC).read_text(encoding="utf-8"))
    node, loc = _node(data, text)
    assert (DOC, line_at(copy, DOC, (*loc, "roles", len(node["roles"]) - 1))) in problems(copy, "E292")


def test_a_proposed_role_passes_and_a_basis_for_a_role_not_there_is_e295(copy: Path) -> None:
    text = "物管员负责依照本规范实施具体回访工作。"

    def propose(d: Any) -> None:
        node = _node(d, text)[0]
        node["roles"].append("president")
        node["role_basis"] = {"president": {"proposed": {"by": "quality-dept", "reason": "原文未写明；试拟"}}}

    change(copy, DOC, propose)
    assert not problems(copy, "E292") and not problems(copy, "E295")
    change(copy, DOC, lambda d: _node(d, text)[0]["roles"].remove("president"))
    assert [path for path, _ in problems(copy, "E295")] == [DOC]


def test_a_deadline_whose_words_are_not_in_its_clause_is_e293(copy: Path) -> None:
    text = "投诉事件的回访，应在投诉处理完毕后的三天内进行；"

    def relabel(d: Any) -> None:
        _node(d, text)[0]["deadlines"][0]["label"] = "四天内"

    change(copy, DOC, relabel)
    node, loc = _node(round_trip().load((copy / DOC).read_text(encoding="utf-8")), text)
    assert (DOC, line_at(copy, DOC, (*loc, "deadlines", 0))) in problems(copy, "E293")


def test_a_retention_period_without_a_basis_is_e290_and_a_quote_not_in_the_seed_is_e291(copy: Path) -> None:
    form = "forms/return-visit-statistics.yml"
    change(copy, form, lambda d: d["retention"].pop("basis"))
    assert (form, line_at(copy, form, ("retention",))) in problems(copy, "E290")
    change(copy, form, lambda d: d["retention"].__setitem__("basis", {"quote": "回访统计表保存三年"}))
    assert (form, line_at(copy, form, ("retention", "basis"))) in problems(copy, "E291")


def test_a_quote_found_in_two_clauses_is_ambiguous(copy: Path) -> None:
    form = "forms/return-visit-statistics.yml"
    change(copy, form, lambda d: d["retention"].__setitem__("basis", {"quote": "回访", "document": "return-visit"}))
    found = [p for p in check(copy).problems if p.code == "E291"]
    assert found and "多引几个字" in found[0].message


def test_approved_in_a_version_that_records_no_approval_is_e294(copy: Path) -> None:
    form = "forms/return-visit-statistics.yml"
    change(copy, form, lambda d: d["retention"].__setitem__("basis", {"approved": {"version": "1.0"}}))
    assert (form, line_at(copy, form, ("retention", "basis"))) in problems(copy, "E294")


def test_a_role_no_document_names_must_be_proposed(copy: Path) -> None:
    path = "procedures/roles.yml"
    change(
        copy,
        path,
        lambda d: d["roles"].append({"id": "night-porter", "name": "夜班门卫", "description": "试拟的岗位。"}),
    )
    count = len(round_trip().load((copy / path).read_text(encoding="utf-8"))["roles"])
    assert (path, line_at(copy, path, ("roles", count - 1, "name"))) in problems(copy, "E296")


def test_one_approver_at_most_and_none_is_allowed(copy: Path) -> None:
    def two(d: Any) -> None:
        d["matrix"][0]["A"] = ["project-manager", "project-manager-assistant"]

    change(copy, DOC, two)
    assert [path for path, _ in problems(copy, "E210")] == [DOC]
    change(copy, DOC, lambda d: d["matrix"][0].pop("A"))
    assert not problems(copy, "E210")


# --------------------------------------------------------------------------- procgen approve, in git


def _first(root: Path, kind: str) -> Any:
    catalog = load_catalog(root)
    return next(p for p in catalog.proposals if p.kind == kind and p.source.kind == "document")


def test_approve_raises_the_version_and_records_what_by_whom_and_when(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    company = repo / "procedures" / "company.yml"
    company.write_text(company.read_text(encoding="utf-8") + "people:\n  president: 王总\n", encoding="utf-8")
    git(repo, "commit", "-qam", "names")
    pending = _first(repo, "职责分派")
    before = (repo / pending.path).read_text(encoding="utf-8")
    version = re.search(r'(?m)^version: "(\d+)\.(\d+)"', before)
    assert version
    new = f"{version.group(1)}.{int(version.group(2)) + 1}"
    day = release(repo / pending.path).after  # approved after the file's latest entry
    assert main(["approve", pending.source.id, pending.item, "--date", day.isoformat(), "--path", str(repo)]) == 0
    assert f"升为 {new} 版" in capsys.readouterr().out
    after = (repo / pending.path).read_text(encoding="utf-8")
    assert f'version: "{new}"' in after and 'approved: {version: "' + new + '"}' in after
    assert "summary: 批准拟定内容" in after and f"{pending.kind}（{pending.place}）" in after
    assert "approved_by: 王总" in after and f"date: {day}" in after and f"effective: {day}" in after
    # Everything else of the file is as it was: comments and layout kept, only the lines of the change differ.
    assert sum(1 for line in before.splitlines() if line not in after.splitlines()) <= 8
    result = check(repo)
    assert not result.errors, result.errors[:3]
    assert result.catalog is not None
    assert all(p.item != pending.item or p.source != pending.source for p in result.catalog.proposals)
    versions = result.manual.versions[pending.source.id]
    assert any("批准拟定内容" == r.summary for v in versions for r in v.revisions)


def test_reject_removes_the_proposal_in_a_new_version(repo: Path) -> None:
    pending = _first(repo, "职责分派")
    role = pending.loc[-1]
    assert main(["approve", pending.source.id, pending.item, "--reject", "--path", str(repo)]) == 0
    data = round_trip().load((repo / pending.path).read_text(encoding="utf-8"))
    owner = data
    for part in pending.loc[: pending.loc.index("role_basis")]:
        owner = owner[part]
    assert role not in owner.get("roles", []) and role not in owner.get("role_basis", {})
    assert "rejections" in data["revisions"][-1]
    assert not check(repo).errors


def test_approve_refuses_what_it_cannot_do_with_a_message(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["approve", "no-such-document", "--path", str(repo)]) == 1
    assert "没有 id 或编号为 no-such-document" in capsys.readouterr().err
    pending = _first(repo, "职责分派")
    assert main(["approve", pending.source.id, "body.99", "--path", str(repo)]) == 1
    assert "可批准的条目" in capsys.readouterr().err
    # a new version dated before the one it replaces
    earlier = release(repo / pending.path).latest - dt.timedelta(days=1)
    before = (repo / pending.path).read_bytes()
    assert main(["approve", pending.source.id, pending.item, "--date", earlier.isoformat(), "--path", str(repo)]) == 1
    assert "新版本不能早于它所取代的版本" in capsys.readouterr().err
    assert (repo / pending.path).read_bytes() == before
    form = next(p for p in load_catalog(repo).proposals if p.kind == "保存期限")
    before = (repo / form.path).read_bytes()
    assert main(["approve", form.source.id, form.item, "--reject", "--path", str(repo)]) == 1
    assert "不能用 --reject 删去" in capsys.readouterr().err
    assert (repo / form.path).read_bytes() == before
    (repo / "procedures" / "roles.yml").write_text("roles: [\n", encoding="utf-8")
    assert main(["approve", pending.source.id, "--path", str(repo)]) == 1
    assert "请先用 procgen check 改正" in capsys.readouterr().err


# --------------------------------------------------------------------------- what staff, auditors and the quality department see


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _rows(page: str) -> list[str]:
    return [_text(row) for row in re.findall(r"<tr[ >].*?</tr>", page, flags=re.S)]


@pytest.mark.slow
def test_pages_mark_proposals_and_the_worklist_groups_them_by_approver(manual_site: Path, catalog) -> None:  # noqa: ANN001
    worklist = (manual_site / "proposals" / "index.html").read_text(encoding="utf-8")
    assert f"共 {len(catalog.proposals)} 项" in _text(worklist)
    approvers = {p.approver.title for p in catalog.proposals}
    for title in approvers:
        assert f"由{title}批准" in _text(worklist)
    assert len(_rows(worklist)) - len(approvers) == len(catalog.proposals)  # one header row per group
    # /records/: the seed's period is plain; every other period says it is a proposal
    for row in _rows((manual_site / "records" / "index.html").read_text(encoding="utf-8"))[1:]:
        assert ("拟定·待批准" in row) == ("回访记录表" not in row), row
    # the matrix marks each proposed letter, and nothing else
    matrix = (manual_site / "matrix" / "index.html").read_text(encoding="utf-8")
    marked = sum(len(letters) for line in catalog.matrix.rows for letters in line.proposed)
    # (the legend shows one more, as an example: it has no title)
    assert matrix.count('<span class="pm-raci-cell--proposed" title="拟定·待批准"') == marked > 0
    assert "每项活动恰有一个" not in matrix
    # a role the seed never names says so on its page and has no training pack
    proposed = next(r for r in catalog.roles if r.proposed)
    page = (manual_site / "roles" / proposed.id / "index.html").read_text(encoding="utf-8")
    assert "公司的文件没有提到这个" in _text(page) and "培训资料 PDF" not in _text(page)
    # staff's home page carries no administrator's worklist; the guide does
    assert "评审已逾期" not in _text((manual_site / "index.html").read_text(encoding="utf-8"))
    assert "待批准的拟定内容" in _text((manual_site / "guide" / "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_controlled_copy_prints_approved_content_only(rendered, catalog) -> None:  # noqa: ANN001
    from test_pdf import squeeze, text_of

    out, _ = rendered
    view = catalog.document("return-visit")
    withheld = [p for p in catalog.proposals if p.source == view.link]
    text = squeeze("".join(text_of(out / "procedures" / "return-visit.pdf")))
    assert "拟定·待批准" not in text
    if withheld:
        assert f"另有{len(withheld)}项由编写人员拟定、尚待批准的内容" in text
    for row in view.matrix:
        if row.proposed:
            assert squeeze(row.activity.text) not in text.split("职责矩阵", 1)[-1].split("记录与表单", 1)[0]
    assert "版本生成日期" in text and "打印日期" not in text


def test_revision_records_speak_for_the_company() -> None:
    """What a controlled copy prints as its revision record: what changed and why, never the tool's name or an
    editor's doubt (those stay in YAML comments or a proposal's reason)."""
    loaded, _ = load_all(REPO)
    for located, model in [*loaded.documents, *loaded.forms]:
        for revision in model.revisions:
            for line in (
                revision.summary,
                *revision.changes,
                *revision.data_changes,
                *revision.approvals,
                *revision.rejections,
            ):
                assert not re.search(r"procgen|疑为|不能确定|疑脱|数据更正（正文不变）", line), (located.path, line)
