"""Document control commands: ``procgen diff`` (redlines between two revisions) and ``procgen review``
(a periodic review recorded as a revision entry, the version unchanged)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import files, settings
from .catalog import Catalog, DocumentView
from .check import check
from .errors import UserError
from .history import changed_keys
from .loader import load_text
from .problems import escape_path, printable
from .redline import Edit, redline

OUTCOMES = {"continue": "继续有效", "revise": "需修订"}


class ControlError(UserError):
    """A user's mistake in a control command: the message says what to do."""


# --------------------------------------------------------------------------- diff


@dataclass
class DocumentDiff:
    code: str
    title: str
    old_version: str | None
    new_version: str | None
    edits: list[Edit]

    @property
    def status(self) -> str:
        if self.old_version is None:
            return "新增文件"
        if self.new_version is None:
            return "已删除"
        return f"{self.old_version} → {self.new_version}" if self.old_version != self.new_version else f"{self.new_version}（版本未变）"


@dataclass
class FormDiff:
    code: str
    title: str
    old_version: str | None
    new_version: str | None
    keys: list[str]


def catalog_at(root: Path, rev: str) -> Catalog:
    """The catalog of revision ``rev`` (a commit, branch or tag) of the repository at ``root``."""

    probe = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=root, capture_output=True, text=True)
    if probe.returncode != 0:
        raise ControlError(f"找不到版本 {rev}：请给出提交号、分支名或标签（git log 可查）")
    archive = subprocess.run(["git", "archive", "--format=tar", probe.stdout.strip(), "--", "procedures", "forms"], cwd=root, capture_output=True)
    if archive.returncode != 0:
        raise ControlError(f"{rev} 中没有 procedures/ 与 forms/")
    with tempfile.TemporaryDirectory(prefix="procgen-diff-") as scratch:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(scratch, filter="data")
        result = check(Path(scratch))
    if result.catalog is None:
        raise ControlError(f"{rev} 的定义有 {len(result.errors)} 个错误，无法比较（在该版本运行 procgen check 可见）")
    return result.catalog


def compare_catalogs(old: Catalog, new: Catalog) -> tuple[list[DocumentDiff], list[FormDiff]]:
    """Per document (in the newer order, then the removed ones) and per form: what changed."""
    olds = {d.id: d for d in old.documents}
    news = {d.id: d for d in new.documents}
    docs: list[DocumentDiff] = []
    for doc_id in [*news, *(i for i in olds if i not in news)]:
        before: DocumentView | None = olds.get(doc_id)
        after: DocumentView | None = news.get(doc_id)
        edits = redline(before, after)
        if before is not None and after is not None and not edits and before.document.version == after.document.version:
            continue
        shown = after or before
        assert shown is not None
        docs.append(
            DocumentDiff(
                shown.document.code, shown.document.title,
                before.document.version if before else None, after.document.version if after else None, edits,
            )
        )
    old_forms = {f.form.id: f.form for f in old.forms}
    new_forms = {f.form.id: f.form for f in new.forms}
    forms: list[FormDiff] = []
    for form_id in [*new_forms, *(i for i in old_forms if i not in new_forms)]:
        a, b = old_forms.get(form_id), new_forms.get(form_id)
        keys = changed_keys(
            a.model_dump(mode="json") if a else {}, b.model_dump(mode="json") if b else {}
        )
        if not keys and a is not None and b is not None and a.version == b.version:
            continue
        shown_form = b or a
        assert shown_form is not None
        forms.append(FormDiff(shown_form.code, shown_form.title, a.version if a else None, b.version if b else None, keys))
    return docs, forms


def format_diff(docs: list[DocumentDiff], forms: list[FormDiff]) -> str:
    if not docs and not forms:
        return "两个版本的文件与表单内容相同。\n"
    lines: list[str] = []
    for d in docs:
        lines.append(f"{d.code} {d.title}：{d.status}")
        for edit in d.edits:
            lines.append(f"  {edit.sign} {edit.where} {edit.name}：{edit.plain()}")
        if not d.edits:
            lines.append("  （内容未变）")
    for f in forms:
        status = "新增表单" if f.old_version is None else "已删除" if f.new_version is None else f"{f.old_version} → {f.new_version}"
        lines.append(f"表单 {f.code} {f.title}：{status}" + (f"（改动：{'、'.join(f.keys)}）" if f.keys and f.old_version and f.new_version else ""))
    lines.append("图例：+ 新增  - 删除  ~ 改写，[-删去的字-]{+加上的字+}")
    return "\n".join(lines) + "\n"


def cmd_diff(args: argparse.Namespace, root: Path) -> int:

    try:
        old = catalog_at(root, args.rev1)
        if args.rev2:
            new = catalog_at(root, args.rev2)
        else:
            result = check(root)
            if result.catalog is None:
                raise ControlError(f"工作区的定义有 {len(result.errors)} 个错误，无法比较：请先运行 procgen check")
            new = result.catalog
    except ControlError as exc:
        print(f"procgen diff: {printable(str(exc))}", file=sys.stderr)
        return 1
    sys.stdout.write(format_diff(*compare_catalogs(old, new)))
    return 0


# --------------------------------------------------------------------------- review


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


def date_option(command: str, value: str | None) -> dt.date | None:
    """A command's --date (today without one); None after saying, in one line, why it is not a date."""
    try:
        return dt.date.fromisoformat(value) if value else settings.today()
    except ValueError:
        print(f"procgen {command}: --date 须为日期 YYYY-MM-DD，而不是 {escape_path(value or '')}", file=sys.stderr)
        return None


def cmd_review(args: argparse.Namespace, root: Path) -> int:
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
