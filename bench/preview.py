"""Benchmark: how long the live preview takes to show a save, against plain MkDocs serve.

    .venv/bin/python bench/preview.py [--saves 8]

Serves a copy of the real manual with `mkdocs serve` (as `make serve` does: PDFs on in mkdocs.yml, which
the preview leaves to `make pdf`), saves one clause ``--saves`` times and times each save until the served
page shows it (polled every 50 ms on 127.0.0.1). Then the same with plain MkDocs + Material serving the
same pages as Markdown (bench/run.py's plain project), one page saved. Prints the medians; targets: ours
≤ 1.2 × plain and ≤ 1.5 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from run import BIN, ENV, plain_project  # noqa: E402

RATIO, SECONDS = 1.2, 1.5


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
            return response.read().decode("utf-8")
    except OSError:
        return ""


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, needle: str, timeout: float = 120) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"{needle} 未在 {timeout} 秒内出现在 {url}")


def reloads(project: Path, page: str, file: Path, old: str, saves: int, env: dict[str, str]) -> list[float]:
    """Seconds from each save of ``file`` (``old`` replaced by a marker) to ``page`` showing it."""
    where = port()
    server = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{where}"], cwd=project, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    original = file.read_text(encoding="utf-8")
    assert old in original, f"{old} not in {file}"
    url = f"http://127.0.0.1:{where}/{page}"
    try:
        wait(url, old)
        times = []
        for n in range(saves + 1):
            marker = f"第{n}次保存"
            file.write_text(original.replace(old, old + marker, 1), encoding="utf-8")
            seconds = wait(url, marker)
            if n:  # the first save warms caches
                times.append(seconds)
            time.sleep(0.3)
        return times
    finally:
        server.terminate()
        server.wait(timeout=20)
        file.write_text(original, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="procgen-preview-") as scratch:
        tmp = Path(scratch)
        project = tmp / "project"
        for name in ("procedures", "forms", "training"):
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, project / name)
        (project / "docs").mkdir(parents=True)
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        env = dict(ENV)
        env.pop("PROCGEN_PDF", None)
        ours = reloads(project, "procedures/return-visit/", project / "procedures" / "11-return-visit.yml",
                       "规范回访工作", args.saves, env)
        site = tmp / "site"
        subprocess.run([str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(site)], cwd=project,
                       env=dict(ENV, PROCGEN_PDF="false"), check=True, capture_output=True)
        plain = plain_project(site, project, tmp / "plain")
        page = plain / "docs" / "procedures" / "return-visit.md"
        theirs = reloads(plain, "procedures/return-visit/", page, "规范回访工作", args.saves, ENV)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"本项目预览：保存到页面更新中位数 {a:.2f} s（{', '.join(f'{t:.2f}' for t in ours)}）")
    print(f"普通 MkDocs serve（同样的页面）：{b:.2f} s（{', '.join(f'{t:.2f}' for t in theirs)}）")
    print(f"比值 {a / b:.2f}（目标 ≤ {RATIO}），本项目 {a:.2f} s（目标 ≤ {SECONDS} s）")
    return 0 if a <= RATIO * b and a <= SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
