"""The quiz of each staff role, built from the real catalog: enough questions, each answer found again
in the catalog's own data (the YAML models, target_rule, deadline_rule), fair options, the same quiz
every time."""

from __future__ import annotations

import pytest
from conftest import ROOT

from generator.catalog import Catalog, DocumentView, Section, ServiceRowView, deadline_rule, target_rule
from generator.check import load_catalog
from generator.quiz import Question, Quiz, build_quiz, build_quizzes

RACI = {"R": "负责", "A": "批准", "C": "咨询", "I": "知会"}


@pytest.fixture(scope="module")
def quizzes(catalog: Catalog) -> dict[str, Quiz]:
    return build_quizzes(catalog)


def fact_count(catalog: Catalog, role_id: str) -> int:
    role = catalog.role(role_id)
    return len(role.duties) + len(role.service_rows) + len(role.targets) + len(role.deadlines) + len(role.raci)


def name(catalog: Catalog, role_id: str) -> str:
    return catalog.role(role_id).role.name


def place(doc: DocumentView, anchor: str) -> tuple[Section, ServiceRowView | None]:
    """The clause (and table row) an anchor of the document page points at."""
    for section in doc.walk():
        if section.anchor == anchor:
            return section, None
        for row in section.service_table.rows if section.service_table else []:
            if row.anchor == anchor:
                return section, row
    raise AssertionError(f"{doc.id}#{anchor} 不存在")


def entries_at(entries: list, document_id: str, anchor: str) -> list:  # noqa: ANN001 - TargetEntry or DeadlineEntry
    return [e for e in entries if e.document.id == document_id and (e.row.anchor if e.row else e.section.anchor) == anchor]


def holders_of(row, letter: str) -> list[str]:  # noqa: ANN001
    if letter == "A":
        return [row.A] if isinstance(row.A, str) else list(row.A or [])
    return list({"R": row.R, "C": row.C, "I": row.I}[letter])


def matrix_letters(row, role_id: str) -> list[str]:  # noqa: ANN001 - the YAML model's MatrixRow
    return [letter for letter in "RACI" if role_id in holders_of(row, letter)]


def expected_answer(catalog: Catalog, role_id: str, q: Question) -> bool:
    """Looks the fact up again by the question's document and anchor (and the number in its key) and checks
    the answer against it."""
    doc = catalog.document(q.document_id)
    document_id, anchor, kind, n = q.fact.split(":")
    assert (document_id, anchor) == (q.document_id, q.anchor)
    if q.aspect in ("document", "matrix-document"):
        return q.answer == f"《{doc.document.title}》"
    if kind == "matrix":
        row = doc.document.matrix[int(n)]
        assert q.clause == f"{doc.document.code} 职责矩阵"
        if q.aspect == "letter":
            return q.answer == "、".join(f"{RACI[x]}（{x}）" for x in matrix_letters(row, role_id))
        letter = {"approver": "A", "doer": "R", "consulted": "C", "informed": "I"}[q.aspect]
        holders = holders_of(row, letter)
        return len(holders) == 1 and q.answer == name(catalog, holders[0])
    section, row = place(doc, anchor)
    assert q.clause == f"{doc.document.code} {section.path}".strip()
    if q.aspect == "clause":
        return q.answer == section.path
    if kind == "target":
        entry = entries_at(catalog.targets, document_id, anchor)[int(n)]
        target = entry.target.target
        if q.aspect.startswith("value"):
            return target_rule(target) == f"{target.metric} {q.answer}"
        return q.answer in [name(catalog, link.id) for link in entry.target.owners]
    if kind == "deadline":
        entry = entries_at(catalog.deadlines, document_id, anchor)[int(n)]
        deadline = entry.deadline.deadline
        if q.aspect.startswith("value"):
            rule = deadline_rule(deadline)
            if q.answer == rule:
                return True
            # 投诉事件的回访，应在投诉处理完毕后的＿＿＿进行 -> 3天内: the rule's head is in the sentence already
            head = rule[: len(rule) - len(q.answer)].removesuffix("后")
            return rule.endswith(q.answer) and bool(head) and head in q.prompt
        return q.answer in [name(catalog, link.id) for link in entry.deadline.owners]
    roles = row.roles if kind == "service" else section.roles
    assert role_id in [link.id for link in roles]
    return q.answer in [name(catalog, link.id) for link in roles]


def test_every_staff_role_with_three_facts_has_ten_questions(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    staff = [r.id for r in catalog.roles if r.trained and fact_count(catalog, r.id) >= 3]
    assert list(quizzes) == staff
    assert "customer" not in quizzes  # an outside party gets no training, so no quiz
    for role_id, quiz in quizzes.items():
        assert quiz.role.id == role_id
        assert len(quiz.questions) >= 10, (role_id, len(quiz.questions))
        assert len({q.id for q in quiz.questions}) == len(quiz.questions)
        assert len({q.prompt for q in quiz.questions}) == len(quiz.questions)
        kinds = {q.kind for q in quiz.questions}
        assert kinds == {"blank", "choice"}, (role_id, kinds)


def test_every_answer_is_found_again_in_the_catalog(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    wrong = [(role_id, q.id, q.answer) for role_id, quiz in quizzes.items() for q in quiz.questions
             if not expected_answer(catalog, role_id, q)]
    assert wrong == []


def test_options_are_fair(quizzes: dict[str, Quiz]) -> None:
    for quiz in quizzes.values():
        for q in quiz.questions:
            if q.kind == "blank":
                assert "＿＿＿" in q.prompt and q.options == () and q.letter == ""
                continue
            assert len(q.options) == 4 and len(set(q.options)) == 4, q
            assert q.options.count(q.answer) == 1
            assert q.options["ABCD".index(q.letter)] == q.answer
            distractors = [o for o in q.options if o != q.answer]
            assert len(distractors) == 3 and all(distractors)


def test_the_same_catalog_gives_the_same_quiz(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    again = build_quizzes(catalog)
    assert [q.questions for q in again.values()] == [q.questions for q in quizzes.values()]
    reloaded = build_quizzes(load_catalog(ROOT))  # a fresh catalog: nothing hangs on object ids or set order
    assert repr([q.questions for q in reloaded.values()]) == repr([q.questions for q in quizzes.values()])
    assert build_quiz(catalog, "property-officer") == quizzes["property-officer"]
    other = build_quiz(catalog, "property-officer", seed="2024 秋季培训")
    assert other.questions != quizzes["property-officer"].questions
    assert other == build_quiz(catalog, "property-officer", seed="2024 秋季培训")


def test_property_officer_is_asked_its_own_deadline_and_duties(quizzes: dict[str, Quiz]) -> None:
    questions = quizzes["property-officer"].questions
    deadline = next(q for q in questions if q.fact == "return-visit:s4-6:deadline:0" and q.aspect == "value")
    assert deadline.kind == "blank" and deadline.answer == "每季度末"
    assert deadline.prompt.startswith("物管员＿＿＿对回访结果进行统计、分析")
    assert deadline.clause == "WY-GL-11 4.6" and deadline.anchor == "s4-6"
    who = next(q for q in questions if q.fact == "return-visit:s3-3:duty:0")
    assert who.answer == "物管员" and "＿＿＿负责依照本规范实施具体回访工作" in who.prompt
    letters = [q for q in questions if q.aspect == "letter"]
    assert {q.answer for q in letters} <= {"负责（R）", "知会（I）", "咨询（C）"}


def test_a_role_with_few_facts_gets_what_they_allow(catalog: Catalog) -> None:
    # 总经理 fills in a form and holds no duty, target, deadline or matrix letter: nothing to ask
    assert build_quiz(catalog, "general-manager").questions == ()
