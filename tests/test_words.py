"""The cuts into words kept on disk (generator/text/words.py: Cuts, ``.cache/words/``): the same words with an
empty cache, a filled one and none (PROCGEN_CACHE=off), in every mode and through the check, the quizzes and
the search index; another user dictionary or other names are other entries; a corrupt table or a cache that
cannot be written is a miss, never a traceback; when every text was cut before, jieba's dictionary is never
read (nor jieba imported, in a process of its own); two runs saving at once keep a readable table."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MANUAL_TODAY, ROOT

from generator.catalog.views import Catalog
from generator.catalog.vocabulary import VOCABULARY_FILE
from generator.check.run import check
from generator.render.site import search
from generator.render.site.search import Vocabulary
from generator.source.diskcache import PRUNE_AFTER_DAYS
from generator.text import words
from generator.text.words import NO_CUTS, Cuts, Words, cut

TEXTS = [
    "项目处物管员负责回访工作。",
    "物业公司的管理处主任论坛",
    "规范回访工作，及时验证管理服务工作的质量和效果，确保管理服务工作质量。",
    "司机在公司机关\r\n门口 ABC-123 等候",
    "",
]
NAMES = ["物管员", "管理处主任论坛", "管理处主任", "项目处"]
VOCABULARY = "entries:\n  - words: [保洁, 打扫, 司机]\n    terms: [清洁]\n"
"""保洁 is a word of the manual's clauses (W281), 打扫 is not, 司机 stands only inside 公司机关 and the like."""


@pytest.fixture
def unloaded() -> Iterator[None]:
    """No tokenizer left by an earlier test of this process: whatever is loaded, this test loaded."""
    _forget()
    yield
    _forget()


def _forget() -> None:
    words._base.cache_clear()
    words._tokenizer.cache_clear()
    words.segmenter.cache_clear()
    search._CUTS.clear()


def every_mode(cuts: Cuts) -> tuple[object, ...]:
    """Each text cut as the vocabulary rule, the quizzes and the search index cut it."""
    search._CUTS.clear()  # the index's own memory of the process: every text goes to ``cuts``
    segmenter = Words(NAMES, cuts)
    index = Vocabulary(None, cuts)
    for text in TEXTS:
        index.feed(text)
    return (
        [cut(text, cuts) for text in TEXTS],
        [segmenter.boundaries(text) for text in TEXTS],
        index.sorted(),
    )


def test_the_same_words_with_an_empty_cache_a_filled_one_and_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "words"
    plain = every_mode(NO_CUTS)
    empty = Cuts(folder)
    assert every_mode(empty) == plain and empty.hits == 0 and empty.misses == 3 * len(TEXTS)
    assert not folder.exists()  # nothing written before the work is done
    empty.save()
    assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == ["lcut", "search", "words"]
    filled = Cuts(folder)
    assert every_mode(filled) == plain and filled.misses == 0 and filled.hits == 3 * len(TEXTS)
    monkeypatch.setenv("PROCGEN_CACHE", "off")
    off = Cuts(folder)
    assert every_mode(off) == plain and off.folder is None and off.hits == 0
    # what the words are for: 物管员 is whole in 项目处物管员, 公司 is not in 物业公司
    segmenter = Words(NAMES, Cuts(folder))
    assert segmenter.whole(TEXTS[0], 3, 6) and not segmenter.whole(TEXTS[1], 2, 4)


def test_other_names_or_another_user_dictionary_are_other_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unloaded: None
) -> None:
    folder = tmp_path / "words"
    text = TEXTS[2]
    first = Cuts(folder)
    before = cut(text, first)
    Words(NAMES, first).boundaries(text)
    first.save()

    same = Cuts(folder)
    Words(list(reversed(NAMES)), same).boundaries(text)  # the same names in another order: the same entry
    assert (same.hits, same.misses) == (1, 0)
    fewer = Cuts(folder)
    Words(NAMES[:-1], fewer).boundaries(text)
    assert (fewer.hits, fewer.misses) == (0, 1)

    # another user dictionary: another segmenter, another table, another cut
    user_dict = tmp_path / "user_dict.txt"
    user_dict.write_text(words.USER_DICT.read_text(encoding="utf-8") + "及时验证 50000\n", encoding="utf-8")
    monkeypatch.setattr(words, "USER_DICT", user_dict)
    _forget()
    other = Cuts(folder)
    after = cut(text, other)
    assert (other.hits, other.misses) == (0, 1)
    assert "及时验证" in after and "及时验证" not in before
    assert after == cut(text)  # as cut with no cache
    other.save()
    assert len(list(folder.glob("lcut-*.pickle"))) == 2


def test_a_corrupt_table_is_a_miss_and_an_unwritable_cache_no_cache(tmp_path: Path) -> None:
    folder = tmp_path / "words"
    plain = every_mode(NO_CUTS)
    filled = Cuts(folder)
    every_mode(filled)
    filled.save()
    tables = sorted(folder.iterdir())
    tables[0].write_bytes(b"not a pickle")
    tables[1].write_bytes(tables[1].read_bytes()[:30])  # truncated
    kept = pickle.loads(tables[2].read_bytes())
    tables[2].write_bytes(pickle.dumps({key: (["not"], "a tuple of words") for key in kept}))
    broken = Cuts(folder)
    assert every_mode(broken) == plain and broken.hits == 0
    broken.save()  # written again whole
    again = Cuts(folder)
    assert every_mode(again) == plain and again.misses == 0

    # a kept cut that does not give its text back (edited by hand, or a digest collision) is a miss
    table = next(folder.glob("lcut-*.pickle"))
    kept = pickle.loads(table.read_bytes())
    table.write_bytes(pickle.dumps({key: ("错",) for key in kept}))
    wrong = Cuts(folder)
    assert [cut(text, wrong) for text in TEXTS] == plain[0] and wrong.hits == 0

    # a file where the folder would be: cut, used, not kept, no exception
    blocked = tmp_path / "blocked"
    blocked.write_text("a file", encoding="utf-8")
    nowhere = Cuts(blocked / "words")
    assert every_mode(nowhere) == plain
    nowhere.save()
    assert blocked.read_text(encoding="utf-8") == "a file"


def test_when_every_text_was_cut_before_jiebas_dictionary_is_never_read(tmp_path: Path, unloaded: None) -> None:
    folder = tmp_path / "words"
    plain = every_mode(Cuts(folder))
    assert words._base.cache_info().currsize == 1
    Cuts(folder).save()  # nothing added: nothing to write
    filling = Cuts(folder)
    every_mode(filling)
    filling.save()
    _forget()
    assert every_mode(Cuts(folder)) == plain
    assert words._base.cache_info().currsize == 0 and words._tokenizer.cache_info().currsize == 0


def test_two_runs_saving_in_turns_keep_both_their_cuts(tmp_path: Path) -> None:
    folder = tmp_path / "words"
    first, second = Cuts(folder), Cuts(folder)
    cut("回访", first)
    cut("回访", second)  # both have read the (empty) table before either writes
    for text in TEXTS[:2]:
        cut(text, first)
    for text in TEXTS[2:4]:
        cut(text, second)
    first.save()
    second.save()  # merged with what the first one wrote meanwhile
    last = Cuts(folder)
    assert [cut(text, last) for text in ["回访", *TEXTS[:4]]] == [cut(text) for text in ["回访", *TEXTS[:4]]]
    assert last.misses == 0


def test_tables_of_other_code_are_pruned_when_old(tmp_path: Path) -> None:
    folder = tmp_path / "words"
    folder.mkdir()
    old, recent = folder / "words-0123456789abcdef.pickle", folder / "search-0123456789abcdef.pickle"
    ours = folder / f"search-{words.segmenter()[:16]}.pickle"  # not opened by this run, still this code's
    for path in (old, recent, ours):
        path.write_bytes(pickle.dumps({}))
    stamp = time.time() - (PRUNE_AFTER_DAYS + 1) * 86400
    for path in (old, ours):
        os.utime(path, (stamp, stamp))
    cuts = Cuts(folder)
    cut(TEXTS[0], cuts)
    cuts.save()
    assert not old.exists() and recent.exists() and ours.exists()
    assert len(list(folder.glob("lcut-*.pickle"))) == 1


# --------------------------------------------------------------------------- the real manual


def project(tmp_path: Path, vocabulary: str = VOCABULARY) -> Path:
    root = tmp_path / "repo"
    for name in ("procedures", "forms", "training"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(".cache"))
    (root / VOCABULARY_FILE).write_text(vocabulary, encoding="utf-8")
    return root


def outcome(root: Path) -> tuple[list[tuple[str, int, int, str, str]], str]:
    """The check's problems and every quiz, as text."""
    result = check(root, when=MANUAL_TODAY)
    assert result.manual is not None, [p.text() for p in result.errors]
    problems = [(p.path, p.line, p.col, p.code, p.message) for p in result.problems]
    return problems, repr({role: quiz.questions for role, quiz in result.manual.quizzes.items()})


def test_the_check_and_the_quizzes_are_the_same_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unloaded: None
) -> None:
    root = project(tmp_path)
    empty = outcome(root)
    assert any(code == "W281" for _, _, _, code, _ in empty[0])  # the vocabulary rule cut the clauses
    assert {p.name.split("-")[0] for p in (root / ".cache" / "words").iterdir()} == {"lcut", "words"}
    _forget()
    assert outcome(root) == empty
    assert words._base.cache_info().currsize == 0  # every line and clause read back: no dictionary read
    monkeypatch.setenv("PROCGEN_CACHE", "off")
    assert outcome(root) == empty


def test_the_search_words_are_the_same_with_and_without_the_cache(
    tmp_path: Path, catalog: Catalog, unloaded: None
) -> None:
    texts = [p.text for doc in catalog.documents for s in doc.walk() for p in s.paragraphs][:300]
    assert len(texts) >= 100

    def vocabulary(cuts: Cuts) -> list[str]:
        search._CUTS.clear()
        found = Vocabulary(catalog, cuts)
        for text in texts:
            found.feed(text)
        cuts.save()
        return found.sorted()

    plain = vocabulary(NO_CUTS)
    assert vocabulary(Cuts(tmp_path / "words")) == plain
    _forget()
    filled = Cuts(tmp_path / "words")
    assert vocabulary(filled) == plain and filled.misses == 0 and words._base.cache_info().currsize == 0


RUN = """
import json, sys
from pathlib import Path
from generator.check.run import check
from generator.text.words import _base
import datetime as dt
result = check(Path(sys.argv[1]), when=dt.date.fromisoformat(sys.argv[2]))
quizzes = result.manual.quizzes
print(json.dumps({
    "problems": [p.text() for p in result.problems],
    "quizzes": repr({role: quiz.questions for role, quiz in quizzes.items()}),
    "jieba": "jieba" in sys.modules,
    "read": _base.cache_info().currsize,
}, ensure_ascii=False))
"""


def test_two_checks_at_once_then_one_that_imports_no_jieba(tmp_path: Path) -> None:
    root = project(tmp_path)
    command = [sys.executable, "-c", RUN, str(root), MANUAL_TODAY.isoformat()]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err.decode() for _, err in outputs]
    first, second = (json.loads(out) for out, _ in outputs)
    assert {k: v for k, v in first.items() if k != "jieba"} == {k: v for k, v in second.items() if k != "jieba"}
    assert not list((root / ".cache" / "words").glob(".*.tmp"))
    again = subprocess.run(command, capture_output=True, timeout=180)
    assert again.returncode == 0, again.stderr.decode()
    third = json.loads(again.stdout)
    assert third["problems"] == first["problems"] and third["quizzes"] == first["quizzes"]
    assert third["read"] == 0 and third["jieba"] is False  # every cut read back: jieba not even imported
