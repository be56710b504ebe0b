"""The trainer's kit where it is used: the quiz taken in a browser, the quiz and its key on paper, the
training record printed in, the training matrix on the site."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sitebuild import serve

ROLE = "property-officer"
QUIZ_JS = Path(__file__).resolve().parent.parent / "generator" / "assets" / "site" / "quiz.js"


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


def choose(item, letter: str) -> None:  # noqa: ANN001 - playwright locator
    item.locator(f"input[value='{letter}']").check()
    item.locator("button.pm-q-check").click()


@pytest.mark.browser
def test_the_quiz_is_scored_in_the_browser_as_it_is_answered(tab, server: str, manual) -> None:  # noqa: ANN001
    quiz = manual.quizzes[ROLE]
    total = len(quiz.questions)
    tab.goto(f"{server}roles/{ROLE}/quiz/")
    items = tab.locator("li.pm-q")
    expect(items).to_have_count(total)
    for index, question in enumerate(quiz.questions):
        item = items.nth(index)
        if question.kind == "choice":
            choose(item, question.letter)
        else:
            item.locator("input.pm-q-input").fill(
                f" {question.said}。"
            )  # the seed's words; spaces and a full stop do not count
            item.locator("button.pm-q-check").click()
        feedback = item.locator(".pm-q-feedback")
        expect(feedback).to_be_visible()
        expect(feedback).to_contain_text("✔ 回答正确。")
        assert question.shown in feedback.inner_text() and question.clause in feedback.inner_text()
        assert item.locator(".pm-q-status").get_attribute("aria-live") == "polite"
    expect(tab.locator(".pm-quiz-score")).to_have_text(f"已答 {total} / {total} 题，答对 {total} 题。")
    # Start again: a wrong choice is marked wrong, shows the right answer, and cannot be changed.
    tab.locator("button.pm-quiz-reset").click()
    expect(tab.locator(".pm-quiz-score")).to_have_text(f"已答 0 / {total} 题，答对 0 题。")
    first_choice = next(i for i, q in enumerate(quiz.questions) if q.kind == "choice")
    question = quiz.questions[first_choice]
    wrong = next(letter for letter in "ABCD" if letter != question.letter)
    item = items.nth(first_choice)
    choose(item, wrong)
    expect(item.locator(".pm-q-feedback")).to_contain_text("✘ 回答错误。 正确答案：" + question.letter)
    expect(item.locator(f"input[value='{question.letter}']")).to_be_disabled()
    expect(tab.locator(".pm-quiz-score")).to_have_text(f"已答 1 / {total} 题，答对 0 题。")
    # The clause link leads to the clause.
    href = item.locator(".pm-q-feedback a").get_attribute("href")
    assert href is not None and href.endswith(f"#{question.anchor}") and f"procedures/{question.document_id}/" in href


@pytest.mark.browser
def test_arrow_keys_move_through_the_options_without_answering(tab, server: str, manual) -> None:  # noqa: ANN001
    quiz = manual.quizzes[ROLE]
    index = next(i for i, q in enumerate(quiz.questions) if q.kind == "choice")
    tab.goto(f"{server}roles/{ROLE}/quiz/")
    item = tab.locator("li.pm-q").nth(index)
    item.locator("input[type=radio]").first.focus()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowDown")
    expect(item.locator("input[type=radio]:checked")).to_have_count(1)
    expect(item.locator(".pm-q-feedback")).to_be_hidden()
    expect(tab.locator(".pm-quiz-score")).to_have_text(f"已答 0 / {len(quiz.questions)} 题，答对 0 题。")
    item.locator("button.pm-q-check").click()  # 核对 answers it, and the verdict is announced
    expect(item.locator(".pm-q-feedback")).to_be_visible()
    expect(item.locator(".pm-q-verdict")).to_have_text(re.compile("回答(正确|错误)。"))


@pytest.mark.browser
def test_every_fill_in_of_the_manual_takes_the_seeds_words_and_refuses_a_wrong_one(tab, server: str, manual) -> None:  # noqa: ANN001
    catalog = manual.catalog
    from test_quiz import wrong_variant

    checked = 0
    for role_id, quiz in manual.quizzes.items():
        fills = [i for i, q in enumerate(quiz.questions) if q.kind == "blank"]
        if not fills:
            continue
        tab.goto(f"{server}roles/{role_id}/quiz/")
        items = tab.locator("li.pm-q")
        expect(items).to_have_count(len(quiz.questions))
        for i in fills:
            question = quiz.questions[i]
            item = items.nth(i)
            item.locator("input.pm-q-input").fill(question.said)
            item.locator("input.pm-q-input").press("Enter")
            expect(item.locator(".pm-q-verdict")).to_have_text("✔ 回答正确。")
        tab.locator("button.pm-quiz-reset").click()
        for i in fills:
            question = quiz.questions[i]
            item = items.nth(i)
            item.locator("input.pm-q-input").fill(wrong_variant(question, catalog))
            item.locator("button.pm-q-check").click()
            expect(item.locator(".pm-q-verdict")).to_have_text("✘ 回答错误。")
            checked += 1
    assert checked >= 25


def test_quiz_js_folds_answers_as_python_does(manual) -> None:  # noqa: ANN001
    """quiz.js's canonical() (run by node) against generator.answers.canonical on every fill-in's answers."""
    catalog = manual.catalog
    import json
    import shutil

    from generator.text.answers import canonical, table_json

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (the browser test covers the same ground)")
    from test_quiz import wrong_variant

    cases = []
    for quiz in manual.quizzes.values():
        for q in quiz.questions:
            if q.kind == "blank":
                for text in (q.said, q.answer, f" {q.answer}。", wrong_variant(q, catalog)):
                    cases.append((text, q.letters))
    cases += [
        (t, False) for t in ("三天内", "六月和十一月", "5~8分钟", "95%以上", "二小时以内", "十一", "一百零五", "一二")
    ]
    cases += [(t, True) for t in ("负责", "R", "负责（R）", "负责(R)、批准(A)", "负责人")]
    script = (
        f"const q = require({json.dumps(str(QUIZ_JS))}); const t = {table_json()};"
        f"const cases = {json.dumps(cases, ensure_ascii=False)};"
        "process.stdout.write(JSON.stringify(cases.map(c => q.canonical(c[0], t, c[1]))));"
    )
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [canonical(text, letters=letters) for text, letters in cases]


@pytest.mark.browser
def test_the_quiz_works_from_the_file_system(browser, offline_manual_site: Path, manual) -> None:  # noqa: ANN001
    quiz = manual.quizzes[ROLE]
    blank = next(i for i, q in enumerate(quiz.questions) if q.kind == "blank")
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto((offline_manual_site / "roles" / ROLE / "quiz.html").as_uri())  # offline: no directory URLs
        item = page.locator("li.pm-q").nth(blank)
        item.locator("input.pm-q-input").fill(quiz.questions[blank].said)
        item.locator("input.pm-q-input").press("Enter")
        expect(item.locator(".pm-q-verdict")).to_have_text("✔ 回答正确。")
    finally:
        context.close()


def test_quiz_pdf_and_its_key_hold_every_question_answer_and_clause(manual_site: Path, manual) -> None:  # noqa: ANN001
    quiz = manual.quizzes[ROLE]
    paper = squeeze(pdf_text(manual_site / "pdf" / "training" / f"{ROLE}-quiz.pdf"))
    key = squeeze(pdf_text(manual_site / "pdf" / "training" / f"{ROLE}-quiz-key.pdf"))
    assert "姓名" in paper and "得分" in paper and f"／{len(quiz.questions)}" in paper
    assert (
        squeeze(f"答对{quiz.pass_mark}题及格") in paper and "评卷人" in paper and "不及格" in paper
    )  # pass mark, grader
    for number, question in enumerate(quiz.questions, start=1):
        assert squeeze(question.prompt) in paper, question.prompt
        assert squeeze(question.clause) not in paper  # the clause would tell which document, which clause
        for option in question.options:
            assert squeeze(option) in paper
        shown = (question.letter if question.kind == "choice" else "") + question.shown
        assert squeeze(f"{number}{shown}{question.clause}") in key, (number, question.answer)
        assert question.id in key
    assert squeeze(quiz.questions[0].answer) not in paper.split(squeeze(quiz.questions[0].prompt))[0]


def test_training_record_is_printed_in_with_the_documents_and_versions(manual_site: Path, catalog) -> None:  # noqa: ANN001
    role = catalog.role(ROLE)
    text = squeeze(pdf_text(manual_site / "pdf" / "training" / f"{ROLE}-record.pdf"))
    assert "员工培训记录" in text and squeeze("物管员岗位培训：") in text
    for doc in role.documents:
        assert (
            squeeze(
                f"{doc.document.code}《{doc.document.title}》第{doc.document.version}版（{doc.document.effective}生效）"
            )
            in text
        )


def test_training_matrix_page_marks_apply_and_know(manual_site: Path, manual) -> None:  # noqa: ANN001

    page = (manual_site / "training" / "index.html").read_text(encoding="utf-8")
    matrix = manual.training_matrix
    body = page[page.index("<tbody>", page.index('class="pm-history pm-training')) :]
    rows = re.findall(r"<tr><th class=\"pm-training-role\">(.*?)</tr>", body[: body.index("</tbody>")], flags=re.S)
    assert len(rows) == len(matrix.rows)
    for row, html in zip(matrix.rows, rows, strict=True):
        cells = re.findall(r"<td class=\"pm-training-cell[^\"]*\">([^<]*)</td>", html)
        assert tuple(cells) == row.cells and row.role.title in html
    assert f'href="../roles/{ROLE}/quiz/"' in page
    assert matrix.cell(ROLE, "return-visit") == "应用"


@pytest.mark.browser
def test_after_a_wrong_choice_the_right_option_is_marked(tab, server: str, manual) -> None:  # noqa: ANN001
    quiz = manual.quizzes[ROLE]
    index = next(i for i, q in enumerate(quiz.questions) if q.kind == "choice")
    question = quiz.questions[index]
    wrong = next(letter for letter in "ABCD" if letter != question.letter)
    tab.goto(f"{server}roles/{ROLE}/quiz/")
    item = tab.locator("li.pm-q").nth(index)
    choose(item, wrong)
    expect(item.locator("label.pm-q-correct input")).to_have_count(1)
    assert item.locator("label.pm-q-correct input").get_attribute("value") == question.letter
    assert item.locator("label.pm-q-chosen-wrong input").get_attribute("value") == wrong


def test_no_quiz_pdf_ends_on_a_nearly_empty_page(manual_site: Path, manual) -> None:  # noqa: ANN001
    """The last page of every quiz and key, measured: its lowest line of text (above the footer) sits at least
    30 % down the page, or the PDF is one page."""
    import pypdf

    for role_id in manual.quizzes:
        for name in (f"{role_id}-quiz.pdf", f"{role_id}-quiz-key.pdf"):
            path = manual_site / "pdf" / "training" / name
            pages = pypdf.PdfReader(path).pages
            if len(pages) == 1:
                continue
            height = float(pages[-1].mediabox.height)
            box = subprocess.run(
                ["pdftotext", "-bbox", "-f", str(len(pages)), "-l", str(len(pages)), str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', box) if float(y) < height * 0.88)
            assert lowest / height >= 0.3, (name, f"{lowest / height:.0%}")
