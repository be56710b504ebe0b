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
from sitebuild import REPO, copy_repo

pytestmark = pytest.mark.slow


def _build(project: Path, site: Path, tool: str) -> None:
    env = dict(os.environ, PROCGEN_PDF="false", PROCGEN_OFFLINE="false", PROCGEN_TODAY="2026-12-08",
               SOURCE_DATE_EPOCH="1708646400", NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-m", tool, "build", "--strict", "--site-dir", str(site)], cwd=project,
                          env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]


GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.mark.skipif(importlib.util.find_spec("properdocs") is None, reason="ProperDocs 未安装（make test 会安装）")
def test_properdocs_builds_the_same_pages_as_mkdocs(tmp_path: Path) -> None:
    project = copy_repo(REPO, tmp_path / "project")
    _build(project, tmp_path / "mkdocs", "mkdocs")
    _build(project, tmp_path / "properdocs", "properdocs")
    first = sorted(p.relative_to(tmp_path / "mkdocs") for p in (tmp_path / "mkdocs").rglob("*") if p.is_file())
    second = sorted(p.relative_to(tmp_path / "properdocs") for p in (tmp_path / "properdocs").rglob("*") if p.is_file())
    assert first == second
    differ = []
    for rel in first:
        a, b = (tmp_path / "mkdocs" / rel).read_bytes(), (tmp_path / "properdocs" / rel).read_bytes()
        if rel.suffix == ".html":
            a, b = GENERATOR.sub(b"", a), GENERATOR.sub(b"", b)
        if rel.name in ("sitemap.xml.gz",):
            continue  # gzip carries its own time stamp
        if a != b:
            differ.append(str(rel))
    assert not differ, differ[:10]
