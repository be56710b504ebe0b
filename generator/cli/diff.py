"""``procgen diff REV1 [REV2]``: the documents and forms of two revisions compared clause by clause."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.catalog.views import Catalog, DocumentView
from generator.check.run import check
from generator.cli.common import ControlError, repository
from generator.control.history import changed_keys
from generator.control.redline import Edit, redline
from generator.source.problems import printable


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
        return (
            f"{self.old_version} → {self.new_version}"
            if self.old_version != self.new_version
            else f"{self.new_version}（版本未变）"
        )


@dataclass
class FormDiff:
    code: str
    title: str
    old_version: str | None
    new_version: str | None
    keys: list[str]


def catalog_at(root: Path, rev: str) -> Catalog:
    """The catalog of revision ``rev`` (a commit, branch or tag) of the repository at ``root``."""

    probe = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=root, capture_output=True, text=True
    )
    if probe.returncode != 0:
        raise ControlError(f"找不到版本 {rev}：请给出提交号、分支名或标签（git log 可查）")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", probe.stdout.strip(), "--", "procedures", "forms"],
        cwd=root,
        capture_output=True,
    )
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
                shown.document.code,
                shown.document.title,
                before.document.version if before else None,
                after.document.version if after else None,
                edits,
            )
        )
    old_forms = {f.form.id: f.form for f in old.forms}
    new_forms = {f.form.id: f.form for f in new.forms}
    forms: list[FormDiff] = []
    for form_id in [*new_forms, *(i for i in old_forms if i not in new_forms)]:
        a, b = old_forms.get(form_id), new_forms.get(form_id)
        keys = changed_keys(a.model_dump(mode="json") if a else {}, b.model_dump(mode="json") if b else {})
        if not keys and a is not None and b is not None and a.version == b.version:
            continue
        shown_form = b or a
        assert shown_form is not None
        forms.append(
            FormDiff(shown_form.code, shown_form.title, a.version if a else None, b.version if b else None, keys)
        )
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
        status = (
            "新增表单"
            if f.old_version is None
            else "已删除"
            if f.new_version is None
            else f"{f.old_version} → {f.new_version}"
        )
        lines.append(
            f"表单 {f.code} {f.title}：{status}"
            + (f"（改动：{'、'.join(f.keys)}）" if f.keys and f.old_version and f.new_version else "")
        )
    lines.append("图例：+ 新增  - 删除  ~ 改写，[-删去的字-]{+加上的字+}")
    return "\n".join(lines) + "\n"


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2

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
