"""``procgen pdf``: the PDFs built into site/pdf (or --out), published as a whole; ``--only`` writes a few in place."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.common import manual_or_report, out_dir, repository
from generator.render import publish
from generator.render.pdf.build import build_pdfs, start_workers
from generator.source.problems import printable


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2
    start_workers(args.jobs)  # they warm up while the definitions are read and checked
    manual = manual_or_report(root, "PDF")
    if manual is None:
        return 1
    out = out_dir(args.out, root)
    if out is None:
        return 2
    if args.only:  # a few PDFs, each written atomically into the folder as it is
        with publish.build_lock(root):
            return build_pdfs(manual, root, out, only=args.only, jobs=args.jobs)
    status = 0

    def make(stage: Path) -> None:
        nonlocal status
        status = build_pdfs(manual, root, stage, jobs=args.jobs)
        if status:
            raise publish.PublishError("未生成 PDF")

    try:
        publish.publish(root, out, make)
    except publish.PublishError as exc:
        if status == 0:
            print(f"procgen pdf: {printable(str(exc))}", file=sys.stderr)
        return status or 1
    return 0
