"""The model of training/quiz-review.yml: the trainer's decision on each quiz question (approve or reject,
with the reason); training/review.py reads it and finds entries whose question is gone."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.base import Strict, Text


class ReviewEntry(Strict):
    """One question, approved or rejected by a trainer."""

    id: Text = Field(
        description="The question's id, as printed on the answer key (e.g. return-visit-deadline-value-1a2b3c4d)."
    )
    decision: Literal["approve", "reject"] = Field(description="approve: keep asking it; reject: never ask it.")
    reason: Text | None = Field(
        default=None, description="Why (required for a rejection): 有两个选项都说得通, 题干泄露答案 …"
    )
    by: Text | None = Field(default=None, description="Who reviewed it (a name or a role).")

    @model_validator(mode="after")
    def _reason(self) -> ReviewEntry:
        if self.decision == "reject" and not self.reason:
            raise ValueError("否决题目须写明原因（reason）")
        return self


class QuizReview(Strict):
    """training/quiz-review.yml: the trainer's decisions on quiz questions."""

    questions: list[ReviewEntry] = Field(default_factory=list, description="One entry per reviewed question.")

    @property
    def rejected(self) -> frozenset[str]:
        return frozenset(e.id for e in self.questions if e.decision == "reject")

    @property
    def approved(self) -> frozenset[str]:
        return frozenset(e.id for e in self.questions if e.decision == "approve")
