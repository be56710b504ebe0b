"""What every command shares: the repository folder from its argument, a path as it can be printed,
the PDF output folder, a --date option, and ControlError for a user's mistake in a control command."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from generator import settings
from generator.check.run import load_manual
from generator.errors import CatalogError, UserError
from generator.manual import Manual
from generator.source.problems import FORMATTERS, escape_path


class ControlError(UserError):
    """A user's mistake in a control command: the message says what to do."""


def date_option(command: str, value: str | None) -> dt.date | None:
    """A command's --date (today without one); None after saying, in one line, why it is not a date."""
    try:
        return dt.date.fromisoformat(value) if value else settings.today()
    except ValueError:
        print(f"procgen {command}: --date 须为日期 YYYY-MM-DD，而不是 {escape_path(value or '')}", file=sys.stderr)
        return None


def repository(value: str) -> Path | None:
    root = Path(value)
    if root.exists() and not root.is_dir():
        print(
            f"procgen: {shown(value)} 是文件，不是目录：请给出仓库根目录（含 procedures/ 与 forms/）", file=sys.stderr
        )
        return None
    if not root.is_dir():
        print(f"procgen: 目录不存在：{shown(value)}", file=sys.stderr)
        return None
    return root.resolve()


def shown(value: str) -> str:
    """A path as it can be printed on one line: control characters escaped."""
    return escape_path(value)


def out_dir(value: str | None, root: Path) -> Path | None:
    """The PDF output folder, made if missing; None (with a message) when it cannot be written."""
    out = Path(value) if value else root / "site" / "pdf"
    if out.exists() and not out.is_dir():
        print(f"procgen pdf: --out {shown(str(out))} 是文件，不是目录", file=sys.stderr)
        return None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"procgen pdf: 无法创建输出目录 {shown(str(out))}：{exc.strerror or exc}", file=sys.stderr)
        return None
    if not os.access(out, os.W_OK | os.X_OK):
        print(f"procgen pdf: 输出目录 {shown(str(out))} 不可写", file=sys.stderr)
        return None
    return out


def manual_or_report(root: Path, made: str) -> Manual | None:
    """The checked manual of ``root``; None after printing its problems and that ``made`` was not made."""
    try:
        return load_manual(root)
    except CatalogError as exc:
        sys.stdout.write(FORMATTERS["text"](exc.problems))
        print(f"定义有错误，未生成 {made}。", file=sys.stderr)
        return None
