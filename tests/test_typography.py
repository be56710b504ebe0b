"""generator/text/typography.py and `procgen format`: half-width , : ; ( ) in Chinese become full-width,
the YAML is rewritten only where the data stays the same but for that punctuation."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import INVALID, ROOT, build_repo

from generator.catalog.numbering import label
from generator.check.run import check
from generator.cli.main import main
from generator.text.typography import format_text, full_width, half_width_marks, same_but_punctuation

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("规范回访工作,及时验证", "规范回访工作，及时验证"),
        ("回访率:", "回访率："),
        ("公约(业主临时公约);", "公约（业主临时公约）；"),
        ("人员 (物管员) 与 e网 (房地产e网) 的", "人员（物管员）与 e网（房地产e网）的"),
        ("(1)辖区管理人员工资;", "(1）辖区管理人员工资；"),
        # Not Chinese on either side: kept.
        ("Version 1.0, 2024", "Version 1.0, 2024"),
        ("回访率达到100%;", "回访率达到100%;"),
        ("key: 值", "key: 值"),
        ("见 https://example.org/a,b", "见 https://example.org/a,b"),
        ("已是全角，：；（）", "已是全角，：；（）"),
    ],
)
def test_full_width(text: str, expected: str) -> None:
    assert full_width(text) == expected
    assert full_width(expected) == expected  # idempotent


def test_yaml_structure_is_never_touched() -> None:
    raw = 'id: memo\ntitle: "回访:备忘"\nbody:\n  - {text: 回访,记录, roles: [a, b]}\n  - text: 甲(乙)\n'
    assert (
        format_text(raw)
        == 'id: memo\ntitle: "回访：备忘"\nbody:\n  - {text: 回访，记录, roles: [a, b]}\n  - text: 甲（乙）\n'
    )


def test_revision_entries_keep_the_original_wording() -> None:
    raw = "revisions:\n  - changes:\n      - 会议,::应有签到 改为 会议,应有签到\nbody:\n  - text: 会议,应有签到\n"
    assert (
        format_text(raw)
        == "revisions:\n  - changes:\n      - 会议,::应有签到 改为 会议,应有签到\nbody:\n  - text: 会议，应有签到\n"
    )


def test_same_but_punctuation() -> None:
    assert same_but_punctuation({"a": ["甲,乙"]}, {"a": ["甲，乙"]})
    assert not same_but_punctuation({"a": ["甲,乙"]}, {"a": ["甲，丙"]})
    assert not same_but_punctuation({"a": "甲,乙"}, {"b": "甲，乙"})
    assert not same_but_punctuation({"revisions": ["甲,乙"]}, {"revisions": ["甲，乙"]})


def test_marks_report_their_characters() -> None:
    assert [(m.offset, m.char) for m in half_width_marks("甲,乙(丙)")] == [(1, ","), (3, "("), (5, ")")]


def test_generated_labels_are_full_width() -> None:
    assert label("cn-paren", 10, (10,)) == "（十）"
    assert label("arabic-paren", 2, (2,)) == "（2）"
    assert label("cn", 1, (1,)) == "一、"


def test_format_rewrites_and_then_the_warning_is_gone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_repo(tmp_path / "r", INVALID / "half-width-punctuation")
    before = {(p.code, p.line) for p in check(root).problems}
    assert {("W250", 17), ("W250", 19), ("W250", 21)} <= before

    assert main(["format", "--check", str(root)]) == 1
    out, _ = capsys.readouterr()
    assert out == "须改正 procedures/04-memo.yml\n"
    assert "(存档)" in (root / "procedures/04-memo.yml").read_text(encoding="utf-8")  # --check writes nothing

    assert main(["format", str(root)]) == 0
    out, _ = capsys.readouterr()
    assert out == "已改正 procedures/04-memo.yml\n"
    text = (root / "procedures/04-memo.yml").read_text(encoding="utf-8")
    assert (
        "物管员负责回访，填写回访记录（存档）。" in text
        and "回访人员（物管员）与 e网（房地产e网）的说明不改动。" in text
    )
    assert not any(p.code == "W250" for p in check(root).problems)
    assert not list(root.rglob("*.procgen-format"))

    assert main(["format", "--check", str(root)]) == 0
    out, _ = capsys.readouterr()
    assert out == "没有要改正的半角标点。\n"


def test_format_refuses_a_change_beyond_punctuation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_repo(tmp_path / "r")
    path = root / "procedures/02-communication.yml"
    text = path.read_text(encoding="utf-8")
    # A folded line ending in "," reads as "回访, 记录" (a space follows): rewriting the line would
    # change more than the mark, so the file is left alone.
    folded = text.replace("intro:\n", "summary_note: >-\n  回访,\n  记录。\nintro:\n", 1)
    assert folded != text
    path.write_text(folded, encoding="utf-8")
    assert main(["format", str(root)]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("未改写 procedures/02-communication.yml：") and "手工" in err
    assert path.read_text(encoding="utf-8") == folded


def test_format_refuses_a_file_with_a_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_repo(tmp_path / "r")
    path = root / "procedures/02-communication.yml"
    broken = path.read_text(encoding="utf-8") + "  - text: 回访,记录\n bad: [\n"
    path.write_text(broken, encoding="utf-8")
    assert main(["format", str(root)]) == 1
    _, err = capsys.readouterr()
    assert "procgen check" in err
    assert path.read_text(encoding="utf-8") == broken


def test_the_repository_is_formatted(capsys: pytest.CaptureFixture[str], manual_today: object) -> None:
    # the real manual, on MANUAL_TODAY (manual_today overrides the module's fixed_today)
    assert main(["format", "--check", str(ROOT)]) == 0
    assert not any(p.code == "W250" for p in check(ROOT).problems)
