"""Live preview: `mkdocs serve` shows the validator's messages and reloads when a definition is saved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sitebuild import MKDOCS, REPO, copy_repo

FIXTURE = REPO / "tests" / "fixtures" / "site"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
        return response.read().decode("utf-8")


def _wait_for(url: str, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} not served within {timeout}s; last page:\n{last[-2000:]}")


def test_serve_shows_errors_then_reloads_after_the_fix(tmp_path: Path) -> None:
    """Under the strict mkdocs.yml: start broken, fix, break again; the server answers throughout."""
    project = copy_repo(FIXTURE, tmp_path / "project")
    assert "strict: true" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    doc = project / "procedures" / "01-alpha.yml"
    good = doc.read_text(encoding="utf-8")
    doc.write_text(good.replace("roles: [officer]", "roles: [oficer]"), encoding="utf-8")
    port = _free_port()
    env = dict(os.environ, PROCGEN_PDF="false", PROCGEN_TODAY="2024-06-01")
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        page = _wait_for(url, "定义有错误")
        assert "procedures/01-alpha.yml:21:17: error E204" in page
        assert "oficer" in page
        doc.write_text(good, encoding="utf-8")
        page = _wait_for(url, "我是物管员")
        assert "定义有错误" not in page
        assert "回访" in _get(url + "procedures/alpha/")
        # Broken again while it runs: a duplicate key this time; the server keeps answering.
        doc.write_text(good.replace("title: ", "title: 重复\ntitle: ", 1), encoding="utf-8")
        page = _wait_for(url, "定义有错误")
        assert "E002" in page
        # The page being edited stays up, as last saved without errors, under the problems.
        edited = _wait_for(url + "procedures/alpha/", "E002")
        assert "本页显示的是上次无错误时的内容" in edited and "回访" in edited
        assert _get(url + "search/procedures_index.js")
        doc.write_text(good, encoding="utf-8")
        _wait_for(url, "我是物管员")
        assert server.poll() is None, "the server stopped"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Traceback" not in output, output[-3000:]
    assert "Aborted" not in output and "strict mode" not in output, output[-3000:]
    assert "WARNING" in output and "E204" in output  # the log warns, it does not fail


def test_a_draft_previews_with_a_banner_and_no_pdf_waits(tmp_path: Path) -> None:
    """In git, content edited without a new version (E235): the preview shows it under a 草稿 banner;
    procgen check still refuses it. PDFs are not rendered before the reload."""
    project = copy_repo(FIXTURE, tmp_path / "project")
    env = dict(
        os.environ,
        PROCGEN_PDF="true",
        PROCGEN_TODAY="2024-06-01",
        GIT_AUTHOR_NAME="质量部",
        GIT_AUTHOR_EMAIL="qa@example.com",
        GIT_COMMITTER_NAME="质量部",
        GIT_COMMITTER_EMAIL="qa@example.com",
    )
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "1.0"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    doc = project / "procedures" / "01-alpha.yml"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("物管员负责回访工作", "物管员负责电话回访工作", 1), encoding="utf-8"
    )
    checked = subprocess.run(
        [sys.executable, "-m", "generator", "check", "."], cwd=project, env=env, capture_output=True, text=True
    )
    assert checked.returncode == 1 and "E235" in checked.stdout
    port = _free_port()
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/procedures/alpha/", "电话回访")
        assert "草稿：内容已修改，版本尚未升级" in page and "E235" in page
        assert "草稿" in _get(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "实时预览不生成 PDF" in output and "已生成" not in output
