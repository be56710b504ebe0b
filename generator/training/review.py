"""The trainer's review of the quiz questions: ``training/quiz-review.yml``.

A trainer reads the quizzes beside the documents and approves or rejects questions by their stable id
(printed on the answer key); a rejected question is never asked again, and since an id is worked out from
the fact it asks about (not from its place or number), the decision survives rebuilds and edits that leave
the fact as it was. ``procgen check`` reports an entry whose question no longer exists (W260).

```yaml
# yaml-language-server: $schema=../schemas/quiz-review.json
questions:
  - id: return-visit-duty-document-1a2b3c4d
    decision: reject
    reason: 题干已点出文件名称
```
"""

from __future__ import annotations

from pathlib import Path

from generator.model.review import QuizReview
from generator.model.validate import validate
from generator.source.loader import Located, load_file
from generator.source.problems import Problem

REVIEW_FILE = "training/quiz-review.yml"


def load_review(root: Path) -> tuple[Located | None, QuizReview, list[Problem]]:
    """The review file of the repository at ``root`` (an empty review when there is none), with the located
    problems of reading and validating it."""
    file = root / REVIEW_FILE
    if not file.is_file():
        return None, QuizReview(), []
    located, problems = load_file(file, REVIEW_FILE, root)
    if located is None:
        return None, QuizReview(), problems
    review, found = validate(QuizReview, located)
    if not isinstance(review, QuizReview):
        return located, QuizReview(), [*problems, *found]
    return located, review, [*problems, *found]


def stale_entries(located: Located | None, review: QuizReview, existing: set[str]) -> list[Problem]:
    """W260 at each entry whose id names no question the manual can still ask: its fact changed or went."""
    if located is None:
        return []
    problems = []
    for index, entry in enumerate(review.questions):
        if entry.id not in existing:
            line, col = located.where(("questions", index, "id"))
            problems.append(
                Problem(
                    located.path,
                    line,
                    col,
                    "W260",
                    f"测验评审中的题目 {entry.id} 已不存在：所问的事实已修改或删除，请重新审阅后删去此条",
                )
            )
    return problems
