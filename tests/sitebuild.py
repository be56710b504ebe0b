"""Helpers for tests that build a site with `mkdocs build` and read it back."""

from __future__ import annotations

import contextlib
import functools
import html.parser
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]


def copy_repo(source: Path, dest: Path) -> Path:
    """A copy of a repository's definitions and mkdocs.yml (no site/, no .venv/)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("procedures", "forms", "docs", "training"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
    (dest / "docs").mkdir(exist_ok=True)
    shutil.copy(source / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


FIXTURE_TODAY = "2024-06-01"
"""The day a fixture site is checked on (conftest.TODAY); the real manual passes conftest.MANUAL_TODAY."""
FIXTURE_EPOCH = "1708646400"
"""2024-02-23: the PDFs' date of a fixture site; the real manual passes conftest.MANUAL_EPOCH."""


def build(
    project: Path,
    site: Path,
    *,
    pdf: bool,
    offline: bool = False,
    today: str = FIXTURE_TODAY,
    epoch: str = FIXTURE_EPOCH,
) -> subprocess.CompletedProcess:
    env = dict(os.environ, PROCGEN_PDF="true" if pdf else "false", PROCGEN_OFFLINE="true" if offline else "false")
    env.setdefault("PROCGEN_TODAY", today)
    env.setdefault("SOURCE_DATE_EPOCH", epoch)  # the PDFs' date: the same as the tests' own renders
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class LinkParser(html.parser.HTMLParser):
    """Collects ids and the URLs of href/src attributes of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if name in ("href", "src"):
                self.urls.append((tag, name, value))


def parse(page: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def resolve(site: Path, page: Path, url: str) -> tuple[Path, str] | None:
    """The file (and fragment) a relative URL on ``page`` points to; None for absolute URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    if not parts.path:
        return page, parts.fragment
    if parts.path.startswith("/"):  # 404.html links from the site root
        target = (site / unquote(parts.path).lstrip("/")).resolve()
    else:
        target = (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment
