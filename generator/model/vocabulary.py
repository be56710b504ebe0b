"""The model of procedures/vocabulary.yml: the words staff say, each mapped to the manual's own terms
(the search expands a query with them; catalog/vocabulary.py checks and lays them out)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from generator.model.base import Strict, Text

Word = Annotated[str, StringConstraints(min_length=2, max_length=20, pattern=r"^\S+$")]
"""A word or term: 2 to 20 characters, no spaces (a one-character word would match nearly every clause)."""


class VocabularyEntry(Strict):
    """Words staff say for one thing, and the manual's terms for it."""

    words: list[Word] = Field(
        min_length=1, description="What staff say or type: 门卫, 打扫, 丢东西 (at least 2 characters each)."
    )
    terms: list[Word] = Field(
        min_length=1, description="The manual's own terms these words mean; each must stand in the manual's text."
    )
    note: Text | None = Field(default=None, description="Who says it, or when (shown on the 术语表 page).")


class VocabularyFile(Strict):
    """procedures/vocabulary.yml: the company's vocabulary, staff word → the manual's terms."""

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    entries: list[VocabularyEntry] = Field(
        default_factory=list, description="One entry per thing staff name in their own words."
    )

    def synonyms(self) -> dict[str, list[str]]:
        """Each staff word with the terms it stands for, in file order (a word listed twice: its first entry)."""
        found: dict[str, list[str]] = {}
        for entry in self.entries:
            for word in entry.words:
                found.setdefault(word, list(entry.terms))
        return found
