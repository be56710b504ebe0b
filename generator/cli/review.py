"""``procgen review``: a periodic review recorded as a revision entry, the version unchanged; and
``still_passes``, the check of a rewritten file in a scratch copy before the real file is touched
(review and approve)."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from generator import settings
from generator.check.run import check
from generator.cli.common import ControlError, date_option, repository
from generator.source import files
from generator.source.loader import load_text
from generator.source.problems import escape_path, printable

OUTCOMES = {"continue": "继续有效", "revise": "需修订"}


def record_review(root: Path, doc_id: str, *, date: dt.date, reviewer: str, outcome: str, note: str | None) -> Path:
    """Append a review entry to the document's ``revisions``; the version stays. The file is rewritten
    only when the result still passes the check, in one step (nothing half-written)."""
    result = check(root)
    if result.catalog is None:
        raise ControlError(f"定义有 {len(result.errors)} 个错误：请先用 procgen check 改正，再记录评审")
    catalog = result.catalog
    view = next((d for d in catalog.documents if d.id == doc_id or d.document.code == doc_id), None)
    if view is None:
        raise ControlError(f"没有 id 或编号为 {doc_id} 的文件")
    if not any(r.id == reviewer for r in catalog.roles):
        raise ControlError(f"没有 id 为 {reviewer} 的岗位或部门（见 procedures/roles.yml）")
    if date > settings.today() or date < view.document.effective:
        raise ControlError(f"评审日期 {date} 须在生效日期 {view.document.effective} 与今天之间")
    path = root / view.path
    summary = f"定期评审：{OUTCOMES[outcome]}" + (f"。{note}" if note else "")

    def add_entry(text: str) -> str:
        # Read under the folder's lock: a review recorded meanwhile by another procgen is in ``text``.
        located, problems = load_text(view.path, text.encode("utf-8"))
        if located is None or problems:
            raise ControlError(f"{view.path} 在检查之后被改坏了：请先用 procgen check 改正，再记录评审")
        lines = text.splitlines(keepends=True)
        first_line, first_col = located.where(("revisions", 0))
        # The entry goes after the last line of the revisions list: before the next key at the top level.
        top_keys = sorted(line for (key,), (line, _) in ((k, v) for k, v in located.keys.items() if len(k) == 1))
        end = next((line - 1 for line in top_keys if line > first_line), len(lines))
        while end > first_line and not lines[end - 1].strip():
            end -= 1
        pad = " " * (first_col - 3) if first_col >= 3 else ""
        entry = [
            f'{pad}- version: "{view.document.version}"\n',
            f"{pad}  date: {date.isoformat()}\n",
            f"{pad}  summary: {_yaml_text(summary)}\n",
            f"{pad}  reviewer: {reviewer}\n",
            f"{pad}  outcome: {outcome}\n",
        ]
        if end and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        new_text = "".join(lines[:end] + entry + lines[end:])
        still_passes(root, view.path, new_text, "记录评审后文件无法通过检查，未改动：")
        return new_text

    try:
        files.rewrite(path, view.path, add_entry)
    except files.WriteRefused as exc:
        raise ControlError(str(exc)) from None
    return path


def still_passes(root: Path, shown: str, new_text: str, refused: str) -> None:
    """Check the result as a whole repository would be checked, before touching the real file."""
    with tempfile.TemporaryDirectory(prefix="procgen-review-") as scratch:
        copy = Path(scratch) / "repo"
        try:
            shutil.copytree(root / "procedures", copy / "procedures")
            shutil.copytree(root / "forms", copy / "forms")
            (copy / shown).write_text(new_text, encoding="utf-8")
        except OSError as exc:
            raise ControlError(f"无法在临时目录中检查结果：{files.reason(exc)}；{shown} 未改动") from None
        after = check(copy)
        if after.catalog is None:
            raise ControlError(refused + "；".join(p.message for p in after.errors[:3]))


def _yaml_text(value: str) -> str:
    """A one-line YAML string, quoted so that no character of it means anything to YAML."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2
    date = date_option("review", args.date)
    if date is None:
        return 1
    try:
        path = record_review(root, args.id, date=date, reviewer=args.reviewer, outcome=args.outcome, note=args.note)
    except ControlError as exc:
        print(f"procgen review: {printable(str(exc))}", file=sys.stderr)
        return 1
    print(f"已记录评审：{escape_path(path.relative_to(root).as_posix())}（版本不变；下次评审日期据此顺延）")
    return 0
