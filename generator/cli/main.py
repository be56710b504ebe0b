"""The `procgen` command: parse the arguments, check the environment, run one command.

Each command is a module of this package with a ``command(args) -> int`` function, imported only when
it runs (``procgen check`` does not load WeasyPrint, python-docx or ruamel.yaml).

Exit status: 0 clean (warnings allowed), 1 when the definitions have an error, 2 for a usage
error, 3 for a bug in procgen itself (with a request to report it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from generator.cli import arguments
from generator.errors import UserError
from generator.settings import SettingError, check_all
from generator.source.problems import escape_path, printable

COMMANDS = {
    "check": "check",
    "schema": "schema",
    "format": "format",
    "pdf": "pdf",
    "build": "build",
    "diff": "diff",
    "review": "review",
    "explain": "explain",
    "approve": "approve",
    "docx": "docx",
    "new": "new",
}
"""Each subcommand and the module of this package that runs it."""


def _safe_streams() -> None:
    """Never fail on printing: a console that cannot show a character gets an escape instead."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The arguments; the repository folder may also come after the options (``procgen new role ID
    --name X ROOT``), where argparse alone would not take an optional positional."""
    args, extra = parser.parse_known_args(argv)
    for name in ("root", "path"):
        if len(extra) == 1 and not extra[0].startswith("-") and getattr(args, name, None) == ".":
            setattr(args, name, extra.pop())
    if extra:
        parser.error("无法识别的参数：" + " ".join(escape_path(x) for x in extra))
    return args


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    parser = arguments.parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        check_all()
    except SettingError as exc:
        print(f"procgen: {printable(str(exc))}", file=sys.stderr)
        return 2
    try:
        return importlib.import_module(f"generator.cli.{COMMANDS[args.command]}").command(args)
    except KeyboardInterrupt:
        return 130
    except UserError as exc:  # a command that did not catch its own: still one line, exit 1
        print(f"procgen {args.command}: {printable(str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `procgen check | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception:  # noqa: BLE001 - a bug in procgen, never the user's mistake
        traceback.print_exc()
        print("procgen 内部错误（这不是您的定义的问题）：请把以上信息报告给开发人员。", file=sys.stderr)
        return 3


def run() -> None:
    """The ``procgen`` command: :func:`main`, then leave without tearing the interpreter down.

    Everything is written and flushed first; what is skipped is freeing, one by one, the millions of
    objects a large catalog leaves in memory (1.5 s at 1,000 documents), as mypy and others do."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
