"""`procgen docx [DOC …]`: the Word copy of one document, several, or (without DOC) all of them.
Its arguments are declared in cli.py (so that other commands do not load python-docx)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.common import manual_or_report, repository
from generator.paths import DOCX_FOLDER
from generator.render.exports import write_docx
from generator.render.pdf.build import source_date
from generator.source.problems import escape_path


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2
    manual = manual_or_report(root, "Word 文件")
    if manual is None:
        return 1
    catalog = manual.catalog
    by_key = {key: d for d in catalog.documents for key in (d.id, d.document.code)}
    unknown = [name for name in args.doc if name not in by_key]
    if unknown:
        known = "、".join(d.id for d in catalog.documents[:5])
        for name in unknown:
            print(f"procgen docx: 没有 id 或编号为 {escape_path(name)} 的文件（例如：{known} …）", file=sys.stderr)
        return 1
    chosen = {by_key[name].id for name in args.doc}
    views = [d for d in catalog.documents if d.id in chosen] if args.doc else catalog.documents
    out = Path(args.out) if args.out else root / "site" / DOCX_FOLDER
    if out.exists() and not out.is_dir():
        print(f"procgen docx: --out {escape_path(str(out))} 是文件，不是目录", file=sys.stderr)
        return 2
    try:
        written = write_docx(manual, views, out, source_date(catalog, root).date())
    except OSError as exc:
        print(f"procgen docx: 无法写入 {escape_path(str(out))}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"已写入 {escape_path(str(path))}")
    return 0
