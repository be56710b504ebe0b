"""The trainer's kit where it is used: the quiz taken in a browser, the quiz and its key on paper, the
training record printed in, the training matrix on the site."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sitebuild import serve

from generator.quiz import quizzes

ROLE = "property-officer"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def server(manual_site: Path) -> Iterator[str]:
    with serve(manual_site) as url:
        yield url


@pytest.fixture
def tab(browser) -> Iterator[object]:  # noqa: ANN001 - playwright types
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.browser
def test_the_quiz_is_scored_in_the_browser_as_it_is_answered(tab, server: str, catalog) -> None:  # noqa: ANN001
    quiz = quizzes(catalog)[ROLE]
    total = len(quiz.questions)
    tab.goto(f"{server}roles/{ROLE}/quiz/")
    items = tab.locator("li.pm-q")
    assert items.count() == total
    for index, question in enumerate(quiz.questions):
        item = items.nth(index)
        if question.kind == "choice":
            item.locator(f"input[value='{question.letter}']").check()
        else:
            item.locator("input.pm-q-input").fill(f" {question.answer}。")  # spaces and a full stop do not count
            item.locator("button.pm-q-check").click()
        feedback = item.locator(".pm-q-feedback")
        assert feedback.is_visible()
        assert feedback.inner_text().startswith("✔ 回答正确。")
        assert question.answer in feedback.inner_text() and question.clause in feedback.inner_text()
    assert tab.locator(".pm-quiz-score").inner_text() == f"已答 {total} / {total} 题，答对 {total} 题。"
    # Start again: a wrong choice is marked wrong, shows the right answer, and cannot be changed.
    tab.locator("button.pm-quiz-reset").click()
    assert tab.locator(".pm-quiz-score").inner_text() == f"已答 0 / {total} 题，答对 0 题。"
    first_choice = next(i for i, q in enumerate(quiz.questions) if q.kind == "choice")
    question = quiz.questions[first_choice]
    wrong = next(letter for letter in "ABCD" if letter != question.letter)
    item = items.nth(first_choice)
    item.locator(f"input[value='{wrong}']").check()
    assert item.locator(".pm-q-feedback").inner_text().startswith("✘ 回答错误。 正确答案：" + question.letter)
    assert item.locator(f"input[value='{question.letter}']").is_disabled()
    assert tab.locator(".pm-quiz-score").inner_text() == f"已答 1 / {total} 题，答对 0 题。"
    # The clause link leads to the clause.
    href = item.locator(".pm-q-feedback a").get_attribute("href")
    assert href is not None and href.endswith(f"#{question.anchor}") and f"procedures/{question.document_id}/" in href


@pytest.mark.browser
def test_the_quiz_works_from_the_file_system(browser, offline_manual_site: Path, catalog) -> None:  # noqa: ANN001
    quiz = quizzes(catalog)[ROLE]
    blank = next(i for i, q in enumerate(quiz.questions) if q.kind == "blank")
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto((offline_manual_site / "roles" / ROLE / "quiz.html").as_uri())  # offline: no directory URLs
        item = page.locator("li.pm-q").nth(blank)
        item.locator("input.pm-q-input").fill(quiz.questions[blank].answer)
        item.locator("input.pm-q-input").press("Enter")
        assert item.locator(".pm-q-feedback").inner_text().startswith("✔ 回答正确。")
    finally:
        context.close()


def test_quiz_pdf_and_its_key_hold_every_question_answer_and_clause(manual_site: Path, catalog) -> None:  # noqa: ANN001
    quiz = quizzes(catalog)[ROLE]
    paper = squeeze(pdf_text(manual_site / "pdf" / "training" / f"{ROLE}-quiz.pdf"))
    key = squeeze(pdf_text(manual_site / "pdf" / "training" / f"{ROLE}-quiz-key.pdf"))
    assert "姓名" in paper and "得分" in paper and f"／{len(quiz.questions)}" in paper
    for number, question in enumerate(quiz.questions, start=1):
        assert squeeze(question.prompt) in paper, question.prompt
        assert squeeze(question.clause) in paper
        for option in question.options:
            assert squeeze(option) in paper
        shown = (question.letter if question.kind == "choice" else "") + question.answer
        assert squeeze(f"{number}{shown}{question.clause}") in key, (number, question.answer)
    assert squeeze(quiz.questions[0].answer) not in paper.split(squeeze(quiz.questions[0].prompt))[0]


def test_training_record_is_printed_in_with_the_documents_and_versions(manual_site: Path, catalog) -> None:  # noqa: ANN001
    role = catalog.role(ROLE)
    text = squeeze(pdf_text(manual_site / "pdf" / "training" / f"{ROLE}-record.pdf"))
    assert "员工培训记录" in text and squeeze("物管员岗位培训：") in text
    for doc in role.documents:
        assert squeeze(f"{doc.document.code}《{doc.document.title}》第{doc.document.version}版（{doc.document.effective}生效）") in text


def test_training_matrix_page_marks_apply_and_know(manual_site: Path, catalog) -> None:  # noqa: ANN001
    from generator.training import matrix_of

    page = (manual_site / "training" / "index.html").read_text(encoding="utf-8")
    matrix = matrix_of(catalog)
    body = page[page.index("<tbody>", page.index('class="pm-history pm-training"')) :]
    rows = re.findall(r"<tr><th class=\"pm-training-role\">(.*?)</tr>", body[: body.index("</tbody>")], flags=re.S)
    assert len(rows) == len(matrix.rows)
    for row, html in zip(matrix.rows, rows, strict=True):
        cells = re.findall(r"<td class=\"pm-training-cell[^\"]*\">([^<]*)</td>", html)
        assert tuple(cells) == row.cells and row.role.title in html
    assert f'href="../roles/{ROLE}/quiz/"' in page
    assert matrix.cell(ROLE, "return-visit") == "应用"


@pytest.mark.browser
def test_after_a_wrong_choice_the_right_option_is_marked(tab, server: str, catalog) -> None:  # noqa: ANN001
    quiz = quizzes(catalog)[ROLE]
    index = next(i for i, q in enumerate(quiz.questions) if q.kind == "choice")
    question = quiz.questions[index]
    wrong = next(letter for letter in "ABCD" if letter != question.letter)
    tab.goto(f"{server}roles/{ROLE}/quiz/")
    item = tab.locator("li.pm-q").nth(index)
    item.locator(f"input[value='{wrong}']").check()
    assert item.locator("label.pm-q-correct input").get_attribute("value") == question.letter
    assert item.locator("label.pm-q-chosen-wrong input").get_attribute("value") == wrong
