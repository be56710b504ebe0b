"""Memory of the live preview over many saves: does `mkdocs serve` level off?

    .venv/bin/python bench/serve_memory.py [--saves 500] [--fixture tests/fixtures/site]

Starts `mkdocs serve` (PDFs off) on a copy of the fixture, saves one definition ``--saves`` times (a
counter in one clause, so each save is a real change), waits after each save until the served page
shows it, and samples the server's resident memory (RSS, from /proc) every 50 saves. Prints the
samples and the growth per save over the second half; exits 1 when that exceeds 20 KB per save
(no levelling off). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import TODAY  # noqa: E402 - the fixtures' "today", as the tests run them

LIMIT_PER_SAVE = 20 * 1024


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read().decode("utf-8")
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--fixture", default=str(REPO / "tests" / "fixtures" / "site"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="procgen-serve-") as scratch:
        project = Path(scratch) / "project"
        fixture = Path(args.fixture)
        for name in ("procedures", "forms"):
            if (fixture / name).is_dir():
                shutil.copytree(fixture / name, project / name)
        (project / "docs").mkdir(parents=True)
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        doc = sorted((project / "procedures").glob("[0-9]*.yml"))[0]
        original = doc.read_text(encoding="utf-8")
        anchor = "intro: "
        assert anchor in original, f"{doc.name} has no intro: line"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = dict(os.environ, PROCGEN_PDF="false", PROCGEN_TODAY=TODAY.isoformat(), NO_MKDOCS_2_WARNING="1")
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        samples: list[tuple[int, int]] = []
        try:
            home = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 120
            while "我是" not in fetch(home) and time.monotonic() < deadline:
                time.sleep(0.2)
            page = None
            samples.append((0, rss(server.pid)))
            started = time.monotonic()
            for save in range(1, args.saves + 1):
                marker = f"第{save}次保存"
                doc.write_text(original.replace(anchor, f"{anchor}{marker}", 1), encoding="utf-8")
                if page is None:  # find the document's page once
                    page = next((u for u in (home + "procedures/alpha/", home) if marker in _wait(u, marker, 60)), home)
                else:
                    _wait(page, marker, 60)
                if save % 50 == 0:
                    samples.append((save, rss(server.pid)))
                    print(
                        f"{save:4d} 次保存：RSS {samples[-1][1] / 2**20:7.1f} MB（{time.monotonic() - started:5.0f} s）",
                        flush=True,
                    )
        finally:
            server.terminate()
            server.wait(timeout=20)
    half = [s for s in samples if s[0] >= args.saves // 2]
    growth = (half[-1][1] - half[0][1]) / max(1, half[-1][0] - half[0][0])
    print(f"后一半每次保存增长 {growth / 1024:.1f} KB（上限 {LIMIT_PER_SAVE // 1024} KB）")
    return 0 if growth <= LIMIT_PER_SAVE else 1


def _wait(url: str, needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = fetch(url)
        if needle in text:
            return text
        time.sleep(0.05)
    raise SystemExit(f"{needle} 未在 {timeout} 秒内出现在 {url}")


if __name__ == "__main__":
    sys.exit(main())
