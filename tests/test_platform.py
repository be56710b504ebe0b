"""The platform, honestly: the same manual built by MkDocs 1.x and by ProperDocs (the maintained fork of
MkDocs 1.x that README "Platform" names as the way out) gives the same pages, but for the generator tag."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MANUAL_EPOCH, MANUAL_TODAY
from sitebuild import REPO, copy_repo

pytestmark = pytest.mark.slow


def _build(project: Path, site: Path, tool: str) -> None:
    """The site without PDFs, on the day and with the date of the session's build (conftest.manual_build)."""
    env = dict(
        os.environ,
        PROCGEN_PDF="false",
        PROCGEN_OFFLINE="false",
        PROCGEN_TODAY=MANUAL_TODAY.isoformat(),
        SOURCE_DATE_EPOCH=MANUAL_EPOCH,
        NO_MKDOCS_2_WARNING="1",
    )
    done = subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]


GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is None, reason="ProperDocs 未安装（make test 会安装）")
def test_properdocs_builds_the_same_pages_as_mkdocs(manual_build: Path, tmp_path: Path) -> None:
    """ProperDocs builds a copy of the repository; MkDocs built the same for the session (conftest.manual_build,
    with its PDFs, which ProperDocs is not asked to make): every other file is the same."""
    project = copy_repo(REPO, tmp_path / "project")
    _build(project, tmp_path / "properdocs", "properdocs")
    mkdocs = manual_build / "site"
    first = sorted(
        p.relative_to(mkdocs) for p in mkdocs.rglob("*") if p.is_file() and p.relative_to(mkdocs).parts[0] != "pdf"
    )
    second = sorted(p.relative_to(tmp_path / "properdocs") for p in (tmp_path / "properdocs").rglob("*") if p.is_file())
    assert first == second
    differ = []
    for rel in first:
        a, b = (mkdocs / rel).read_bytes(), (tmp_path / "properdocs" / rel).read_bytes()
        if rel.suffix == ".html":
            a, b = GENERATOR.sub(b"", a), GENERATOR.sub(b"", b)
        if rel.name in ("sitemap.xml.gz",):
            continue  # gzip carries its own time stamp
        if a != b:
            differ.append(str(rel))
    assert not differ, differ[:10]
