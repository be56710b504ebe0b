"""PDF benchmark: one form, a cold build of everything, a rebuild with no change; peak memory.

    .venv/bin/python bench/pdf_bench.py [--jobs N] [--skip-cold]

Everything is written to a temporary folder (output and cache) and deleted afterwards;
nothing lands in the repository. The definitions are the repository's own.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import unicodedata
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.check.run import load_manual  # noqa: E402
from generator.render.pdf.build import build, harfbuzz_subset_available  # noqa: E402

FORM = "return-visit-record"
"""A one-page form."""


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _mb(kilobytes: int) -> str:
    return f"{kilobytes / 1024:.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: CPU count)")
    parser.add_argument("--skip-cold", action="store_true", help="only the one-form measurement")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1708646400")
    jobs = args.jobs or os.cpu_count() or 1

    start = time.perf_counter()
    manual = load_manual(ROOT)
    load_seconds = time.perf_counter() - start
    rows: list[tuple[str, str, str, str]] = [("载入并检查定义", f"{load_seconds:.1f} s", "—", "—")]

    with tempfile.TemporaryDirectory(prefix="procgen-pdf-bench-") as scratch:
        tmp = Path(scratch)
        # One form, in this process (as `procgen pdf --only ID` does): import + fonts + render.
        start = time.perf_counter()
        one = build(manual, ROOT, tmp / "one", only=[FORM], jobs=1, cache_dir=tmp / "cache-one")
        wall = time.perf_counter() - start
        render = one.rendered[0].seconds if one.rendered else 0.0
        rows.append((f"单个表单 {FORM}（首次，含加载 WeasyPrint）", f"{wall:.2f} s", str(len(one.rendered)), "0"))
        start = time.perf_counter()
        again = build(manual, ROOT, tmp / "one", only=[FORM], jobs=1, cache_dir=tmp / "cache-one-b")
        rows.append(
            ("单个表单（再次渲染，进程已热）", f"{time.perf_counter() - start:.2f} s", str(len(again.rendered)), "0")
        )
        rows.append(
            ("　其中 WeasyPrint 排版与写出", f"{again.rendered[0].seconds if again.rendered else render:.2f} s", "", "")
        )

        if not args.skip_cold:
            start = time.perf_counter()
            cold = build(manual, ROOT, tmp / "all", jobs=jobs, cache_dir=tmp / "cache")
            wall = time.perf_counter() - start
            rows.append(
                (f"冷构建：全部（{jobs} 个进程）", f"{wall:.1f} s", str(len(cold.rendered)), str(len(cold.cached)))
            )
            slowest = max(cold.rendered, key=lambda r: r.seconds)
            rows.append((f"　最慢的一个：{slowest.output}（{slowest.pages} 页）", f"{slowest.seconds:.1f} s", "", ""))
            start = time.perf_counter()
            warm = build(manual, ROOT, tmp / "all", jobs=jobs, cache_dir=tmp / "cache")
            wall = time.perf_counter() - start
            rows.append(("无改动重建（全部来自缓存）", f"{wall:.2f} s", str(len(warm.rendered)), str(len(warm.cached))))
            if warm.rendered:
                print("错误：无改动重建仍有 PDF 被重新生成", file=sys.stderr)
                return 1

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"PDF 基准：WeasyPrint {version('weasyprint')}，{os.cpu_count()} 核，"
        f"libharfbuzz-subset：{'有' if harfbuzz_subset_available() else '无（慢！）'}"
    )
    width = max(_width(r[0]) for r in rows) + 2
    print(_pad("场景", width) + _pad("耗时", 10, True) + _pad("重新生成", 10, True) + _pad("缓存", 8, True))
    for name, seconds, rendered, cached in rows:
        print(_pad(name, width) + _pad(seconds, 10, True) + _pad(rendered, 10, True) + _pad(cached, 8, True))
    # Children's peak counts only when there were workers (forked helpers such as git report the parent's size).
    print(f"峰值内存：本进程 {_mb(own)}" + ("" if args.skip_cold else f"，最大的工作进程 {_mb(workers)}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
