"""The training matrix, a role's facts, and who is retrained when a document's new version changes them:
on the real catalog, and on a copy of the repository with one document edited and its version raised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MANUAL_TODAY, ROOT, release

from generator.catalog.views import Catalog
from generator.check.run import check, load_catalog
from generator.training.facts import APPLY, KNOW, role_facts, training_matrix
from generator.training.retraining import Retrain, retraining

RETURN_VISIT = ROOT / "procedures" / "11-return-visit.yml"


def holders(row, letter: str) -> list[str]:  # noqa: ANN001 - the YAML model's MatrixRow
    if letter == "A":
        return [row.A] if isinstance(row.A, str) else list(row.A or [])
    return list(getattr(row, letter))


def copy_repo(target: Path) -> Path:
    for folder in ("procedures", "forms", "schemas"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def edit(root: Path, *changes: tuple[str, str]) -> None:
    """Each (old, new) once in 11-return-visit.yml of the copy."""
    path = root / "procedures" / "11-return-visit.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


NOW = release(RETURN_VISIT)
"""WY-GL-11 as the repository has it: the edits raise it to the next version, dated after its latest entry."""
NEW_VERSION = (
    (f'version: "{NOW.version}"\neffective: {NOW.effective}', f'version: "{NOW.next}"\neffective: {NOW.after}'),
    (
        "audience:",
        f'  - version: "{NOW.next}"\n    date: {NOW.after}\n    summary: 回访率与统计期限调整\n'
        "    changes:\n      - 4.1.2 a) 投诉事件回访率改为 95%；4.6 统计改为每月月底。\naudience:",
    ),
)
TARGET = (
    '投诉事件的回访率要求达到100%;\n                targets:\n                  - {metric: 投诉事件回访率, op: "=", value: 100,',
    '投诉事件的回访率要求达到95%;\n                targets:\n                  - {metric: 投诉事件回访率, op: ">=", value: 95,',
)
DEADLINE = (
    "{label: 每季度末, every: P3M, window: quarter-end, role: property-officer}",
    "{label: 每季度末, every: P1M, window: month-end, role: property-officer}",
)


# --------------------------------------------------------------------------- the training matrix


def test_the_matrix_has_every_staff_role_and_every_document_in_catalog_order(catalog: Catalog) -> None:
    matrix = training_matrix(catalog)
    assert [d.id for d in matrix.documents] == [d.id for d in catalog.documents]
    first = matrix.documents[0]
    assert (first.code, first.title, first.version) == ("WY-GL-01", "物业服务沟通管理工作程序", "1.1")
    assert [r.role.id for r in matrix.rows] == [r.id for r in catalog.roles if r.trained]
    assert "customer" not in {r.role.id for r in matrix.rows}
    assert all(len(r.cells) == len(matrix.documents) for r in matrix.rows)
    assert {cell for r in matrix.rows for cell in r.cells} == {APPLY, KNOW, ""}


def test_a_role_applies_the_document_that_gives_it_duties(catalog: Catalog) -> None:
    doc = catalog.document("return-visit")
    assert any("property-officer" in node.roles for node in doc.document.body[3].items)  # 4.x 程序要点
    assert training_matrix(catalog).cell("property-officer", "return-visit") == APPLY == "应用"


def test_a_role_only_in_the_audience_must_know_the_document(catalog: Catalog) -> None:
    doc = catalog.document("cost-control-training")
    assert "project-manager" in doc.document.audience
    assert not any("project-manager" in holders(row, x) for row in doc.document.matrix for x in "RACI")
    assert not any(link.id == "project-manager" for section in doc.walk() for link in section.roles)
    matrix = training_matrix(catalog)
    assert matrix.cell("project-manager", "cost-control-training") == KNOW == "了解"
    assert matrix.cell("project-manager", "vehicle-rules") == ""


def test_a_consulted_or_informed_role_must_know_and_a_responsible_one_apply(catalog: Catalog) -> None:
    matrix = training_matrix(catalog)
    assert matrix.cell("board-member", "communication") == KNOW  # I of 董事会会议的准备工作和相关纪要 only
    assert matrix.cell("driver", "vehicle-rules") == APPLY


# --------------------------------------------------------------------------- facts


def test_role_facts_print_the_rules(catalog: Catalog) -> None:
    facts = role_facts(catalog, "property-officer")
    assert facts["return-visit:s4-6:deadline:0"] == "期限 每季度末（原文：每季度末；WY-GL-11 4.6）"
    assert facts["return-visit:s3-3:duty:0"] == "职责 物管员负责依照本规范实施具体回访工作。（WY-GL-11 3.3）"
    rows = catalog.document("return-visit").document.matrix
    letters = {i: [x for x in "RACI" if "property-officer" in holders(r, x)] for i, r in enumerate(rows)}
    matrix = {k: v for k, v in facts.items() if ":matrix:" in k}
    assert list(matrix) == [f"return-visit:matrix:matrix:{i}" for i, held in letters.items() if held]
    assert matrix["return-visit:matrix:matrix:5"] == "职责矩阵 每季度回访结果统计、分析：负责（R）（WY-GL-11 职责矩阵）"
    # 4.3 回访人员在限定时效内进行回访: the 4.1.1 time limits are the 物管员's too.
    assert facts["return-visit:s4-1-1-1:deadline:0"] == "期限 投诉处理完毕后3天内（原文：三天内；WY-GL-11 4.1.1 a)）"
    assert role_facts(catalog, "project-manager-assistant")["return-visit:s4-1-2-1:target:0"] == (
        "目标 投诉事件回访率 100%（WY-GL-11 4.1.2 a)）"
    )
    assert role_facts(catalog, "property-officer") == facts  # stable


# --------------------------------------------------------------------------- retraining


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROCGEN_TODAY", MANUAL_TODAY.isoformat())
        return load_catalog(copy_repo(tmp_path_factory.mktemp("before")))


def load_edited(root: Path, *changes: tuple[str, str]) -> Catalog:
    edit(copy_repo(root), *changes)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROCGEN_TODAY", MANUAL_TODAY.isoformat())
        result = check(root)
    assert result.catalog is not None, [p.text() for p in result.errors]
    return result.catalog


def test_retraining_lists_exactly_the_roles_whose_facts_changed(before: Catalog, tmp_path: Path) -> None:
    after = load_edited(tmp_path / "after", TARGET, DEADLINE, *NEW_VERSION)
    assert after.document("return-visit").document.version == NOW.next
    assert retraining(before, after, "return-visit") == [
        Retrain(
            after.role("project-manager-assistant").link,
            "return-visit",
            NOW.version,
            NOW.next,
            changed=(
                ("目标 投诉事件回访率 100%（WY-GL-11 4.1.2 a)）", "目标 投诉事件回访率 ≥ 95%（WY-GL-11 4.1.2 a)）"),
            ),
        ),
        Retrain(
            after.role("property-officer").link,
            "return-visit",
            NOW.version,
            NOW.next,
            changed=(
                ("期限 每季度末（原文：每季度末；WY-GL-11 4.6）", "期限 每月月底（原文：每季度末；WY-GL-11 4.6）"),
            ),
        ),
    ]
    assert retraining(before, after, "communication") == []  # its version did not change


def test_retraining_names_added_and_removed_facts_and_leaves_out_outside_parties(
    before: Catalog, tmp_path: Path
) -> None:
    # 4.3 is the clause of the 回访人员 and the customer; the matrix row of the statistics loses its C
    after = load_edited(
        tmp_path / "after",
        ("回访人员在限定时效内进行回访，", "回访人员在规定时效内进行回访，"),
        ("    A: project-manager\n    C: [project-manager-assistant]\n", "    A: project-manager\n"),
        (
            "records: [return-visit-receipt",
            "  - activity: 回访统计表的审核\n    basis: {quote: 以书面形式经项目经理助理审核后}\n"
            "    R: [project-manager-assistant]\n    A: project-manager\n    role_basis:\n"
            "      project-manager: {quote: 报项目处经理决定}\nrecords: [return-visit-receipt",
        ),
        *NEW_VERSION,
    )
    found = {r.role.id: r for r in retraining(before, after, "return-visit")}
    assert set(found) == {"property-officer", "project-manager", "department-head", "project-manager-assistant"}
    assert "customer" not in found  # named in 4.3 too, but an outside party is not trained
    assistant = found["project-manager-assistant"]
    assert assistant.removed == ("职责矩阵 每季度回访结果统计、分析：咨询（C）（WY-GL-11 职责矩阵）",)
    assert assistant.added == ("职责矩阵 回访统计表的审核：负责（R）（WY-GL-11 职责矩阵）",)
    assert assistant.changed == ()
    assert found["project-manager"].added == ("职责矩阵 回访统计表的审核：批准（A）（WY-GL-11 职责矩阵）",)
    officer = found["property-officer"]
    assert [new for _, new in officer.changed] == [
        "职责 回访人员在规定时效内进行回访，回访工作一般采用与客户面谈、现场查看的方式综合进行，将回访内容扼要记录在《回访记录表》上，"
        "并请客户对记录内容签名确认。（WY-GL-11 4.3）"
    ]


def test_an_edit_without_a_new_version_needs_no_retraining(before: Catalog, tmp_path: Path) -> None:
    after = load_edited(tmp_path / "after", TARGET)
    assert after.document("return-visit").document.version == NOW.version
    assert retraining(before, after, "return-visit") == []
