"""``procgen build`` (make site): the site built in a staging folder and swapped in whole."""

from __future__ import annotations

import argparse
import sys

from generator.cli.common import repository
from generator.render import publish
from generator.source.problems import printable


def command(args: argparse.Namespace) -> int:
    """`make site` / `make site-offline`: the site built in a staging folder and swapped in whole."""
    root = repository(args.path)
    if root is None:
        return 2
    try:
        folder = publish.build_site(root, offline=args.offline)
    except publish.PublishError as exc:
        print(
            f"procgen build: {printable(str(exc))}；{'site-offline' if args.offline else 'site'}/ 未改动",
            file=sys.stderr,
        )
        return 1
    print(f"已发布 {folder.name}/")
    return 0
