"""The quiz of each staff role, built from the real catalog: enough questions, each answer found again
in the catalog's own data (the YAML models, target_rule, deadline_rule), fair options, the same quiz
every time."""

from __future__ import annotations

import pytest
from conftest import MANUAL_TODAY, ROOT

from generator.catalog.views import Catalog, DocumentView, Section, ServiceRowView
from generator.catalog.wording import deadline_rule, target_rule
from generator.check.run import check
from generator.manual import Manual
from generator.model.review import QuizReview, ReviewEntry
from generator.text.answers import canonical
from generator.training.quiz import (
    GUESS_SHARE,
    MIN_QUESTIONS,
    ROLE_ASPECTS,
    Question,
    Quiz,
    build_quiz,
    build_quizzes,
    question_ids,
)

RACI = {"R": "负责", "A": "批准", "C": "咨询", "I": "知会"}


def reload_manual() -> Catalog:
    """A fresh catalog of the real manual, checked on MANUAL_TODAY."""
    result = check(ROOT, when=MANUAL_TODAY)
    assert result.catalog is not None, [p.text() for p in result.errors]
    return result.catalog


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
    return [
        e for e in entries if e.document.id == document_id and (e.row.anchor if e.row else e.section.anchor) == anchor
    ]


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
    # a duty of the role, or of a colleague in the same document (who does what beside it)
    if q.answer in [name(catalog, link.id) for link in roles]:
        return True
    text = "".join(p.text for p in section.paragraphs) + (row.content if row else "")
    role = next(r for r in catalog.roles if r.link.title == q.answer)  # a role the clause names beside it
    return any(n in text for n in (role.role.name, *role.role.aliases))


def test_every_staff_role_with_enough_fair_questions_has_a_quiz(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    staff = [r.id for r in catalog.roles if r.trained and fact_count(catalog, r.id) >= 3]
    assert set(quizzes) <= set(staff)
    assert "customer" not in quizzes  # an outside party gets no training, so no quiz
    assert len(quizzes) >= 12
    for role_id, quiz in quizzes.items():
        assert quiz.role.id == role_id
        assert MIN_QUESTIONS <= len(quiz.questions) <= 20, (role_id, len(quiz.questions))
        assert len({q.id for q in quiz.questions}) == len(quiz.questions)
        assert len({q.prompt for q in quiz.questions}) == len(quiz.questions)
        assert len({q.fact for q in quiz.questions}) == len(quiz.questions)  # at most one question per fact
        kinds = {q.kind for q in quiz.questions}
        assert kinds == {"blank", "choice"}, (role_id, kinds)


def test_every_answer_is_found_again_in_the_catalog(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    wrong = [
        (role_id, q.id, q.answer)
        for role_id, quiz in quizzes.items()
        for q in quiz.questions
        if not expected_answer(catalog, role_id, q)
    ]
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
    reloaded = build_quizzes(reload_manual())  # a fresh catalog: nothing hangs on object ids or set order
    assert repr([q.questions for q in reloaded.values()]) == repr([q.questions for q in quizzes.values()])
    assert build_quiz(catalog, "property-officer").questions == quizzes["property-officer"].questions
    other = build_quiz(catalog, "property-officer", seed="2024 秋季培训")
    assert other.questions != quizzes["property-officer"].questions
    assert other == build_quiz(catalog, "property-officer", seed="2024 秋季培训")


def test_property_officer_is_asked_its_own_deadline_and_duties(quizzes: dict[str, Quiz]) -> None:
    questions = quizzes["property-officer"].questions
    deadline = next(q for q in questions if q.fact == "return-visit:s4-6:deadline:0" and q.aspect == "value")
    assert deadline.kind == "blank" and deadline.answer == "每季度末"
    assert deadline.prompt.startswith("物管员＿＿＿对回访结果进行统计、分析")
    assert deadline.clause == "WY-GL-11 4.6" and deadline.anchor == "s4-6"
    letters = [q for q in questions if q.aspect == "letter"]
    assert {q.answer for q in letters} <= {"负责（R）", "知会（I）", "咨询（C）"}
    assert all("物管员" not in q.prompt for q in letters)  # 本岗位: the name would answer the "which role" ones


# --------------------------------------------------------------------------- answers, both directions


def wrong_variant(q: Question, catalog: Catalog) -> str:
    """An answer that must be rejected: another number, another role, another letter."""
    if q.letters:
        return "知会（I）" if canonical(q.answer, letters=True) != "I" else "负责（R）"
    roles = [r.role.name for r in catalog.roles]
    if q.answer in roles:
        return next(r for r in roles if not q.accepts(r))
    digits = [c for c in q.said if c.isdigit() or c in "一二两三四五六七八九十"]
    if digits:
        swap = {"3": "4", "三": "四", "两": "三", "二": "三"}
        c = digits[0]
        return q.said.replace(c, swap.get(c, "7" if c != "7" else "8"), 1)
    return q.said + "之后一个月"


def test_every_fill_in_accepts_the_seeds_words_and_rejects_a_wrong_variant(
    catalog: Catalog, quizzes: dict[str, Quiz]
) -> None:
    fills = [(r, q) for r, quiz in quizzes.items() for q in quiz.questions if q.kind == "blank"]
    assert len(fills) >= 25
    for role_id, q in fills:
        assert q.accepts(q.said), (role_id, q.id, q.said)
        assert q.accepts(q.answer) and q.accepts(f" {q.answer}。"), (role_id, q.id)
        wrong = wrong_variant(q, catalog)
        assert not q.accepts(wrong), (role_id, q.id, wrong)


@pytest.mark.parametrize(
    ("said", "printed"),
    [
        ("三天内", "3天内"),
        ("一周内", "1周内"),
        ("5-8分钟", "5–8分钟"),
        ("5~8分钟", "5–8分钟"),
        ("5至8分钟", "5–8分钟"),
        ("95%以上", "≥ 95%"),
        ("不少于95%", "≥ 95%"),
        ("二小时以内", "≤ 2小时"),
        ("2小时之内", "≤ 2小时"),
        ("六月和十一月", "6月、11月"),
        ("两次以上", "≥ 2次"),
        ("３天内。", "3天内"),
        ("十一月", "11月"),
    ],
)
def test_the_seeds_wording_is_the_printed_answer(said: str, printed: str) -> None:
    assert canonical(said) == canonical(printed)


@pytest.mark.parametrize(
    ("wrong", "printed"),
    [
        ("四天内", "3天内"),
        ("2周内", "1周内"),
        ("5-9分钟", "5–8分钟"),
        ("90%以上", "≥ 95%"),
        ("95%以下", "≥ 95%"),
        ("3小时以内", "≤ 2小时"),
        ("6月、12月", "6月、11月"),
        ("十二月", "11月"),
        ("3天后", "3天内"),
    ],
)
def test_a_wrong_variant_is_not_the_answer(wrong: str, printed: str) -> None:
    assert canonical(wrong) != canonical(printed)


def test_letters_are_one_answer_however_written() -> None:
    same = ["R", "r", "负责", "负责（R）", "负责(R)", " 负责 "]
    assert {canonical(s, letters=True) for s in same} == {"R"}
    assert canonical("负责（R）、批准（A）", letters=True) == canonical("A、R", letters=True) == "RA"
    assert canonical("批准", letters=True) != "R" and canonical("负责人", letters=True) != "R"


# --------------------------------------------------------------------------- nothing given away, nothing guessable


def test_no_question_prints_its_own_or_another_ones_answer(quizzes: dict[str, Quiz]) -> None:
    leaks = []
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            if q.letters:
                continue
            for other in quiz.questions:
                for form in {q.answer, q.said}:
                    if len(form) >= 2 and form in other.prompt:
                        leaks.append((role_id, q.id, form, other.id))
    assert leaks == []


def strategies(quiz: Quiz, catalog: Catalog) -> dict[str, int]:
    """What a taker who read nothing scores with one constant answer (the best constant, chosen afterwards)."""
    own = quiz.role.link.title
    questions = quiz.questions
    titles = [f"《{d.document.title}》" for d in catalog.documents]

    def score(answer_of) -> int:  # noqa: ANN001
        right = 0
        for q in questions:
            given = answer_of(q)
            if given is None:
                continue
            right += (q.options and given == q.answer) or (not q.options and q.accepts(given))
        return right

    def pick(q: Question, want: str) -> str | None:
        return want if not q.options or want in q.options else None

    letters = [f"{w}（{x}）" for w, x in (("负责", "R"), ("批准", "A"), ("咨询", "C"), ("知会", "I"))]
    return {
        "own role": score(lambda q: pick(q, own)),
        "most common letter": max(score(lambda q, w=w: pick(q, w)) for w in letters),
        "most common title": max(score(lambda q, t=t: pick(q, t)) for t in titles),
        "longest option": score(lambda q: max(q.options, key=len) if q.options else None),
        "option A": score(lambda q: q.options[0] if q.options else None),
        "most common option position": max(score(lambda q, i=i: q.options[i] if q.options else None) for i in range(4)),
    }


def test_naive_strategies_score_at_most_thirty_percent_on_every_quiz(
    catalog: Catalog, quizzes: dict[str, Quiz]
) -> None:
    worst: dict[str, float] = {}
    over = []
    for role_id, quiz in quizzes.items():
        for name_, right in strategies(quiz, catalog).items():
            share = right / len(quiz.questions)
            worst[name_] = max(worst.get(name_, 0.0), share)
            if share > GUESS_SHARE:
                over.append((role_id, name_, right, len(quiz.questions)))
    print("naive strategies, best quiz for each:", {k: f"{v:.0%}" for k, v in worst.items()})
    assert over == []


def test_which_role_answers_are_the_takers_own_at_most_as_often_as_chance(quizzes: dict[str, Quiz]) -> None:
    for role_id, quiz in quizzes.items():
        asked = [q for q in quiz.questions if q.aspect in ROLE_ASPECTS]
        own = [q for q in asked if q.answer == quiz.role.link.title]
        assert len(own) * 4 <= len(asked), (role_id, len(own), len(asked))


def test_right_options_are_dealt_evenly_over_the_positions(quizzes: dict[str, Quiz]) -> None:
    for role_id, quiz in quizzes.items():
        letters = [q.letter for q in quiz.questions if q.kind == "choice"]
        counts = [letters.count(x) for x in "ABCD"]
        assert max(counts) - min(counts) <= 1, (role_id, counts)


def test_blanks_stand_for_whole_words(quizzes: dict[str, Quiz]) -> None:
    for quiz in quizzes.values():
        for q in quiz.questions:
            assert "物业＿＿＿" not in q.prompt and "＿＿＿论坛" not in q.prompt, q.prompt


# --------------------------------------------------------------------------- the trainer's review


def test_a_rejected_question_is_never_asked_and_its_id_is_stable(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    question = quizzes["property-officer"].questions[0]
    again = build_quizzes(reload_manual())["property-officer"].questions[0]
    assert again.id == question.id  # a rebuild keeps the id
    review = QuizReview(questions=[ReviewEntry(id=question.id, decision="reject", reason="测试")])
    rebuilt = build_quiz(catalog, "property-officer", review=review)
    assert question.id not in {q.id for q in rebuilt.questions}
    assert question.id in question_ids(catalog)  # it still exists: the review entry is not stale


def test_a_role_with_few_facts_gets_what_they_allow(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    # 总经理 fills in a form and holds no duty, target, deadline or matrix letter: nothing to ask
    assert build_quiz(catalog, "general-manager").questions == ()
    # 前台服务员's rows all say 前台服务 (the answer) and its colleagues' rows all name 服务中心: too few fair questions
    assert "front-desk-clerk" not in quizzes


def test_check_reports_a_review_entry_whose_question_is_gone(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from generator.check.run import check

    monkeypatch.setenv("PROCGEN_TODAY", "2024-06-01")
    repo = make_repo(
        files={
            "training/quiz-review.yml": (
                "questions:\n  - id: no-such-question-12345678\n    decision: reject\n    reason: 有两个选项都说得通\n"
            )
        }
    )
    result = check(repo)
    stale = [p for p in result.problems if p.code == "W260"]
    assert [(p.path, p.line, p.col) for p in stale] == [("training/quiz-review.yml", 2, 9)]
    assert "no-such-question-12345678" in stale[0].message and result.catalog is not None


def test_a_rejection_without_a_reason_is_a_located_error(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from generator.check.run import check

    monkeypatch.setenv("PROCGEN_TODAY", "2024-06-01")
    repo = make_repo(files={"training/quiz-review.yml": "questions:\n  - id: x\n    decision: reject\n"})
    result = check(repo)
    assert [(p.path, p.code) for p in result.errors] == [("training/quiz-review.yml", "E109")] or all(
        p.path == "training/quiz-review.yml" and p.line == 2 for p in result.errors
    )
    assert result.catalog is None


# --------------------------------------------------------------------------- read beside the seed (issue 24, item 5)


def entry_of(catalog: Catalog, q: Question):  # noqa: ANN201 - a TargetEntry or DeadlineEntry
    document_id, anchor, kind, n = q.fact.split(":")
    return entries_at(catalog.targets if kind == "target" else catalog.deadlines, document_id, anchor)[int(n)]


def test_no_question_comes_from_a_proposal(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    """Every quiz of the manual: its facts are approved (RoleView.duties/raci/targets/deadlines, not proposed_*), a
    role it answers with holds the fact by the seed, and no option names a proposed (拟定) role."""
    proposed_roles = {r.link.title for r in catalog.roles if r.proposed}
    found = []
    for role_id, quiz in quizzes.items():
        role = catalog.role(role_id)
        proposed_facts = {f"{d.id}:{s.anchor}:duty:0" for d, s in role.proposed_duties}
        proposed_facts |= {f"{d.id}:{r.anchor}:service:0" for d, _, r in role.proposed_service_rows}
        proposed_rows = {id(r) for _, r, _ in role.proposed_raci}
        for q in quiz.questions:
            kind = q.fact.split(":")[2]
            bad = q.fact in proposed_facts or bool(set(q.options) & proposed_roles) or q.answer in proposed_roles
            if kind in ("target", "deadline"):
                entry = entry_of(catalog, q)
                view = entry.target if kind == "target" else entry.deadline
                bad |= view.proposed
                if q.aspect in ROLE_ASPECTS and q.aspect not in ("who", "who-fill"):
                    bad |= any(o.proposed for o in view.owners if o.title == q.answer)
            if kind == "matrix":
                row = catalog.document(q.document_id).matrix[int(q.fact.split(":")[3])]
                bad |= row.proposed
                if q.aspect == "letter":
                    bad |= (
                        id(row) in proposed_rows
                    )  # a letter of the taker's on this row is proposed: its answer is not whole
                elif q.aspect in ROLE_ASPECTS:
                    letter = {"approver": "A", "doer": "R", "consulted": "C", "informed": "I"}[q.aspect]
                    bad |= any(link.proposed for link in row.letters[letter])
            if kind == "duty" and q.aspect == "owner":
                section, _ = place(catalog.document(q.document_id), q.anchor)
                bad |= any(link.proposed for link in section.roles)
            if bad:
                found.append((role_id, q.id))
    assert found == []


def test_at_most_one_question_per_statement_of_the_seed(quizzes: dict[str, Quiz]) -> None:
    """One question per fact, and facts that are one sentence of the seed count once: targets of one clause with
    one value (维修服务、特约服务和求助服务的回访率要求分别达到30%); a "which document" quotation of a clause
    sits beside no other question of that clause (it would show what the other asks)."""
    for role_id, quiz in quizzes.items():
        targets = [
            (q.document_id, q.anchor, q.answer)
            for q in quiz.questions
            if ":target:" in q.fact and q.aspect.startswith("value")
        ]
        assert len(targets) == len(set(targets)), (role_id, targets)
        quoted = {(q.document_id, q.anchor) for q in quiz.questions if q.aspect == "document"}
        for where in quoted:
            assert sum((q.document_id, q.anchor) == where for q in quiz.questions) == 1, (role_id, where)


def test_the_seeds_words_in_a_blank_are_its_answer(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    """A deadline's blank stands for the seed's own words (label): they are accepted and shown first (一个月后，两个月内,
    中期阶段和结束后, 一周前, 每两月 …), whatever the manual prints (1个月之后、2个月之内)."""
    asked = 0
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            if ":deadline:" not in q.fact or not q.aspect.startswith("value") or q.kind != "blank":
                continue
            label = entry_of(catalog, q).deadline.deadline.label
            if "时间要求是＿＿＿" in q.prompt:
                continue  # no sentence of the clause says it: the rule is asked
            asked += 1
            assert q.said == label and q.shown.startswith(label) and q.accepts(label), (role_id, q.id, label, q.shown)
    assert asked >= 10


def test_a_targets_value_in_the_seeds_words_is_accepted(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    """0.1%以下 for ≤ 0.1%, 20% (抽样20%) for "= 20%", 30% (达到30%) for ≥ 30%, 24小时 for "= 24小时/日"."""
    for said, printed in (("0.1%以下", "≤ 0.1%"), ("95%以上", "≥ 95%")):
        assert canonical(said) == canonical(printed)
    assert canonical("0.1%以上") != canonical("≤ 0.1%")
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            if ":target:" in q.fact and q.aspect.startswith("value") and q.kind == "blank":
                section, row = place(catalog.document(q.document_id), q.anchor)
                text = "".join(p.text for p in section.paragraphs) + (
                    " ".join(x.text.text for x in row.lines) if row else ""
                )
                assert q.said != q.answer or q.answer in text or "≥" in q.answer, (role_id, q.id, q.answer)


def test_which_role_options_are_of_the_answers_kind(catalog: Catalog, quizzes: dict[str, Quiz]) -> None:
    """A department's options are departments and a post's posts: "到＿＿＿领取" or "＿＿＿专人" rules a person out."""
    kind = {r.link.title: r.is_department for r in catalog.roles}
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            if q.kind == "choice" and q.aspect in ROLE_ASPECTS:
                assert {kind[o] for o in q.options} == {kind[q.answer]}, (role_id, q.id, q.options)


def test_a_quotation_is_not_set_beside_a_title_that_names_its_subject(
    catalog: Catalog, quizzes: dict[str, Quiz]
) -> None:
    """“及时回访业户征询意见” is not offered 《物业服务回访管理规范标准》: its title would be a defensible answer."""
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            if q.aspect != "document" or q.kind != "choice":
                continue
            quote = q.prompt.split("”")[0]
            for option in q.options:
                if option == q.answer:
                    continue
                title = option.strip("《》")
                own = {title[i : i + 2] for i in range(len(title) - 1)}
                others = set().union(
                    *(
                        {d.document.title[i : i + 2] for i in range(len(d.document.title) - 1)}
                        for d in catalog.documents
                        if d.document.title != title
                    )
                )
                assert not any(w in quote for w in own - others), (role_id, q.id, option)


def test_no_deadline_blank_begins_a_prompt_without_saying_what_it_times(quizzes: dict[str, Quiz]) -> None:
    """ "＿＿＿，地点在公司正门口…" asks about nothing named: the clause's title goes first (训话晨会：＿＿＿…)."""
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            if q.aspect.startswith("value") and ":deadline:" in q.fact and q.prompt.startswith("＿＿＿"):
                assert "，" in q.prompt[3:20] or len(q.prompt) < 30, (role_id, q.id, q.prompt)
    leadership = quizzes["company-leadership"].questions
    assert any(q.prompt.startswith("训话晨会：＿＿＿") for q in leadership)


def test_a_rejected_question_is_not_asked_again_with_the_same_answer(
    catalog: Catalog, quizzes: dict[str, Quiz]
) -> None:
    """Rejected as a choice, 投诉处理率 100% is not asked as "投诉处理率应为＿＿＿" either."""
    for role_id, quiz in quizzes.items():
        for q in quiz.questions:
            review = QuizReview(questions=[ReviewEntry(id=q.id, decision="reject", reason="测试")])
            again = build_quiz(catalog, role_id, review=review)
            assert not [p for p in again.questions if p.fact == q.fact and p.answer == q.answer], (role_id, q.id)
            break  # one a quiz: each rebuild takes a while


def test_the_quizzes_the_site_prints_hold_the_same_rules(manual: Manual) -> None:
    """The site's quizzes are built with the trainer's review (rejections take questions out, others come in):
    they too are fair, one question per fact, nothing given away, no constant answer over the bound."""
    catalog = manual.catalog
    printed = manual.quizzes
    rejected = {e.id for e in manual.review.questions if e.decision == "reject"}
    assert rejected  # training/quiz-review.yml is read
    test_no_question_prints_its_own_or_another_ones_answer(printed)
    test_naive_strategies_score_at_most_thirty_percent_on_every_quiz(catalog, printed)
    test_at_most_one_question_per_statement_of_the_seed(printed)
    test_no_question_comes_from_a_proposal(catalog, printed)
    for quiz in printed.values():
        assert len({q.fact for q in quiz.questions}) == len(quiz.questions)
        assert not {q.id for q in quiz.questions} & rejected
