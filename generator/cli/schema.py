"""``procgen schema``: JSON Schemas of every file type written to schemas/ (editors validate as you type)."""

from __future__ import annotations

import argparse

from generator.cli.common import repository
from generator.model.jsonschema import write_schemas


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2
    for path in write_schemas(root / "schemas"):
        print(f"已写入 {path.relative_to(root).as_posix()}")
    return 0
