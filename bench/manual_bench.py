"""Benchmark: every PDF rebuilt after one form or one document changed, manual.pdf included.

    .venv/bin/python bench/manual_bench.py [--repeat 3] [--jobs 2]

A copy of the repository's procedures/ and forms/ in a temporary folder; every PDF built once cold
(`build()`, as `procgen pdf` does, the cache filled), then, ``--repeat`` times each, in turn:
nothing changed; one form's row label changed (回访统计表); one document's clause changed
(WY-GL-11); one document grown by pages (WY-GL-11's clauses lengthened: by a page in the first round, two
in the second …, so that the front matter and the page-number stamps render again each time). Each is a full build of
every PDF (the unchanged ones from the cache). Wall and CPU seconds (this process and its workers) are
printed, median and range, with the PDFs rendered and manual.pdf's page count. Target: a one-file
change ≤ 2 s (issue 25, item 4). Timing targets live here, never in unit tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


FORM = "forms/return-visit-statistics.yml"
FORM_TEXT = "row_labels: [处理宗数, 回访宗数, 回访率]"
DOCUMENT = "procedures/11-return-visit.yml"
DOC_TEXT = "text: 规范回访工作，及时验证管理服务工作的质量和效果，确保管理服务工作质量。"
GROWN = ("text: 适用于物业管理公司各项管理服务工作效果的回访工作。", "text: 项目处经理负责重大投诉的回访工作。")
"""Clauses of the same document grown too, one more each round: each round's length is new (no front
matter or page-number stamps of an earlier round in the cache)."""
LONG = "一" * 80 + "。"
TARGET = 2.0


def cpu() -> float:
    """CPU seconds (user + system) of this process, of the children it waited for, and of those still running
    with what they waited for: the PDF workers are forked by a fork server that outlives a build (it reaps
    them, so their time is in its cutime / cstime)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():  # utime, stime, cutime, cstime: fields 14–17 of /proc/<pid>/stat
            total += sum(int(x) for x in fields[11:15]) / tick
    return total


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def timed(root: Path, out: Path, cache: Path, jobs: int) -> tuple[float, float, int, int, int]:
    """Wall and CPU seconds of a build (the check included), the PDFs it rendered, manual.pdf's pages and
    the parts of manual.pdf it rendered again (the document's, the front matter, the stamps)."""
    # Imported here, not at the top: the PDF workers import the main module again (multiprocessing), and
    # this one (or issue25.py, which imports it) would make each of them import procgen too.
    from generator.check.run import load_manual
    from generator.render.pdf.build import build

    wall, used = time.perf_counter(), cpu()
    result = build(load_manual(root), root, out, jobs=jobs, cache_dir=cache)
    return time.perf_counter() - wall, cpu() - used, len(result.rendered), pages(out / "manual.pdf"), len(result.parts)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def measure(repeat: int = 3, jobs: int = 2) -> dict[str, list[tuple[float, float, int, int, int]]]:
    """Each scenario's (wall, CPU, PDFs rendered, manual.pdf pages, its parts rendered), ``repeat`` times, after
    one cold build."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1708646400")
    args = argparse.Namespace(repeat=repeat, jobs=jobs)
    with tempfile.TemporaryDirectory(prefix="procgen-manual-bench-") as scratch:
        root = Path(scratch) / "repo"
        for folder in ("procedures", "forms"):
            shutil.copytree(ROOT / folder, root / folder)
        out, cache = Path(scratch) / "out", Path(scratch) / "cache"
        wall, used, rendered, length, _ = timed(root, out, cache, args.jobs)
        print(f"cold: {wall:.1f} s wall, {used:.1f} s CPU, {rendered} PDFs, manual.pdf {length} pages", flush=True)
        rows: dict[str, list[tuple[float, float, int, int, int]]] = {}
        form_text, doc_text = FORM_TEXT, DOC_TEXT
        for run in range(1, args.repeat + 1):
            rows.setdefault("no change", []).append(timed(root, out, cache, args.jobs))
            new = FORM_TEXT.replace("回访宗数", f"回访宗数{run}")
            edit(root / FORM, form_text, new)
            form_text = new
            rows.setdefault("one form changed", []).append(timed(root, out, cache, args.jobs))
            new = DOC_TEXT.replace("质量。", f"质量（{run}）。")
            edit(root / DOCUMENT, doc_text, new)
            doc_text = new
            rows.setdefault("one document changed", []).append(timed(root, out, cache, args.jobs))
            # grown by `run` pages or so: the document's clause and run - 1 more, each by 29 long sentences
            # (under E111's 3,000 characters); a length no earlier round had, so the front matter and the
            # page-number stamps render again every round, as after a real edit
            edits = [(DOCUMENT, doc_text), *((DOCUMENT, clause) for clause in GROWN[: run - 1])]
            for name, text in edits:
                edit(root / name, text, text.replace("。", "。" + LONG * 29, 1))
            rows.setdefault("one document grown by pages", []).append(timed(root, out, cache, args.jobs))
            for name, text in edits:
                edit(root / name, text.replace("。", "。" + LONG * 29, 1), text)
            timed(root, out, cache, args.jobs)  # back to the document's size (not timed)
            print(f"run {run} done", flush=True)
    return rows


def command(repeat: int = 3) -> list[tuple[float, float]]:
    """What an administrator waits for: `procgen pdf` as a new process after one document changed (Python's
    start, the imports, the check, the HTML of every PDF, the two renders and the binding), ``repeat`` times
    after one cold run; (wall, CPU) each. The CPU is the procgen process's alone: its fork server is not
    waited for when it exits, so neither its time nor its workers' reach this process's rusage."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "1708646400"))
    procgen = [sys.executable, "-m", "generator", "pdf", "--out", "out", "."]
    found = []
    with tempfile.TemporaryDirectory(prefix="procgen-command-bench-") as scratch:
        root = Path(scratch)
        for folder in ("procedures", "forms"):
            shutil.copytree(ROOT / folder, root / folder)
        subprocess.run(procgen, cwd=root, env=env, check=True, capture_output=True)
        text = DOC_TEXT
        for run in range(1, repeat + 1):
            new = DOC_TEXT.replace("质量。", f"质量（{run}）。")
            edit(root / DOCUMENT, text, new)
            text = new
            wall, used = time.perf_counter(), cpu()
            subprocess.run(procgen, cwd=root, env=env, check=True, capture_output=True)
            found.append((time.perf_counter() - wall, cpu() - used))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    rows = measure(args.repeat, args.jobs)
    print(f"\n| after | wall | CPU | PDFs rendered | parts of manual.pdf | manual.pdf pages | ≤ {TARGET:.0f} s |")
    print("|---|---:|---:|---:|---:|---:|---|")
    missed = False
    for name, values in rows.items():
        walls, cpus = [v[0] for v in values], [v[1] for v in values]
        met = statistics.median(walls) <= TARGET
        missed |= not met and name != "no change"
        print(
            f"| {name} | {spread(walls)} | {spread(cpus)} | {values[0][2]} | {'/'.join(str(v[4]) for v in values)} | "
            f"{'/'.join(str(v[3]) for v in values)} | {'✓' if met else '✗'} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
