"""Benchmark: every PDF rebuilt after one form or one document changed, manual.pdf included.

    .venv/bin/python bench/manual_bench.py [--repeat 3] [--jobs 2]

A copy of the repository's procedures/ and forms/ in a temporary folder; every PDF built once cold
(`build()`, as `procgen pdf` does, the cache filled), then, ``--repeat`` times each, in turn:
nothing changed; one form's row label changed (回访统计表); one document's clause changed
(WY-GL-11); one document grown by a page (WY-GL-11 with a long clause added). Each is a full build of
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
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.check.run import load_manual  # noqa: E402
from generator.render.pdf.build import build  # noqa: E402

FORM = "forms/return-visit-statistics.yml"
FORM_TEXT = "row_labels: [处理宗数, 回访宗数, 回访率]"
DOCUMENT = "procedures/11-return-visit.yml"
DOC_TEXT = "text: 规范回访工作，及时验证管理服务工作的质量和效果，确保管理服务工作质量。"
TARGET = 2.0


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def timed(root: Path, out: Path, cache: Path, jobs: int) -> tuple[float, float, int, int]:
    wall, used = time.perf_counter(), cpu()
    result = build(load_manual(root), root, out, jobs=jobs, cache_dir=cache)
    return time.perf_counter() - wall, cpu() - used, len(result.rendered), pages(out / "manual.pdf")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def measure(repeat: int = 3, jobs: int = 2) -> dict[str, list[tuple[float, float, int, int]]]:
    """Each scenario's (wall, CPU, PDFs rendered, manual.pdf pages), ``repeat`` times, after one cold build."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1708646400")
    args = argparse.Namespace(repeat=repeat, jobs=jobs)
    with tempfile.TemporaryDirectory(prefix="procgen-manual-bench-") as scratch:
        root = Path(scratch) / "repo"
        for folder in ("procedures", "forms"):
            shutil.copytree(ROOT / folder, root / folder)
        out, cache = Path(scratch) / "out", Path(scratch) / "cache"
        wall, used, rendered, length = timed(root, out, cache, args.jobs)
        print(f"cold: {wall:.1f} s wall, {used:.1f} s CPU, {rendered} PDFs, manual.pdf {length} pages", flush=True)
        rows: dict[str, list[tuple[float, float, int, int]]] = {}
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
            long = "一" * 80 + "。"
            grown = doc_text.replace("。", "。" + long * (28 + run), 1)  # < 3,000 characters (E111)
            edit(root / DOCUMENT, doc_text, grown)
            rows.setdefault("one document grown by pages", []).append(timed(root, out, cache, args.jobs))
            edit(root / DOCUMENT, grown, doc_text)
            timed(root, out, cache, args.jobs)  # back to the document's size (not timed)
            print(f"run {run} done", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    rows = measure(args.repeat, args.jobs)
    print(f"\n| after | wall | CPU | PDFs rendered | manual.pdf pages | ≤ {TARGET:.0f} s |")
    print("|---|---:|---:|---:|---:|---|")
    missed = False
    for name, values in rows.items():
        walls, cpus = [v[0] for v in values], [v[1] for v in values]
        met = statistics.median(walls) <= TARGET
        missed |= not met and name != "no change"
        print(
            f"| {name} | {spread(walls)} | {spread(cpus)} | {values[0][2]} | {values[0][3]} | {'✓' if met else '✗'} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
