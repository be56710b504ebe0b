"""Nothing lost: every command that rewrites a user's file (review, format, new) under races, odd files
and full disks; the site swap under kills and concurrent builds (generator/source/files.py, generator/render/publish.py).

Races are driven with real processes, kills with SIGKILL, a full disk with a small tmpfs (when this
machine lets the test mount one) and by injection."""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MANUAL_TODAY, TODAY, release

from generator.cli.main import main
from generator.source import files

REPO = Path(__file__).resolve().parents[1]
DOC = "procedures/11-return-visit.yml"
DOC_NOW = release(REPO / DOC)
"""WY-GL-11 as the repository has it: a review records its version, on the day after its latest entry."""
ADDED_ENTRY = [
    f'  - version: "{DOC_NOW.version}"',
    f"    date: {DOC_NOW.after}",
    '    summary: "定期评审：继续有效"',
    "    reviewer: quality-dept",
    "    outcome: continue",
]
PROCGEN = [sys.executable, "-c", "from generator.cli.main import run; run()"]


@pytest.fixture
def repo(tmp_path: Path, manual_today: dt.date) -> Path:
    root = tmp_path / "manual"
    for folder in ("procedures", "forms"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def review(root: Path, *extra: str) -> list[str]:
    return [
        "review",
        "WY-GL-11",
        "--reviewer",
        "quality-dept",
        "--date",
        DOC_NOW.after.isoformat(),
        *extra,
        "--path",
        str(root),
    ]


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if files.TEMP_SUFFIX in p.name or ".procgen-" in p.name]


@pytest.mark.slow  # builds a site or runs real processes for seconds: not in make test-fast
def test_two_reviews_at_once_both_recorded(repo: Path) -> None:
    """Two `procgen review` started together: both succeed, one after the other, both entries kept."""
    env = dict(os.environ, PROCGEN_TODAY=MANUAL_TODAY.isoformat())
    for attempt in range(4):
        runs = [
            subprocess.Popen(
                [*PROCGEN, *review(repo, "--note", f"第{attempt}轮{who}")],
                env=env,
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for who in "甲乙"
        ]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert "已记录评审" in out
        text = (repo / DOC).read_text(encoding="utf-8")
        assert f"第{attempt}轮甲" in text and f"第{attempt}轮乙" in text
    assert leftovers(repo) == []


def test_review_refuses_when_the_file_changed_meanwhile(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An editor saves between procgen's read and its rename: the save wins, procgen says so, exit 1."""
    path = repo / DOC
    real_fsync = os.fsync

    def editor_saves(fd: int) -> None:
        real_fsync(fd)
        if not path.read_text(encoding="utf-8").endswith("# 编辑器保存\n"):
            path.write_text(path.read_text(encoding="utf-8") + "# 编辑器保存\n", encoding="utf-8")

    monkeypatch.setattr(files.os, "fsync", editor_saves)
    assert main(review(repo)) == 1
    assert "被修改了" in capsys.readouterr().err
    text = path.read_text(encoding="utf-8")
    assert text.endswith("# 编辑器保存\n") and "定期评审" not in text
    assert leftovers(repo) == []


def test_review_keeps_crlf_bom_mode_and_link(repo: Path) -> None:
    path = repo / DOC
    outside = repo / "kept" / "return-visit.yml"  # a link inside the repository (one outside is refused: E010)
    outside.parent.mkdir()
    outside.write_bytes(files.BOM + path.read_bytes().replace(b"\n", b"\r\n"))
    path.unlink()
    path.symlink_to(outside)
    outside.chmod(0o440)
    before = outside.read_bytes()
    assert main(review(repo)) == 0
    assert path.is_symlink()
    after = outside.read_bytes()
    assert after.startswith(files.BOM)
    assert after.count(b"\n") == after.count(b"\r\n") > before.count(b"\r\n")
    assert stat.S_IMODE(outside.stat().st_mode) == 0o440
    lines = difflib.ndiff(before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines())
    assert [x for x in lines if x[0] in "-+"] == [f"+ {x}" for x in ADDED_ENTRY]  # nothing else touched
    assert "定期评审" in after.decode("utf-8-sig")


def test_format_keeps_crlf_and_link(repo: Path) -> None:
    path = repo / DOC
    text = path.read_text(encoding="utf-8")
    changed = text.replace("服务工作质量。", "服务工作质量。(见附表)", 1)
    assert changed != text
    outside = repo / "kept" / "return-visit.yml"
    outside.parent.mkdir()
    outside.write_bytes(changed.replace("\n", "\r\n").encode("utf-8"))
    outside.chmod(0o600)
    path.unlink()
    path.symlink_to(outside)
    assert main(["format", str(repo)]) == 0
    assert path.is_symlink()
    data = outside.read_bytes()
    assert "（见附表）".encode() in data and data.count(b"\n") == data.count(b"\r\n")
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600


def test_full_disk_by_injection(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (repo / DOC).read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    assert main(review(repo)) == 1
    err = capsys.readouterr().err
    assert "磁盘已满" in err and DOC in err and "Traceback" not in err
    assert (repo / DOC).read_bytes() == before
    assert leftovers(repo) == []
    text = (repo / DOC).read_text(encoding="utf-8")
    (repo / DOC).write_text(text.replace("服务工作质量。", "服务工作质量。(见附表)", 1), encoding="utf-8")
    assert main(["format", str(repo)]) == 1
    assert "磁盘已满" in capsys.readouterr().err
    assert leftovers(repo) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> object:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the full disk is tested by injection above")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_on_a_real_small_tmpfs(
    small_disk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], manual_today: dt.date
) -> None:
    root = small_disk / "manual"
    shutil.copytree(REPO / "procedures", root / "procedures")
    shutil.copytree(REPO / "forms", root / "forms")
    filler = small_disk / "filler"
    with filler.open("wb", buffering=0) as handle, pytest.raises(OSError):
        while True:
            handle.write(b"x" * 4096)
    before = (root / DOC).read_bytes()
    # The review's own check runs in a scratch copy on the real /tmp; the rewrite itself meets the full disk.
    assert main(review(root)) == 1
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "Traceback" not in err
    assert (root / DOC).read_bytes() == before
    assert leftovers(root) == []


def test_new_role_keeps_crlf_and_refuses_when_changed(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roles = repo / "procedures" / "roles.yml"
    roles.write_bytes(roles.read_bytes().replace(b"\n", b"\r\n"))
    roles.chmod(0o640)
    assert (
        main(["new", "role", "night-guard", "--name", "夜班保安", "--department", "management-office", str(repo)]) == 0
    )
    data = roles.read_bytes()
    assert "夜班保安".encode() in data and data.count(b"\n") == data.count(b"\r\n")
    assert stat.S_IMODE(roles.stat().st_mode) == 0o640


def test_new_document_on_a_full_disk(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    names = sorted(p.name for p in (repo / "procedures").iterdir())
    assert main(["new", "document", "fire-drill", "--title", "消防演练管理规定", str(repo)]) == 1
    assert "磁盘已满" in capsys.readouterr().err
    assert sorted(p.name for p in (repo / "procedures").iterdir()) == names


def test_messages_never_carry_raw_control_characters(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "WY\x1b[31m", "--reviewer", "quality-dept", "--path", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert re.search(r"\\x1b|\\e|U\+001B", err)


# --------------------------------------------------------------------------- the site swap (generator/render/publish.py)

FIXTURE = REPO / "tests" / "fixtures" / "valid"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs").mkdir(exist_ok=True)
    return root


def site_build(root: Path) -> subprocess.Popen[str]:
    env = dict(
        os.environ, PROCGEN_PDF="false", PROCGEN_TODAY=TODAY.isoformat(), NO_MKDOCS_2_WARNING="1"
    )  # the valid fixture
    return subprocess.Popen(
        [*PROCGEN, "build", str(root)],
        cwd=root,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow  # builds a site or runs real processes for seconds: not in make test-fast
def test_killed_builds_leave_the_last_complete_site(project: Path) -> None:
    first = site_build(project)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    complete = tree(project / "site")
    assert "index.html" in complete and "procedures/return-visit/index.html" in complete
    import random

    chance = random.Random(21)
    for _ in range(6):
        run = site_build(project)
        try:
            run.wait(timeout=chance.uniform(0.2, 2.5))
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, 9)
            run.wait()
        run.communicate()
        assert tree(project / "site") == complete
    finished = site_build(project)
    assert finished.communicate(timeout=300) and finished.returncode == 0
    assert tree(project / "site") == complete
    assert not list(project.glob(".site.staging-*"))  # what the killed builds left is gone


@pytest.mark.slow  # builds a site or runs real processes for seconds: not in make test-fast
def test_two_builds_at_once_both_succeed_in_turn(project: Path) -> None:
    runs = [site_build(project) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert any("等待它完成" in err for _, err in results)
    assert "index.html" in tree(project / "site")


@pytest.mark.slow  # builds a site or runs real processes for seconds: not in make test-fast
def test_a_failed_build_leaves_the_site_as_it_was(project: Path) -> None:
    done = site_build(project)
    assert done.communicate(timeout=300) and done.returncode == 0
    complete = tree(project / "site")
    doc = sorted((project / "procedures").glob("[0-9]*.yml"))[0]
    doc.write_text(doc.read_text(encoding="utf-8").replace("\ntitle:", "\ntitle: [", 1), encoding="utf-8")
    run = site_build(project)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 1 and "site/ 未改动" in err and "Traceback" not in err
    assert tree(project / "site") == complete


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    from generator.render.publish import exchange

    old, new = tmp_path / "site", tmp_path / "stage"
    old.mkdir()
    (old / "a").write_text("old")
    new.mkdir()
    (new / "a").write_text("new")
    exchange(new, old)
    assert (old / "a").read_text() == "new" and (new / "a").read_text() == "old"


def test_a_staging_folder_is_named_for_its_target_and_reported_as_it() -> None:
    """What a build writes into a staging folder is reported where it will be once published."""
    from generator import paths

    stage = paths.staging(Path("/repo/site"), "4242-0a1b2c3d")
    assert stage == Path("/repo/.site.staging-4242-0a1b2c3d")
    assert paths.published(stage / "pdf") == Path("/repo/site/pdf")
    assert paths.published(Path("/repo/.site/pdf")) == Path("/repo/.site/pdf")  # not a staging folder
    assert paths.staging(Path("/repo/site"), "*").name == ".site.staging-*"


def test_symlink_loops_and_dangling_links_are_e010(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "forms" / "loop.yml").symlink_to("loop.yml")
    (repo / "forms" / "dangling.yml").symlink_to("nowhere.yml")
    assert main(["check", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "forms/loop.yml:1:1: error E010" in out and "循环" in out
    assert "forms/dangling.yml:1:1: error E010" in out and "Traceback" not in out


def test_an_escape_in_a_definition_never_reaches_the_terminal_raw(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / DOC
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: 物业服务回访管理规范标准", 'title: "物业服务回访\\e[31m管理规范标准"', 1
        ),
        encoding="utf-8",
    )
    assert main(["check", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and f"{DOC}:4:8: error E110" in out


def test_new_refuses_what_the_check_would_refuse(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = sorted(p.name for p in (repo / "procedures").iterdir())
    assert main(["new", "document", "fire-drill", "--title", "消防演练\U0002a6a5管理规定", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "E301" in err and "未写入" in err
    assert sorted(p.name for p in (repo / "procedures").iterdir()) == names


def test_the_repository_may_come_before_or_after_the_options(repo: Path) -> None:
    assert main(["new", "role", "night-guard", str(repo), "--name", "夜班保安"]) == 0
    assert main(["new", "role", "day-guard", "--name", "白班保安", str(repo)]) == 0
    assert main(["check", str(repo)]) == 0
