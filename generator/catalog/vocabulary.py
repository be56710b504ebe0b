"""The company's vocabulary: the words staff say, and the manual's terms they mean (``procedures/vocabulary.yml``).

Staff search with their own words — 门卫, 打扫, 丢东西 — while the manual says 警卫/安全保卫, 保洁, 遗失. The
vocabulary maps one to the other; the search expands a query with it (an exact manual term still ranks
above an expansion) and the 术语表 page lists it for staff and trainers.

```yaml
# yaml-language-server: $schema=../schemas/vocabulary.json
entries:
  - words: [门卫, 看门的]          # what staff say (2 characters at least)
    terms: [警卫, 安全保卫]        # the manual's own terms: each must stand in the manual (E280)
    note: 保安、前台的说法         # optional: who says it, or when
```

``procgen check`` reports a term the manual never uses (E280, the search would find nothing by it), a staff
word that is already a manual term (W281: the search finds it as it is; the entry only adds noise), and a
staff word listed twice (E282). The checks read the definitions' models, not the catalog, so a mistake in
the vocabulary is reported together with any other file's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.catalog.views import Catalog, Link
from generator.model.validate import validate
from generator.model.vocabulary import VocabularyFile
from generator.source.loader import Located, load_file
from generator.source.problems import Problem
from generator.text.words import NO_CUTS, Cuts, cut

VOCABULARY_FILE = "procedures/vocabulary.yml"


def load_vocabulary(root: Path) -> tuple[Located | None, VocabularyFile, list[Problem]]:
    """The vocabulary of the repository at ``root`` (empty when there is none) and the problems reading it."""
    file = root / VOCABULARY_FILE
    if not file.is_file():
        return None, VocabularyFile(), []
    located, problems = load_file(file, VOCABULARY_FILE, root)
    if located is None:
        return None, VocabularyFile(), problems
    vocabulary, found = validate(VocabularyFile, located)
    if not isinstance(vocabulary, VocabularyFile):
        return located, VocabularyFile(), [*problems, *found]
    return located, vocabulary, [*problems, *found]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def manual_text(models: Iterable[BaseModel]) -> str:
    """Every text the definitions hold (clauses, titles, labels, names, aliases), one per line."""
    return "\n".join(text for model in models for text in _strings(model.model_dump(mode="json")))


def vocabulary_problems(
    located: Located | None, vocabulary: VocabularyFile, text: str, clauses: str, cuts: Cuts = NO_CUTS
) -> list[Problem]:
    """E280 a term the manual never uses (``text``: every definition); W281 a staff word the documents'
    clauses or the roles already use as a word (``clauses``: where the search looks first; a word printed
    only as a form's label, 门禁卡 in a handover sheet, does not make the clause that states the rule
    findable); E282 a word listed twice. The clauses' lines are cut into words once and kept in ``cuts``
    (``.cache/words/``), which the caller saves.

    Passes: ``{words: [打扫], terms: [保洁]}`` (保洁 stands in the manual, 打扫 does not).
    Fails: ``{words: [打扫], terms: [扫除]}`` (E280), ``{words: [保洁], terms: [清洁]}`` (W281).
    """
    if located is None:
        return []
    problems = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(vocabulary.entries):
        for j, term in enumerate(entry.terms):
            if term not in text:
                line, col = located.where(("entries", i, "terms", j))
                problems.append(
                    Problem(
                        located.path,
                        line,
                        col,
                        "E280",
                        f"手册中没有“{term}”这个词：terms 须写手册原文里的用词，否则按它什么也搜不到",
                    )
                )
        for j, word in enumerate(entry.words):
            line, col = located.where(("entries", i, "words", j))
            if word in seen:
                problems.append(
                    Problem(
                        located.path,
                        line,
                        col,
                        "E282",
                        f"员工用语“{word}”重复：已在第 {seen[word]} 条中列出，请合并为一条",
                    )
                )
                continue
            seen[word] = i + 1
            if _is_word_of(word, clauses, cuts):
                problems.append(
                    Problem(
                        located.path,
                        line,
                        col,
                        "W281",
                        f"“{word}”已是手册中的用词：搜索按原词即可找到，此条可删去或改写为员工的说法",
                    )
                )
    return problems


def _is_word_of(word: str, text: str, cuts: Cuts = NO_CUTS) -> bool:
    """Whether ``word`` stands in ``text`` as a word of its own: 司机 does not stand in 公司机关, nor 收房 in
    验收房屋 (cut into words as the search index cuts them, ``words.cut``: jieba with the manual's user
    dictionary, loaded once per process and only when the word occurs in a line ``cuts`` does not hold)."""
    return any(word in cut(line, cuts) for line in text.splitlines() if word in line)


# --------------------------------------------------------------------------- the 术语表 page

PLACES = 3
"""Places listed per term on the 术语表 page: enough to show where it is used."""


@dataclass
class Place:
    """Where a term stands: a clause of a document (cited) or a form."""

    link: Link
    anchor: str
    cite: str


@dataclass
class GlossaryTerm:
    term: str
    places: list[Place] = field(default_factory=list)
    more: int = 0


@dataclass
class GlossaryRow:
    words: list[str]
    terms: list[GlossaryTerm]
    note: str | None


def glossary(catalog: Catalog, vocabulary: VocabularyFile) -> list[GlossaryRow]:
    """The vocabulary as the 术语表 page shows it: each entry, each term with the first clauses that use it."""
    rows = []
    for entry in vocabulary.entries:
        terms = []
        for term in entry.terms:
            places = list(_places(catalog, term))
            terms.append(GlossaryTerm(term, places[:PLACES], max(0, len(places) - PLACES)))
        rows.append(GlossaryRow(list(entry.words), terms, entry.note))
    return rows


def _places(catalog: Catalog, term: str) -> Iterator[Place]:
    for doc in catalog.documents:
        for section in doc.walk():
            texts = [section.title or "", *(p.text for p in section.paragraphs), *(p.text for p in section.after)]
            if section.service_table is not None:
                texts += [
                    f"{row.group} {row.content} " + " ".join(line.text.text for line in row.lines)
                    for row in section.service_table.rows
                ]
            for meeting in section.meetings:
                texts += [meeting.meeting.name, *(value.text for _, value in meeting.fields)]
            if any(term in text for text in texts):
                yield Place(doc.link, section.anchor, section.cite)
    for form in catalog.forms:
        if term in form.form.title or any(term in alias for alias in form.form.aliases):
            yield Place(form.link, "", form.form.code)
