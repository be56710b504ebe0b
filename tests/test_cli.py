"""`procgen check`: exit codes, the three formats, sorting, and no traceback on any input."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import INVALID, ROOT, TODAY, VALID, build_repo

from generator.check.run import check
from generator.cli.main import main
from generator.model.files import FILE_MODELS
from generator.model.validate import validate
from generator.source.loader import load_text
from generator.source.problems import CODES, Problem, format_github, format_json, format_text, sort_problems

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeRepo = Callable[..., Path]
TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning) (?P<code>[EW]\d{3}) (?P<message>\S.*)$"
)
SUMMARY = re.compile(r"^(检查通过：未发现问题。|共 \d+ 个错误，\d+ 个警告。)$")
NOTICE = "提示：不在 git 仓库中：未检查版本规则，也没有历史版本\n"
"""Said once on stderr by `procgen check` of a folder that is not a git repository."""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- exit codes


def test_clean_repository_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(VALID))
    # The fixture is a folder inside this repository, not a repository of its own: the version rule
    # says once that it was skipped.
    assert (code, out, err) == (
        0,
        "检查通过：未发现问题。\n",
        "提示：不是 git 仓库的根目录：未检查版本规则，也没有历史版本\n",
    )


def test_errors_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = build_repo(tmp_path / "r", INVALID / "unknown-role")
    code, out, _ = run(capsys, "check", str(root))
    assert code == 1
    lines = out.splitlines()
    assert TEXT_LINE.match(lines[0])
    assert lines[0].startswith("procedures/04-memo.yml:15:") and " error E204 " in lines[0]
    assert lines[-1] == "共 1 个错误，0 个警告。"


def test_warnings_only_exit_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = build_repo(tmp_path / "r", INVALID / "overdue-review")
    code, out, _ = run(capsys, "check", str(root))
    assert code == 0
    assert out.splitlines()[0].startswith("procedures/04-memo.yml:10:") and " warning W231 " in out
    assert out.splitlines()[-1] == "共 0 个错误，1 个警告。"


def test_unknown_file_is_a_warning_only(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = build_repo(tmp_path / "r", INVALID / "unknown-file")
    code, out, _ = run(capsys, "check", str(root))
    assert code == 0 and "procedures/notes.yml:1:1: warning W240 " in out


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "/nonexistent/procgen/repo"],
        ["check", str(VALID / "procedures" / "roles.yml")],
        ["check", str(VALID), "--format", "xml"],
        ["check", str(VALID), "--colour"],
        ["frobnicate"],
        [],
        ["schema", "/nonexistent/procgen/repo"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == "" and err and "Traceback" not in err


def test_bad_procgen_today_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCGEN_TODAY", "tomorrow")
    code, out, err = run(capsys, "check", str(VALID))
    assert code == 2 and out == "" and "PROCGEN_TODAY" in err and "Traceback" not in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "check" in out
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "--format" in out


def test_path_defaults_to_the_current_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(VALID)
    assert run(capsys, "check")[:2] == (0, "检查通过：未发现问题。\n")


def test_a_bug_in_procgen_exits_3_with_a_request_to_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.cli.check

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.cli.check, "check", broken)
    code, _, err = run(capsys, "check", str(VALID))
    assert code == 3 and "报告" in err


def test_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "procgen"
    root = build_repo(tmp_path / "r", INVALID / "matrix")
    env = {**os.environ, "PROCGEN_TODAY": TODAY.isoformat()}
    result = subprocess.run(
        [str(script), "check", str(root), "--format", "github"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("::error file=procedures/04-memo.yml,line=") == 2  # E210 (two A) and E211 (no R)
    assert result.stderr == ""


# --------------------------------------------------------------------------- formats


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """Errors in three files and one warning, in an order that differs from the sorted one."""
    root = build_repo(tmp_path / "r", INVALID / "matrix")
    build_repo(root, INVALID / "unknown-file")
    build_repo(root, INVALID / "form-field-type")
    (root / "forms" / "a-list.yml").write_text("- a\n", encoding="utf-8")
    return root


def test_text_format_is_sorted_by_file_and_line(capsys: pytest.CaptureFixture[str], messy: Path) -> None:
    code, out, _ = run(capsys, "check", str(messy))
    assert code == 1
    *lines, summary = out.splitlines()
    parsed = [TEXT_LINE.match(line) for line in lines]
    assert all(parsed), lines
    keys = [(m["path"], int(m["line"]), int(m["col"])) for m in parsed if m]
    assert keys == sorted(keys)
    assert [m["path"] for m in parsed if m] == [
        "forms/a-list.yml",
        "forms/visit-receipt.yml",
        "procedures/04-memo.yml",
        "procedures/04-memo.yml",
        "procedures/notes.yml",
    ]
    assert summary == "共 4 个错误，1 个警告。"


def test_json_format(capsys: pytest.CaptureFixture[str], messy: Path) -> None:
    code, out, _ = run(capsys, "check", str(messy), "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["errors"] == 4 and payload["warnings"] == 1
    problems = payload["problems"]
    assert {tuple(sorted(p)) for p in problems} == {("code", "col", "line", "message", "path", "severity")}
    assert [(p["path"], p["line"], p["code"]) for p in problems] == [
        ("forms/a-list.yml", 1, "E008"),
        ("forms/visit-receipt.yml", 13, "E103"),
        ("procedures/04-memo.yml", 24, "E210"),
        ("procedures/04-memo.yml", 25, "E211"),
        ("procedures/notes.yml", 1, "W240"),
    ]
    assert problems[-1]["severity"] == "warning" and problems[0]["severity"] == "error"
    assert all(p["message"] and "\n" not in p["message"] for p in problems)


def test_json_format_when_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(VALID), "--format", "json")
    payload = json.loads(out)
    assert code == 0 and {k: payload[k] for k in ("problems", "errors", "warnings")} == {
        "problems": [],
        "errors": 0,
        "warnings": 0,
    }
    assert payload["notices"] == ["不是 git 仓库的根目录：未检查版本规则，也没有历史版本"]
    assert {r["status"] for r in payload["reviews"]} == {"ok"}


def test_github_format(capsys: pytest.CaptureFixture[str], messy: Path) -> None:
    code, out, _ = run(capsys, "check", str(messy), "--format", "github")
    assert code == 1
    notice, *lines, summary = out.splitlines()
    assert notice == "::notice title=procgen::不在 git 仓库中：未检查版本规则，也没有历史版本"
    assert lines[0].startswith("::error file=forms/a-list.yml,line=1,col=1,title=E008::")
    assert lines[2].startswith("::error file=procedures/04-memo.yml,line=24,col=")
    assert lines[-1].startswith("::warning file=procedures/notes.yml,line=1,col=1,title=W240::")
    assert all(re.match(r"^::(error|warning) file=[^,]+,line=\d+,col=\d+,title=[EW]\d{3}::\S", line) for line in lines)
    assert SUMMARY.match(summary)


def test_github_escapes_properties_and_messages() -> None:
    problem = Problem("forms/a,b:c.yml", 3, 4, "E001", "50% 完成\n第二行")
    assert problem.message == "50% 完成 第二行"  # a message is always one line
    out = format_github([problem])
    assert out.splitlines()[0] == "::error file=forms/a%2Cb%3Ac.yml,line=3,col=4,title=E001::50%25 完成 第二行"


def test_formatters_share_the_summary() -> None:
    problems = sort_problems(
        [Problem("b.yml", 2, 1, "W231", "w"), Problem("a.yml", 9, 1, "E100", "e"), Problem("a.yml", 9, 1, "E100", "e")]
    )
    assert [p.path for p in problems] == ["a.yml", "b.yml"]  # sorted, duplicates removed
    assert format_text(problems).splitlines() == [
        "a.yml:9:1: error E100 e",
        "b.yml:2:1: warning W231 w",
        "共 1 个错误，1 个警告。",
    ]
    assert format_github(problems).splitlines()[-1] == "共 1 个错误，1 个警告。"
    assert json.loads(format_json(problems))["warnings"] == 1
    assert format_text([]) == "检查通过：未发现问题。\n"


def test_every_code_has_a_description() -> None:
    assert all(re.fullmatch(r"[EW]\d{3}", code) and text for code, text in CODES.items())
    assert Problem("a", 1, 1, "W240", "").severity == "warning" and Problem("a", 1, 1, "E001", "").severity == "error"


def test_unprintable_text_does_not_crash_the_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # A lone surrogate from a YAML escape ends up in a message; printing it must not raise.
    root = build_repo(tmp_path / "r", files={"procedures/04-memo.yml": 'id: "\\ud800"\n'})
    code, out, err = run(capsys, "check", str(root))
    assert code == 1 and "Traceback" not in err and "procedures/04-memo.yml:1:" in out


# --------------------------------------------------------------------------- no traceback, ever


def _assert_well_formed(problems: list[Problem]) -> None:
    for p in problems:
        assert p.code in CODES, p
        assert p.line >= 1 and p.col >= 1, p
        assert p.message and "\n" not in p.message and "\r" not in p.message, p
        p.text()


SNIPPETS = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!x ",
    "'",
    '"',
    "\t",
    "\x00",
    "#",
    "? ",
    "|",
    ">",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "<<: *a\n",
    "\ufeff",
    "\x85",
    "\u2028",
    "\\",
    "@",
    "`",
    "2024-13-45",
    "1e999",
    "0x",
    "~",
    "null",
    "true",
    "-1",
    "9" * 40,
    "《",
    "》",
    "\r",
    "\ud7ff",
    "é",
    "回访",
]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = " " * rng.randint(0, 5) + lines[i].lstrip(" ")
        elif op == 4:
            pos = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rng.choice(SNIPPETS) + lines[i][pos:]
        elif op == 5:
            key = lines[i].split(":")[0]
            lines[i] = f"{key}: {rng.choice(SNIPPETS + ['', '[]', '{}', '[1, 2]', '{a: 1}', '3.5', '-', 'P3D'])}\n"
        elif op == 6:
            lines = lines[: rng.randint(0, len(lines))]
        else:
            lines[i] = lines[i].replace("  ", "    ", 1)
    return "".join(lines)


def _sources() -> list[tuple[str, str]]:
    return [(p.relative_to(VALID).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(VALID.rglob("*.yml"))]


def test_fuzz_loader_and_models_with_random_bytes() -> None:
    rng = random.Random(20240223)
    alphabet = b"abcdefghij:-[]{}&*!|>'\"#?%@`\t\n\r \x00\x85\xef\xbb\xbf\xe5\x9b\x9e\xff\xfe" + "《》回访".encode()
    for _ in range(200):
        raw = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        located, problems = load_text("f.yml", raw)
        _assert_well_formed(problems)
        if located is not None:
            for model in FILE_MODELS.values():
                _, found = validate(model, located)
                _assert_well_formed(found)


def test_fuzz_mutated_yaml_through_the_models() -> None:
    rng = random.Random(11)
    sources = _sources()
    models = {"forms": FILE_MODELS["form"], "roles.yml": FILE_MODELS["roles"], "external.yml": FILE_MODELS["external"]}
    for _ in range(150):
        rel, text = rng.choice(sources)
        located, problems = load_text(rel, _mutate(text, rng).encode("utf-8", "surrogatepass"))
        _assert_well_formed(problems)
        if located is not None:
            model = models.get(rel.split("/")[0]) or models.get(rel.split("/")[-1]) or FILE_MODELS["document"]
            _assert_well_formed(validate(model, located)[1])


def test_fuzz_mutated_repositories_through_the_checker(make_repo: MakeRepo) -> None:
    rng = random.Random(7)
    sources = _sources()
    root = make_repo()
    for _ in range(60):
        rel, text = rng.choice(sources)
        (root / rel).write_bytes(_mutate(text, rng).encode("utf-8", "surrogatepass"))
        result = check(root, when=TODAY)
        _assert_well_formed(result.problems)
        assert result.problems == sort_problems(result.problems)
        assert (result.catalog is None) == any(p.severity == "error" for p in result.problems)
        (root / rel).write_text(text, encoding="utf-8")


def test_fuzz_through_the_command_line(capsys: pytest.CaptureFixture[str], make_repo: MakeRepo) -> None:
    rng = random.Random(3)
    sources = _sources()
    root = make_repo()
    for i in range(15):
        rel, text = rng.choice(sources)
        (root / rel).write_bytes(_mutate(text, rng).encode("utf-8", "surrogatepass"))
        fmt = ("text", "json", "github")[i % 3]
        code, out, err = run(capsys, "check", str(root), "--format", fmt)
        assert code in (0, 1) and err in ("", NOTICE), err
        if fmt == "json":
            json.loads(out)
        (root / rel).write_text(text, encoding="utf-8")


def test_every_invalid_fixture_through_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for case in sorted(p for p in INVALID.iterdir() if p.is_dir()):
        root = build_repo(tmp_path / case.name, case)
        code, out, err = run(capsys, "check", str(root))
        assert code in (0, 1) and err in ("", NOTICE) and SUMMARY.match(out.splitlines()[-1]), case.name


def test_the_repository_itself_passes(capsys: pytest.CaptureFixture[str], manual_today: dt.date) -> None:
    # the real manual, checked on MANUAL_TODAY (manual_today overrides the module's fixed_today)
    code, out, _ = run(capsys, "check", str(ROOT))
    assert code == 0, out


# --------------------------------------------------------------------------- options and environment


def test_a_file_given_as_the_repository_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = tmp_path / "x.yml"
    file.write_text("id: x\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(file))
    assert code == 2 and "是文件，不是目录" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_pdf_out_that_cannot_be_a_folder_is_a_usage_error(
    kind: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if kind == "file":
        out = tmp_path / "out.pdf"
        out.write_bytes(b"")
        expected = "是文件，不是目录"
    else:
        out = Path("/proc/procgen-cannot-write-here")
        expected = "无法创建输出目录"
    code, _, err = run(capsys, "pdf", str(VALID), "--out", str(out))
    assert code == 2 and expected in err and "Traceback" not in err


@pytest.mark.slow
def test_pdf_names_the_folder_it_published_not_its_staging_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project, out = tmp_path / "project", tmp_path / "out"
    shutil.copytree(VALID, project, ignore=shutil.ignore_patterns(".cache", ".build"))
    code, stdout, _ = run(capsys, "pdf", str(project), "--out", str(out))
    assert code == 0 and f"输出到 {out}（" in stdout and "staging" not in stdout
    assert (out / "manual.pdf").is_file() and not list(tmp_path.glob(".*staging*"))


@pytest.mark.parametrize("value", ["²", "１２", "-1", "1.5", "99999999999999", "abc"])
def test_bad_source_date_epoch_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, _, err = run(capsys, "check", str(VALID))
    assert code == 2 and "SOURCE_DATE_EPOCH" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["garbage", "2024-13-01", "２０２４-０１-０１", "2024-1-1"])
def test_bad_procgen_today_under_mkdocs_is_one_message(value: str, tmp_path: Path) -> None:
    from sitebuild import MKDOCS, copy_repo

    project = copy_repo(ROOT / "tests" / "fixtures" / "site", tmp_path / "p")
    result = subprocess.run(
        [*MKDOCS, "build", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env=dict(os.environ, PROCGEN_PDF="false", PROCGEN_TODAY=value),
        timeout=300,
    )
    assert result.returncode == 1
    assert "PROCGEN_TODAY" in result.stderr and "Traceback" not in result.stderr


def test_a_file_name_cannot_forge_a_problem_line(capsys: pytest.CaptureFixture[str], make_repo: MakeRepo) -> None:
    root = make_repo({"forms/evil\nx.yml:1:1: error E999 假的.yml": "id: [\n"})
    code, out, _ = run(capsys, "check", str(root))
    assert code == 1
    lines = out.splitlines()
    assert all(TEXT_LINE.match(line) or SUMMARY.match(line) for line in lines), lines
    assert any(
        line.startswith("forms/evil\\nx.yml:1:1: error E999 假的.yml:1:") and " error E001 " in line for line in lines
    ), lines
    assert not any(line.startswith("x.yml") for line in lines)


def test_an_encoding_error_column_counts_characters(make_repo: MakeRepo) -> None:
    text = "id: 回访记录表\n".encode() + "title: 回访".encode() + "表".encode("gbk") + b"\n"
    root = make_repo({"forms/bad.yml": text})
    (problem,) = [p for p in check(root).problems if p.path == "forms/bad.yml"]
    assert (problem.code, problem.line, problem.col) == ("E004", 2, 10)  # "title: 回访" is 9 characters, 13 bytes
