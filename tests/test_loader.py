"""generator/source/loader.py: every way a text editor can break a file becomes one located problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.source.loader import MAX_ALIASES, MAX_FLOW_DEPTH, Located, load_file, load_text

pytestmark = pytest.mark.usefixtures("fixed_today")


def load(text: str | bytes) -> tuple[Located | None, list[tuple[str, int, int]]]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    located, problems = load_text("f.yml", raw)
    return located, [(p.code, p.line, p.col) for p in problems]


def only(text: str | bytes) -> tuple[str, int, int]:
    located, problems = load(text)
    assert located is None
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- accepted


def test_plain_data_and_positions() -> None:
    located, problems = load("# comment\nid: return-visit\nbody:\n  - title: 目的\n    text: 规范回访工作。\n")
    assert problems == []
    assert located is not None
    assert located.data == {"id": "return-visit", "body": [{"title": "目的", "text": "规范回访工作。"}]}
    assert located.values[()] == (2, 1)
    assert located.values[("id",)] == (2, 5)
    assert located.keys[("id",)] == (2, 1)
    assert located.values[("body", 0)] == (4, 5)
    assert located.keys[("body", 0, "text")] == (5, 5)
    assert located.values[("body", 0, "text")] == (5, 11)


def test_where_falls_back_to_the_nearest_parent() -> None:
    located, _ = load("a:\n  b: 1\n")
    assert located is not None
    assert located.where(("a", "b", "missing", 3)) == (2, 6)
    assert located.where(("a", "b"), key=True) == (2, 3)
    assert located.where(("nothing",)) == (1, 1)


def test_values_are_plain_python() -> None:
    located, _ = load("d: 2024-02-23\nt: 2024-02-23 08:30:00\nn: 1.5\ni: 3\nb: true\nz: null\nl: [1, a]\n")
    assert located is not None
    data = located.data
    assert type(data["d"]) is dt.date and data["d"] == dt.date(2024, 2, 23)
    assert type(data["t"]) is dt.datetime
    assert type(data["n"]) is float and type(data["i"]) is int and data["b"] is True and data["z"] is None
    assert type(data["l"]) is list and type(data) is dict


def test_utf8_byte_order_mark_is_accepted_silently() -> None:
    located, problems = load(b"\xef\xbb\xbfid: x\ntitle: \xe5\x9b\x9e\xe8\xae\xbf\n")
    assert problems == []
    assert located is not None and located.data == {"id": "x", "title": "回访"}
    assert located.values[("title",)] == (2, 8)


def test_windows_line_endings_keep_line_numbers() -> None:
    located, problems = load(b"a: 1\r\nb: 2\r\nc: 3\r\n")
    assert problems == []
    assert located is not None and located.values[("c",)] == (3, 4)


def test_tab_inside_text_is_not_indentation() -> None:
    located, problems = load('a: |\n  x\ty\nb: "p\tq"\n')
    assert problems == []
    assert located is not None and located.data["a"] == "x\ty\n"


def test_a_few_aliases_and_merge_keys_are_fine() -> None:
    text = "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\nl: [" + ", ".join(["*b"] * (MAX_ALIASES - 1)) + "]\n"
    located, problems = load(text)
    assert problems == []
    assert located is not None and located.data["c"] == {"x": 1, "y": 2}


def test_document_markers_and_directives_are_fine() -> None:
    assert load("%YAML 1.2\n---\na: 1\n...\n")[1] == []


# --------------------------------------------------------------------------- refused


def test_syntax_error_is_located() -> None:
    code, line, col = only("a: 1\nb: c: d\n")
    assert (code, line) == ("E001", 2)


def test_unclosed_bracket_points_where_it_opened() -> None:
    assert only("a: 1\nb: [x, y\n") == ("E001", 2, 4)


def test_two_documents_in_one_file() -> None:
    assert only("a: 1\n---\nb: 2\n")[:2] == ("E001", 2)


def test_duplicate_key_at_the_second_occurrence() -> None:
    assert only("a: 1\nb:\n  x: 1\n  x: 2\n") == ("E002", 4, 3)


def test_duplicate_key_message_names_the_key() -> None:
    _, problems = load_text("f.yml", b"title: a\ntitle: b\n")
    assert '"title"' in problems[0].message


def test_tab_indentation() -> None:
    assert only("a:\n  b: 1\n\tc: 2\n") == ("E003", 3, 1)
    assert only("a:\n  \tb: 1\n") == ("E003", 2, 3)


def test_every_tabbed_line_is_reported() -> None:
    _, problems = load("a:\n\tb: 1\n\tc: 2\n")
    assert problems == [("E003", 2, 1), ("E003", 3, 1)]


def test_gbk_file_says_gbk() -> None:
    raw = "# 注释\ntitle: 回访记录表\n".encode("gbk")
    _, problems = load_text("f.yml", raw)
    assert [(p.code, p.line) for p in problems] == [("E004", 1)]
    assert "GBK" in problems[0].message and "UTF-8" in problems[0].message


def test_gbk_error_position_is_the_first_bad_byte() -> None:
    raw = b"id: x\ntitle: " + "回访".encode("gbk") + b"\n"
    assert only(raw) == ("E004", 2, 8)


def test_latin1_file_is_not_utf8() -> None:
    _, problems = load_text("f.yml", b"a: caf\xe9\n")
    assert [(p.code, p.line, p.col) for p in problems] == [("E004", 1, 7)]
    assert "UTF-8" in problems[0].message


def test_utf16_file_is_refused() -> None:
    code, _, _ = only("a: 回访\n".encode("utf-16"))
    assert code in {"E004", "E005"}


def test_nul_byte() -> None:
    assert only(b"a: 1\nb: x\x00y\n") == ("E005", 2, 5)


def test_control_character_is_located() -> None:
    code, line, col = only("a: 1\nb: x\x07\n")
    assert (code, line, col) == ("E001", 2, 5)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo pwned']\n",
        "a: !!python/object:collections.OrderedDict {}\n",
        "a: !!python/name:os.system\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x, y}\n",
        "a: !include other.yml\n",
        "a: !!omap [x: 1]\n",
        "%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n",
    ],
)
def test_tags_that_construct_objects_are_refused(text: str) -> None:
    code, line, _ = only(text)
    assert code == "E006"
    assert line == text.count("\n", 0, text.index("a:")) + 1


def test_alias_bomb_is_refused_before_expansion() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    code, line, _ = only(text)
    assert (code, line) == ("E007", 4)  # the 21st alias is on the third alias line


def test_self_referencing_alias_does_not_hang() -> None:
    located, problems = load("a: &a\n  b: *a\n")
    assert located is not None or problems


@pytest.mark.parametrize(
    ("text", "line"),
    [("- a\n- b\n", 1), ("# c\n- a\n", 2), ("just text\n", 1), ("# c\n\n42\n", 3)],
)
def test_top_level_must_be_a_mapping(text: str, line: int) -> None:
    assert only(text)[:2] == ("E008", line)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n...\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    assert only(text) == ("E009", 1, 1)


def test_deep_flow_nesting_is_refused_quickly() -> None:
    # ruamel's scanner is quadratic in [ { depth: 1000 levels would take seconds.
    assert only("a: 1\nb: " + "[" * 5000 + "]" * 5000 + "\n") == ("E001", 2, 4 + MAX_FLOW_DEPTH)
    assert load("a: " + "[" * MAX_FLOW_DEPTH + "]" * MAX_FLOW_DEPTH + "\n")[1] == []


def test_brackets_in_quotes_and_comments_do_not_count() -> None:
    text = "a: '" + "[" * 100 + "'\nb: \"" + "{" * 100 + '"  # ' + "[" * 100 + "\n"
    assert load(text)[1] == []


def test_deep_block_nesting_is_not_a_crash() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(400))
    located, problems = load(text)  # libyaml copes; what matters is no exception
    assert located is not None or problems


def test_impossible_date_stays_text_for_the_schema_to_report() -> None:
    located, problems = load("effective: 2024-02-30\n")
    assert problems == []
    assert located is not None and located.data == {"effective": "2024-02-30"}


def test_messages_are_one_line() -> None:
    for raw in [b"a: 1\nb: x\x07\n", b"a: [\n", b"a: 'x\n", b"\x00", "a: 回".encode("gbk")]:
        _, problems = load_text("f.yml", raw)
        assert problems and all("\n" not in p.message for p in problems)


def test_load_file_reads_and_names_the_file(tmp_path: Path) -> None:
    file = tmp_path / "x.yml"
    file.write_text("a: 1\n", encoding="utf-8")
    located, problems = load_file(file, "forms/x.yml")
    assert problems == [] and located is not None and located.path == "forms/x.yml"


def test_unreadable_file(tmp_path: Path) -> None:
    located, problems = load_file(tmp_path / "missing.yml", "forms/missing.yml")
    assert located is None
    assert [(p.path, p.code, p.line) for p in problems] == [("forms/missing.yml", "E010", 1)]
    (tmp_path / "dir.yml").mkdir()
    assert load_file(tmp_path / "dir.yml", "forms/dir.yml")[1][0].code == "E010"
