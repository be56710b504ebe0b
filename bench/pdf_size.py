"""PDF sizes: every PDF built twice, with WeasyPrint's own font subsets and with real subsets.

    .venv/bin/python bench/pdf_size.py [--jobs N]

WeasyPrint 70 keeps glyph ids, so a subset of Noto Sans CJK keeps every slot up to the highest id
used; generator/render/pdf/fonts.py renumbers the glyphs of a CID-keyed font and embeds a bare CFF.
`PROCGEN_PDF_FONTS=weasyprint` gives the "before". Exit 1 if the total does not at least halve.
Everything goes to a temporary folder; nothing lands in the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.check.run import load_manual  # noqa: E402
from generator.render.pdf.build import build  # noqa: E402
from generator.render.pdf.fonts import SWITCH  # noqa: E402

GROUPS = {
    "forms": "表单（forms/）",
    "procedures": "受控文件（procedures/）",
    "training": "培训资料（training/）",
    "manual.pdf": "整本手册 manual.pdf",
}


def _sizes(folder: Path) -> dict[str, tuple[int, int]]:
    """Bytes and file count per group."""
    out: dict[str, tuple[int, int]] = {}
    for path in folder.rglob("*.pdf"):
        group = path.relative_to(folder).parts[0]
        size, count = out.get(group, (0, 0))
        out[group] = (size + path.stat().st_size, count + 1)
    return out


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 10 * 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: CPU count)")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1708646400")
    jobs = args.jobs or os.cpu_count() or 1
    manual = load_manual(ROOT)
    sizes: dict[str, dict[str, tuple[int, int]]] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="procgen-pdf-size-") as scratch:
        tmp = Path(scratch)
        for mode in ("weasyprint", "compact"):
            os.environ[SWITCH] = mode
            start = time.perf_counter()
            build(manual, ROOT, tmp / mode, jobs=jobs, cache_dir=tmp / f"cache-{mode}")
            seconds[mode] = time.perf_counter() - start
            sizes[mode] = _sizes(tmp / mode)
    os.environ.pop(SWITCH, None)

    print("| 文件 | 个数 | WeasyPrint 自带裁剪 | 真正的子集 | 比例 |")
    print("|---|---:|---:|---:|---:|")
    totals = {mode: sum(s for s, _ in sizes[mode].values()) for mode in sizes}
    for group, name in GROUPS.items():
        before, count = sizes["weasyprint"].get(group, (0, 0))
        after, _ = sizes["compact"].get(group, (0, 0))
        print(
            f"| {name} | {count} | {_kb(before)} | {_kb(after)} | {after / before:.0%} |"
            if before
            else f"| {name} | 0 | — | — | — |"
        )
    count = sum(c for _, c in sizes["compact"].values())
    print(
        f"| **site/pdf 合计** | {count} | {_kb(totals['weasyprint'])} | {_kb(totals['compact'])} | {totals['compact'] / totals['weasyprint']:.0%} |"
    )
    print(
        f"\n冷构建耗时：WeasyPrint 自带裁剪 {seconds['weasyprint']:.1f} s，真正的子集 {seconds['compact']:.1f} s（{jobs} 个进程）"
    )
    if totals["compact"] * 2 > totals["weasyprint"]:
        print("错误：site/pdf 没有缩小到一半以下", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
