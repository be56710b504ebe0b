"""Benchmark: how long the live preview takes to show a save, against plain MkDocs serve.

    .venv/bin/python bench/preview.py [--saves 8]

Serves a copy of the real manual with `mkdocs serve` (as `make serve` does: PDFs on in mkdocs.yml, which
the preview leaves to `make pdf`), saves one clause ``--saves`` times and times each save until the served
page shows it (polled every 50 ms on 127.0.0.1). Then the same with plain MkDocs + Material serving the
same pages as Markdown (bench/run.py's plain project). Paired: both servers run at once and each round
saves one file in each, the order alternating (the machine is shared). Prints wall time and the server
process's CPU seconds per save, median and range, and the median of the paired ratios; targets: ours
≤ 1.2 × plain and ≤ 1.5 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
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


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, its waited-for children included) of process ``pid``, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class Server:
    """``mkdocs serve`` of ``project``; ``save`` edits ``file`` and times until ``page`` shows the edit."""

    def __init__(self, project: Path, page: str, file: Path, old: str, env: dict[str, str]) -> None:
        self.port = port()
        self.process = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.file, self.old = file, old
        self.original = file.read_text(encoding="utf-8")
        assert old in self.original, f"{old} not in {file}"
        self.url = f"http://127.0.0.1:{self.port}/{page}"
        wait(self.url, old, timeout=600)

    def save(self, n: int) -> tuple[float, float]:
        """(wall, the server's CPU) seconds from saving marker ``n`` to the page showing it."""
        marker = f"第{n}次保存"
        before = cpu_seconds(self.process.pid)
        self.file.write_text(self.original.replace(self.old, self.old + marker, 1), encoding="utf-8")
        seconds = wait(self.url, marker)
        return seconds, cpu_seconds(self.process.pid) - before

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.file.write_text(self.original, encoding="utf-8")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s（{min(values):.2f}–{max(values):.2f}）"


def measure(saves: int = 8) -> dict[str, list[tuple[float, float]]]:
    """(wall, server CPU) per save, ours and plain's, paired (the first, warming save left out)."""
    args = argparse.Namespace(saves=saves)
    # the manual as it is dated: no fixed "today" (bench/run.py's is for its synthetic catalogs)
    env = {k: v for k, v in ENV.items() if k not in ("PROCGEN_TODAY", "PROCGEN_PDF")}
    with tempfile.TemporaryDirectory(prefix="procgen-preview-") as scratch:
        tmp = Path(scratch)
        project = tmp / "project"
        for name in ("procedures", "forms", "training"):
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, project / name)
        (project / "docs").mkdir(parents=True)
        shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
        site = tmp / "site"
        subprocess.run(
            [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(site)],
            cwd=project,
            env=dict(env, PROCGEN_PDF="false"),
            check=True,
            capture_output=True,
        )
        plain = plain_project(site, project, tmp / "plain")
        page = "procedures/return-visit/"
        ours = Server(project, page, project / "procedures" / "11-return-visit.yml", "规范回访工作", env)
        theirs = Server(plain, page, plain / "docs" / "procedures" / "return-visit.md", "规范回访工作", env)
        rows: dict[str, list[tuple[float, float]]] = {"ours": [], "plain": []}
        try:
            for n in range(args.saves + 1):  # paired: one save each, in turn, the order alternating
                pair = [("ours", ours), ("plain", theirs)]
                for name, server in pair if n % 2 else pair[::-1]:
                    timed = server.save(n)
                    if n:  # the first save warms caches
                        rows[name].append(timed)
                    time.sleep(0.3)
        finally:
            ours.close()
            theirs.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=8)
    args = parser.parse_args()
    rows = measure(args.saves)
    a, b = (statistics.median(w for w, _ in rows[k]) for k in ("ours", "plain"))
    ratios = [o[0] / p[0] for o, p in zip(rows["ours"], rows["plain"], strict=True)]
    print(f"{args.saves} 次保存，成对交替；中位数（最小–最大）")
    print("| | 保存到页面更新（墙钟） | 服务进程 CPU |\n|---|---:|---:|")
    for name, label in (("ours", "本项目预览 mkdocs serve"), ("plain", "普通 MkDocs + Material serve（同样的页面）")):
        print(f"| {label} | {spread([w for w, _ in rows[name]])} | {spread([c for _, c in rows[name]])} |")
    print(f"成对比值 {spread(ratios).replace(' s', '')}（目标 ≤ {RATIO}）；本项目 {a:.2f} s（目标 ≤ {SECONDS} s）")
    return 0 if statistics.median(ratios) <= RATIO and a <= SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
