"""generator/model/: strict typed models of the four file types."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID
from pydantic import BaseModel, ValidationError

from generator.model import base, document, registry
from generator.model import form as form_models
from generator.model.document import Deadline, Document, Line, MatrixRow, Meeting, Node, ServiceTable, Target
from generator.model.files import FILE_MODELS
from generator.model.form import ChoiceField, FormSchema, Retention, RuledTable, SignatureField, TextareaField
from generator.model.registry import CompanyFile, ExternalFile, RolesFile
from generator.model.vocabulary import VocabularyFile
from generator.source.loader import load_file

pytestmark = pytest.mark.usefixtures("fixed_today")


def data(rel: str) -> Any:
    located, problems = load_file(VALID / rel, rel)
    assert problems == [] and located is not None
    return located.data


def errors(model: type[BaseModel], value: Any) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(value)
    return [e["type"] for e in info.value.errors()]


DOC = {
    "id": "memo",
    "code": "WY-GL-04",
    "title": "回访备忘",
    "kind": "procedure",
    "version": "1.0",
    "effective": dt.date(2024, 2, 23),
    "owner": "quality-dept",
    "approver": "president",
    "review_months": 12,
    "revisions": [{"version": "1.0", "date": dt.date(2024, 2, 23), "summary": "首次发布"}],
    "body": [{"text": "物管员负责回访。", "roles": ["property-officer"]}],
}


def doc(**changes: Any) -> dict[str, Any]:
    return {**DOC, **changes}


# --------------------------------------------------------------------------- the fixture files


@pytest.mark.parametrize(
    ("rel", "model"),
    [
        ("procedures/roles.yml", RolesFile),
        ("procedures/external.yml", ExternalFile),
        ("procedures/01-return-visit.yml", Document),
        ("procedures/02-communication.yml", Document),
        ("procedures/03-customer-service.yml", Document),
        ("forms/visit-record.yml", FormSchema),
        ("forms/visit-receipt.yml", FormSchema),
    ],
)
def test_valid_fixture_files_validate(rel: str, model: type[BaseModel]) -> None:
    assert isinstance(model.model_validate(data(rel)), model)


def test_file_models() -> None:
    assert FILE_MODELS == {
        "document": Document,
        "company": CompanyFile,
        "roles": RolesFile,
        "external": ExternalFile,
        "form": FormSchema,
    }


def test_every_model_forbids_unknown_keys() -> None:
    classes = [
        c
        for module in (base, document, form_models, registry)
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, BaseModel) and c.__module__ == module.__name__
    ]
    assert len(classes) > 30
    for cls in classes:
        assert cls.model_config.get("extra") == "forbid", cls.__name__


def test_valid_fixture_exercises_every_feature() -> None:
    docs = [
        Document.model_validate(data(f"procedures/{n}"))
        for n in ("01-return-visit.yml", "02-communication.yml", "03-customer-service.yml")
    ]
    forms = [FormSchema.model_validate(data(f"forms/{n}")) for n in ("visit-record.yml", "visit-receipt.yml")]

    def nodes(items: list[Node]) -> list[Node]:
        return [n for node in items for n in (node, *nodes(node.items))]

    all_nodes = [n for d in docs for n in nodes(d.body)]
    styles = (
        {d.numbering for d in docs}
        | {n.style for n in all_nodes if n.style}
        | {n.meeting_style for n in all_nodes if n.meeting_style}
    )
    assert styles >= {
        "part",
        "cn",
        "cn-paren",
        "arabic",
        "arabic-dot",
        "arabic-paren",
        "latin",
        "latin-dot",
        "latin-paren",
        "decimal",
        "decimal-zero",
        "triangle",
        "bullet",
        "none",
    }
    deadlines = [dl for n in all_nodes for dl in n.deadlines]
    assert any(d.within and d.after for d in deadlines) and any(d.not_before for d in deadlines)
    assert any(d.every for d in deadlines) and any(d.months for d in deadlines) and any(d.due for d in deadlines)
    assert any(d.within and d.within.startswith("PT") for d in deadlines)
    targets = [t for n in all_nodes for t in n.targets]
    assert {t.op for t in targets} >= {">=", "<="} and any(isinstance(t.value, float) for t in targets)
    assert any(n.meetings for n in all_nodes) and any(n.service_table for n in all_nodes)
    assert any(n.refs for n in all_nodes) and any(n.after for n in all_nodes)
    assert any(isinstance(d.intro, list) for d in docs) and any(isinstance(d.intro, str) for d in docs)
    assert any(isinstance(r.A, list) for d in docs for r in d.matrix) and any(
        isinstance(r.A, str) for d in docs for r in d.matrix
    )
    assert any(d.records for d in docs) and any(d.related for d in docs) and any(d.aliases for d in docs)
    assert any(len(d.revisions) > 1 for d in docs)
    fields: set[str] = set()
    blocks: set[str] = set()

    def walk(layout: list[Any]) -> None:
        for block in layout:
            blocks.add(type(block).__name__)
            if isinstance(block, form_models.RowBlock):
                fields.update(f.type for f in block.row)
            if isinstance(block, form_models.SectionBlock):
                walk(block.blocks)

    for form in forms:
        walk(form.layout)
    assert fields == {"text", "date", "datetime", "number", "choice", "checkbox", "textarea", "signature"}
    assert blocks == {"RowBlock", "TableBlock", "NoteBlock", "SectionBlock"}
    assert {f.retention.permanent for f in forms} == {True, False}
    assert {f.orientation for f in forms} == {"portrait", "landscape"}
    tables = [b.table for f in forms for b in f.layout if isinstance(b, form_models.TableBlock)]
    tables += [
        b.table
        for f in forms
        for s in f.layout
        if isinstance(s, form_models.SectionBlock)
        for b in s.blocks
        if isinstance(b, form_models.TableBlock)
    ]
    assert any(t.row_labels for t in tables) and any(t.numbered for t in tables)


# --------------------------------------------------------------------------- documents


def test_minimal_document_and_defaults() -> None:
    d = Document.model_validate(DOC)
    assert d.numbering == "cn" and d.matrix == [] and d.records == [] and d.aliases == [] and d.intro is None


@pytest.mark.parametrize(
    "kind", ["procedure", "standard", "regulation", "duties", "training", "service-scope", "policy"]
)
def test_document_kinds(kind: str) -> None:
    assert Document.model_validate(doc(kind=kind)).kind == kind


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"kind": "memo"}, "literal_error"),
        ({"id": "Return_Visit"}, "string_pattern_mismatch"),
        ({"id": "return--visit"}, "string_pattern_mismatch"),
        ({"id": "-visit"}, "string_pattern_mismatch"),
        ({"code": "wy-gl-01"}, "string_pattern_mismatch"),
        ({"version": "1"}, "string_pattern_mismatch"),
        ({"version": 1.0}, "string_type"),
        ({"effective": dt.datetime(2024, 2, 23, 8, 30)}, "value_error"),
        ({"effective": "23/02/2024"}, "date_from_datetime_parsing"),
        ({"review_months": 0}, "greater_than_equal"),
        ({"review_months": 61}, "less_than_equal"),
        ({"review_months": "12"}, "int_type"),
        ({"revisions": []}, "too_short"),
        ({"body": []}, "too_short"),
        ({"title": ""}, "string_too_short"),
        ({"numbering": "roman"}, "literal_error"),
        ({"reviewer": "president"}, "extra_forbidden"),
    ],
)
def test_document_rejects(changes: dict[str, Any], error: str) -> None:
    assert error in errors(Document, doc(**changes))


def test_document_requires_control_metadata() -> None:
    for key in (
        "id",
        "code",
        "title",
        "kind",
        "version",
        "effective",
        "owner",
        "approver",
        "review_months",
        "revisions",
        "body",
    ):
        value = dict(DOC)
        del value[key]
        assert errors(Document, value) == ["missing"], key


def test_schema_comment_key_is_allowed() -> None:
    assert Document.model_validate(doc(**{"$schema": "../schemas/document.json"})).id == "memo"


def test_revision_changes_and_approver() -> None:
    d = Document.model_validate(
        doc(
            revisions=[
                {
                    "version": "1.0",
                    "date": dt.date(2024, 2, 23),
                    "summary": "首次发布",
                    "changes": ["改错字。"],
                    "approver": "president",
                }
            ]
        )
    )
    assert d.revisions[0].changes == ["改错字。"]


# --------------------------------------------------------------------------- nested content


def test_node_needs_some_content() -> None:
    assert errors(Node, {"roles": ["president"]}) == ["value_error"]
    for content in ({"title": "目的"}, {"text": "一。"}, {"text": ["一。", "二。"]}, {"items": [{"text": "一。"}]}):
        assert Node.model_validate(content)


def test_node_text_is_text_or_list_of_text() -> None:
    assert "string_type" in errors(Node, {"text": 5})
    assert "string_type" in errors(Node, {"text": ["一。", 2]})


@pytest.mark.parametrize(
    "value",
    [
        {"label": "三天内", "within": "P3D", "after": "投诉处理完毕"},
        {"label": "一个月后两个月内", "not_before": "P1M", "within": "P2M", "after": "完成维修工程"},
        {"label": "24小时内", "within": "PT24H"},
        {"label": "每周", "every": "P1W"},
        {"label": "每半年", "every": "P6M"},
        {"label": "六月和十一月", "months": [6, 11]},
        {"label": "下一季度10号前", "due": {"period": "next-quarter", "day": 10}},
        {"label": "两年", "within": "P2Y", "role": "property-officer"},
        {"label": "一年半", "within": "P1Y6M"},
    ],
)
def test_deadline_kinds(value: dict[str, Any]) -> None:
    assert Deadline.model_validate(value).label == value["label"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ({"label": "三天内", "within": "三天"}, "string_pattern_mismatch"),
        ({"label": "三天内", "within": "3D"}, "string_pattern_mismatch"),
        ({"label": "尽快"}, "value_error"),
        ({"label": "之后", "after": "投诉", "every": "P1W"}, "value_error"),
        ({"label": "一月后", "not_before": "P1M", "every": "P1W"}, "value_error"),
        ({"label": "十三月", "months": [13]}, "less_than_equal"),
        ({"label": "零月", "months": [0]}, "greater_than_equal"),
        ({"label": "下季度", "due": {"period": "next-decade", "day": 10}}, "literal_error"),
        ({"label": "下季度", "due": {"period": "next-quarter", "day": 32}}, "less_than_equal"),
        ({"within": "P3D"}, "missing"),
    ],
)
def test_deadline_rejects(value: dict[str, Any], error: str) -> None:
    assert error in errors(Deadline, value)


def test_target_is_typed() -> None:
    t = Target.model_validate({"metric": "客户满意率", "op": ">=", "value": 95, "unit": "%"})
    assert (t.metric, t.op, t.value, t.unit, t.role) == ("客户满意率", ">=", 95, "%", None)
    assert Target.model_validate({"metric": "有效投诉率", "op": "<=", "value": 0.1, "unit": "%"}).value == 0.1
    for op in (">=", "<=", "=", ">", "<"):
        assert Target.model_validate({"metric": "m", "op": op, "value": 1, "unit": "次"}).op == op


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"value": "95"}, "int_type"),
        ({"value": True}, "int_type"),
        ({"op": "≥"}, "literal_error"),
        ({"unit": ""}, "string_too_short"),
    ],
)
def test_target_rejects(change: dict[str, Any], error: str) -> None:
    assert error in errors(Target, {"metric": "m", "op": ">=", "value": 95, "unit": "%", **change})


def test_target_needs_a_unit() -> None:
    assert errors(Target, {"metric": "m", "op": ">=", "value": 95}) == ["missing"]


def test_meeting() -> None:
    value = {
        "name": "董事会",
        "purpose": "评议",
        "owner": "副总",
        "frequency": "半年一次",
        "participants": "董事",
        "format": "会议",
    }
    m = Meeting.model_validate(value)
    assert m.order is None and m.schedule is None and m.participant_roles == []
    assert Meeting.model_validate({**value, "order": ["purpose", "participants", "frequency", "owner", "format"]}).order
    assert "literal_error" in errors(Meeting, {**value, "order": ["purpose", "place"]})
    del value["format"]
    assert errors(Meeting, value) == ["missing"]


def test_service_table_has_three_columns() -> None:
    group = {
        "service": "前台服务",
        "rows": [{"content": "问询", "standards": ["形象良好;", {"text": "满意率95%以上。", "targets": []}]}],
    }
    table = ServiceTable.model_validate({"columns": ["服务项目", "服务内容", "服务标准"], "groups": [group]})
    assert isinstance(table.groups[0].rows[0].standards[1], Line)
    assert "too_short" in errors(ServiceTable, {"columns": ["a", "b"], "groups": [group]})
    assert "too_long" in errors(ServiceTable, {"columns": ["a", "b", "c", "d"], "groups": [group]})
    assert "too_short" in errors(ServiceTable, {"columns": ["a", "b", "c"], "groups": []})


def test_matrix_row_letters() -> None:
    row = MatrixRow.model_validate({"activity": "制定回访计划", "R": ["a"], "A": "b"})
    assert (row.R, row.A, row.C, row.I) == (["a"], "b", [], [])
    assert MatrixRow.model_validate({"activity": "x", "A": ["b", "c"]}).A == ["b", "c"]
    assert "extra_forbidden" in errors(MatrixRow, {"activity": "x", "X": ["a"]})


def test_roles_file() -> None:
    roles = RolesFile.model_validate(data("procedures/roles.yml"))
    assert roles.departments[2].parent == "quality-dept"
    assert roles.roles[1].aliases == ["项目经理"] and roles.roles[1].reports_to == "president"
    assert "too_short" in errors(RolesFile, {"roles": []})
    assert "missing" in errors(RolesFile, {"roles": [{"id": "x", "name": "X"}]})


def test_external_file() -> None:
    ext = ExternalFile.model_validate(data("procedures/external.yml"))
    assert [d.status for d in ext.documents] == ["planned", "external"]
    assert "literal_error" in errors(ExternalFile, {"documents": [{"id": "x", "title": "X", "status": "draft"}]})
    assert "missing" in errors(ExternalFile, {"documents": [{"id": "x", "title": "X"}]})


# --------------------------------------------------------------------------- forms


FORM = {
    "id": "f",
    "code": "WY-JL-01-09",
    "title": "表",
    "version": "1.0",
    "procedure": "return-visit",
    "retention": {"period": "P2Y", "keeper": "project-office"},
    "layout": [{"note": "说明"}],
}


def test_form_defaults() -> None:
    form = FormSchema.model_validate(FORM)
    assert form.orientation == "portrait" and form.numbered is True and form.filled_by == []


@pytest.mark.parametrize(
    "field",
    [
        {"label": "单位", "type": "text"},
        {"label": "日期", "type": "date"},
        {"label": "时间", "type": "datetime"},
        {"label": "人数", "type": "number", "unit": "人"},
        {"label": "方式", "type": "choice", "options": ["面谈", "电话"], "multiple": True},
        {"label": "已确认", "type": "checkbox"},
        {"label": "内容", "type": "textarea", "lines": 6},
        {"label": "签名", "type": "signature", "date": False},
    ],
)
def test_every_field_type(field: dict[str, Any]) -> None:
    form = FormSchema.model_validate({**FORM, "layout": [{"row": [{**field, "span": 6, "hint": "提示"}]}]})
    assert form.layout[0].row[0].type == field["type"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("field", "error"),
    [
        ({"label": "x", "type": "dat"}, "union_tag_invalid"),
        ({"label": "x"}, "union_tag_not_found"),
        ({"label": "x", "type": "choice", "options": ["一"]}, "too_short"),
        ({"label": "x", "type": "textarea"}, "missing"),
        ({"label": "x", "type": "textarea", "lines": 41}, "less_than_equal"),
        ({"label": "x", "type": "text", "span": 13}, "less_than_equal"),
        ({"label": "x", "type": "text", "lines": 3}, "extra_forbidden"),
        ({"label": "", "type": "text"}, "string_too_short"),
    ],
)
def test_field_rejects(field: dict[str, Any], error: str) -> None:
    assert error in errors(FormSchema, {**FORM, "layout": [{"row": [field]}]})


def test_signature_has_a_date_box_by_default() -> None:
    assert SignatureField.model_validate({"label": "签名", "type": "signature"}).date is True
    assert ChoiceField.model_validate({"label": "c", "type": "choice", "options": ["a", "b"]}).multiple is False
    assert TextareaField.model_validate({"label": "t", "type": "textarea", "lines": 1}).lines == 1


def test_ruled_table() -> None:
    table = RuledTable.model_validate(
        {"columns": [{"label": "类别"}], "rows": 3, "row_labels": ["处理宗数", "回访宗数", "回访率"]}
    )
    assert table.columns[0].width == 1 and table.numbered is False and table.title is None
    assert "greater_than_equal" in errors(RuledTable, {"columns": [{"label": "a"}], "rows": 0})
    assert "less_than_equal" in errors(RuledTable, {"columns": [{"label": "a"}], "rows": 501})
    assert "too_short" in errors(RuledTable, {"columns": [], "rows": 1})


def test_blocks_and_nested_sections() -> None:
    layout = [
        {
            "section": "甲",
            "blocks": [{"section": "乙", "blocks": [{"table": {"columns": [{"label": "a"}], "rows": 1}}]}],
        }
    ]
    form = FormSchema.model_validate({**FORM, "layout": layout})
    inner = form.layout[0].blocks[0]  # type: ignore[union-attr]
    assert isinstance(inner, form_models.SectionBlock) and isinstance(inner.blocks[0], form_models.TableBlock)
    assert errors(FormSchema, {**FORM, "layout": [{"rows": 1}]}) == ["form_block"]
    assert "too_short" in errors(FormSchema, {**FORM, "layout": [{"section": "甲", "blocks": []}]})
    assert "too_short" in errors(FormSchema, {**FORM, "layout": []})


@pytest.mark.parametrize(
    ("retention", "ok"),
    [
        ({"period": "P2Y", "keeper": "k"}, True),
        ({"permanent": True, "keeper": "k"}, True),
        ({"period": "P2Y", "permanent": True, "keeper": "k"}, False),
        ({"keeper": "k"}, False),
        ({"permanent": False, "keeper": "k"}, False),
    ],
)
def test_retention_is_a_period_or_permanent(retention: dict[str, Any], ok: bool) -> None:
    if ok:
        assert Retention.model_validate(retention)
    else:
        assert errors(Retention, retention) == ["value_error"]


def test_retention_handover_is_a_deadline() -> None:
    r = Retention.model_validate(
        {
            "period": "P2Y",
            "keeper": "k",
            "handover": {"label": "下一季度10号前", "due": {"period": "next-quarter", "day": 10}},
        }
    )
    assert r.handover is not None and r.handover.due is not None and r.handover.due.day == 10


def test_form_orientation() -> None:
    assert FormSchema.model_validate({**FORM, "orientation": "landscape"}).orientation == "landscape"
    assert "literal_error" in errors(FormSchema, {**FORM, "orientation": "sideways"})


def test_real_repository_files_validate() -> None:
    root = Path(__file__).parent.parent
    for file in sorted((root / "procedures").glob("*.yml")) + sorted((root / "forms").glob("*.yml")):
        located, problems = load_file(file, file.relative_to(root).as_posix())
        assert problems == [] and located is not None
        model = (
            FormSchema
            if file.parent.name == "forms"
            else {
                "roles.yml": RolesFile,
                "external.yml": ExternalFile,
                "company.yml": CompanyFile,
                "vocabulary.yml": VocabularyFile,
            }.get(file.name, Document)
        )
        model.model_validate(located.data)
