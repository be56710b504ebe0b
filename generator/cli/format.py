"""``procgen format``: half-width punctuation between Chinese characters rewritten full-width, file by file,
only where the data stays the same but for the punctuation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.cli.common import repository
from generator.errors import UserError
from generator.source import files
from generator.source.discover import discover
from generator.source.loader import load_text, read_definition
from generator.source.problems import escape_path
from generator.text.typography import format_text, same_but_punctuation


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _FormatRefused(UserError):
    """A file ``procgen format`` leaves alone; the message says why."""


def _punctuated(shown: str, text: str) -> str:
    """``text`` with full-width marks, when it loads to the same data but for that punctuation."""
    new = format_text(text)
    if new == text:
        return text
    before, _ = load_text(shown, text.encode("utf-8"))
    after, _ = load_text(shown, new.encode("utf-8"))
    if before is None:
        raise _FormatRefused("文件有语法错误，请先用 procgen check 找到并修正")
    if after is None or not same_but_punctuation(before.data, after.data):
        raise _FormatRefused("改写后除标点外数据也会变化（例如标点在折行处），请手工改为全角")
    return new


def _format_file(file: Path, shown: str, *, check_only: bool) -> bool:
    """Whether the file has (``check_only``) or had half-width marks to change; rewritten in place unless
    ``check_only``. Raises :class:`_FormatRefused` or ``files.WriteRefused`` when it is left alone."""
    if check_only:
        original = files.read(file, shown)
        return _punctuated(shown, original.text) != original.text
    return files.rewrite(file, shown, lambda text: _punctuated(shown, text))


def command(args: argparse.Namespace) -> int:
    """Rewrite half-width marks in Chinese as full-width, file by file, only when the file still
    loads to the same data with nothing but that punctuation changed (else it is left alone)."""
    root = repository(args.path)
    if root is None:
        return 2
    procedures, forms = discover(root)
    changed: list[str] = []
    refused: list[tuple[str, str]] = []
    for file in [*procedures, *forms]:
        shown = file.relative_to(root).as_posix()
        raw, problems = read_definition(file, shown, root)
        if raw is None or not _utf8(raw):
            continue  # procgen check says what is wrong with it
        try:
            if _format_file(file, shown, check_only=args.check):
                changed.append(shown)
        except _FormatRefused as exc:
            refused.append((shown, str(exc)))
        except files.WriteRefused as exc:
            refused.append((shown, str(exc).removeprefix(f"{shown} ")))
    for shown in changed:
        print(f"{'须改正' if args.check else '已改正'} {escape_path(shown)}")
    for shown, why in refused:
        print(f"未改写 {escape_path(shown)}：{why}", file=sys.stderr)
    if not changed and not refused:
        print("没有要改正的半角标点。")
    return 1 if (args.check and changed) or refused else 0
