"""The company's vocabulary (generator/catalog/vocabulary.py): validated with located errors, and the real one honest."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.catalog.vocabulary import VOCABULARY_FILE, glossary
from generator.check.run import check

REPO = Path(__file__).resolve().parent.parent


def project(tmp_path: Path, vocabulary: str) -> Path:
    root = tmp_path / "repo"
    for name in ("procedures", "forms"):
        shutil.copytree(REPO / name, root / name)
    (root / VOCABULARY_FILE).write_text(vocabulary, encoding="utf-8")
    return root


def codes(root: Path) -> list[tuple[str, int, int, str]]:
    return [(p.path, p.line, p.col, p.code) for p in check(root).problems if p.code != "W231"]


def test_the_real_vocabulary_is_clean_and_every_term_stands_in_the_manual() -> None:
    result = check(REPO)
    assert [p for p in result.problems if p.path == VOCABULARY_FILE] == []
    assert result.catalog is not None
    assert result.manual is not None
    vocabulary = result.manual.vocabulary
    assert len(vocabulary.entries) >= 40
    synonyms = vocabulary.synonyms()
    assert synonyms["打扫"] == ["保洁", "清洁"] and "遗失" in synonyms["丢东西"] and "警卫" in synonyms["门卫"]
    # the 术语表 page: every term is found somewhere in the manual
    assert all(term.places for row in glossary(result.manual.catalog, vocabulary) for term in row.terms)


def test_a_term_the_manual_never_uses_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = "entries:\n  - words: [打扫]\n    terms: [保洁, 扫除大作战]\n"
    assert codes(project(tmp_path, text)) == [(VOCABULARY_FILE, 3, 17, "E280")]


def test_a_staff_word_the_manual_already_uses_is_a_warning_and_a_repeated_one_an_error(tmp_path: Path) -> None:
    text = "entries:\n  - words: [保洁, 打扫]\n    terms: [清洁]\n  - words: [打扫]\n    terms: [保洁]\n"
    root = project(tmp_path, text)
    assert codes(root) == [(VOCABULARY_FILE, 2, 13, "W281"), (VOCABULARY_FILE, 4, 13, "E282")]
    assert check(root).catalog is None  # an error stops the build
    # a word standing only inside another (司机 in 公司机关, 收房 in 验收房屋) is no manual word
    assert codes(project(tmp_path / "b", "entries:\n  - words: [司机, 收房]\n    terms: [驾驶员]\n")) == []


def test_schema_mistakes_are_located_in_chinese(tmp_path: Path) -> None:
    text = "entries:\n  - words: [打]\n    terms: [保洁]\n    meaning: x\n"
    found = [p for p in check(project(tmp_path, text)).problems if p.path == VOCABULARY_FILE]
    assert {(p.line, p.code) for p in found} == {(2, "E104"), (4, "E101")} or {p.code for p in found} >= {"E101"}
    assert all(any("\u4e00" <= c <= "\u9fff" for c in p.message) for p in found)
