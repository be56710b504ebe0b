"""The `procgen` command: check, schema, format, pdf, diff, review, new, docx.

Exit status: 0 clean (warnings allowed), 1 when the definitions have an error, 2 for a usage
error, 3 for a bug in procgen itself (with a request to report it).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from . import files
from .errors import UserError
from .problems import FORMATTERS, escape_path, printable

if TYPE_CHECKING:
    from .check import CheckResult


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="procgen",
        description="物业公司程序文件手册生成器：检查 YAML 定义，生成 JSON Schema 与 PDF。",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="检查 procedures/ 与 forms/ 中的全部定义")
    check.add_argument("path", nargs="?", default=".", help="仓库根目录（默认当前目录）")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="输出格式")

    schema = sub.add_parser("schema", help="为每种文件生成 JSON Schema 到 schemas/")
    schema.add_argument("path", nargs="?", default=".", help="仓库根目录（默认当前目录）")

    fmt = sub.add_parser("format", help="把汉字之间的半角标点 , : ; ( ) 改为全角（改写 YAML 文件）")
    fmt.add_argument("path", nargs="?", default=".", help="仓库根目录（默认当前目录）")
    fmt.add_argument("--check", action="store_true", help="只列出要改的文件，不改写（有则退出码 1）")

    pdf = sub.add_parser("pdf", help="生成 PDF（表单、受控文件、整本手册、培训资料）")
    pdf.add_argument("path", nargs="?", default=".", help="仓库根目录（默认当前目录）")
    pdf.add_argument("--out", default=None, help="输出目录（默认 site/pdf）")
    pdf.add_argument("--only", action="append", default=[], metavar="ID", help="只生成该 id 的 PDF（可重复）")
    pdf.add_argument("--jobs", type=int, default=0, help="并行进程数（默认为 CPU 核数）")
    build = sub.add_parser("build", help="生成网站到 site/（先在临时文件夹中生成，成功后一步替换；同时只运行一个）")
    build.add_argument("path", nargs="?", default=".", help="仓库根目录（默认当前目录，含 mkdocs.yml）")
    build.add_argument("--offline", action="store_true", help="离线版：site-offline/ 与 site-offline.zip")
    diff = sub.add_parser("diff", help="比较两个版本（提交、分支或标签）的文件：逐条列出新增、删除、改写")
    diff.add_argument("rev1", help="较早的版本，如 HEAD~3、main、v1.0")
    diff.add_argument("rev2", nargs="?", default=None, help="较新的版本（默认：工作区当前的文件）")
    diff.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")

    review = sub.add_parser("review", help="记录一次定期评审（写入 revisions，版本不变）")
    review.add_argument("id", help="文件的 id 或编号，如 return-visit 或 WY-GL-11")
    review.add_argument("--reviewer", required=True, help="评审的岗位或部门 id，如 quality-dept")
    review.add_argument("--outcome", choices=["continue", "revise"], default="continue", help="continue 继续有效（默认）；revise 需修订")
    review.add_argument("--date", default=None, help="评审日期 YYYY-MM-DD（默认今天）")
    review.add_argument("--note", default=None, help="评审意见（一句话）")
    review.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")

    explain = sub.add_parser("explain", help="说明检查代码的含义与规则（不写代码则列出全部）")
    explain.add_argument("code", nargs="?", default=None, help="检查代码，如 E292")
    # Declared here, not in approve.py: importing that loads ruamel.yaml and the whole checker.
    approve = sub.add_parser("approve", help="批准（或 --reject 否决）拟定内容：升版并写入修订记录")
    approve.add_argument("source", help="文件、表单的 id 或编号（如 return-visit、WY-GL-11），或拟定岗位的 id")
    approve.add_argument("items", nargs="*", help="条目（见“待批准的拟定内容”页的“条目”一栏）；不写则为该文件的全部拟定内容")
    approve.add_argument("--reject", action="store_true", help="否决：删去这些拟定内容（同样升版并记入修订记录）")
    approve.add_argument("--by", default=None, help="批准的岗位 id（默认：拟定内容所写的批准人，否则文件的批准人）")
    approve.add_argument("--date", default=None, help="批准日期 YYYY-MM-DD（默认今天）")
    approve.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")
    # Declared here, not in docx_command.py: importing that loads python-docx and cairo, a second
    # spent by every procgen command.
    docx = sub.add_parser("docx", help="生成文件的 Word 副本（.docx，默认写入 site/docx/）")
    docx.add_argument("doc", nargs="*", metavar="DOC", help="文件的 id 或编号，如 return-visit 或 WY-GL-11（不写则生成全部）")
    docx.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")
    docx.add_argument("--out", default=None, help="输出目录（默认 site/docx）")

    from .scaffold import add_arguments as scaffold_arguments

    scaffold_arguments(sub.add_parser("new", help="新建文件、表单或岗位：写出带中文注释、可通过检查的起始内容"))
    return parser


def _root(value: str) -> Path | None:
    root = Path(value)
    if root.exists() and not root.is_dir():
        print(f"procgen: {_shown(value)} 是文件，不是目录：请给出仓库根目录（含 procedures/ 与 forms/）", file=sys.stderr)
        return None
    if not root.is_dir():
        print(f"procgen: 目录不存在：{_shown(value)}", file=sys.stderr)
        return None
    return root.resolve()


def _shown(value: str) -> str:
    """A path as it can be printed on one line: control characters escaped."""
    return escape_path(value)


def _out_dir(value: str | None, root: Path) -> Path | None:
    """The PDF output folder, made if missing; None (with a message) when it cannot be written."""
    out = Path(value) if value else root / "site" / "pdf"
    if out.exists() and not out.is_dir():
        print(f"procgen pdf: --out {_shown(str(out))} 是文件，不是目录", file=sys.stderr)
        return None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"procgen pdf: 无法创建输出目录 {_shown(str(out))}：{exc.strerror or exc}", file=sys.stderr)
        return None
    if not os.access(out, os.W_OK | os.X_OK):
        print(f"procgen pdf: 输出目录 {_shown(str(out))} 不可写", file=sys.stderr)
        return None
    return out


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check

    root = _root(args.path)
    if root is None:
        return 2
    # The collector stays off to the end: everything the check makes stays alive until procgen exits,
    # and full collections during the JSON steps after it cost a third of a large check.
    gc.disable()
    result = check(root, catalog=args.format == "json")  # only JSON reads the catalog (reviews, retraining)
    extra: dict[str, object] = {"notices": result.notices}
    if args.format == "json":  # only JSON carries them: text and github output would not print them
        extra |= {"reviews": reviews_json(result), "retraining": retraining_json(result)}
    sys.stdout.write(FORMATTERS[args.format](result.problems, extra))
    if args.format == "text":
        for notice in result.notices:
            print(f"提示：{notice}", file=sys.stderr)
    return 0 if result.ok else 1


def retraining_json(result: CheckResult) -> list[dict[str, object]]:
    """Who must be trained again after a document's last version change (for `--format json`)."""
    from .versions import retraining_after_changes

    if result.catalog is None:
        return []
    codes = {d.id: d.document.code for d in result.catalog.documents}
    return [
        {"document": r.document_id, "code": codes[r.document_id], "from": r.old_version, "to": r.new_version,
         "role": r.role.id, "role_name": r.role.title, "added": list(r.added), "removed": list(r.removed),
         "changed": [{"old": old, "new": new} for old, new in r.changed]}
        for r in retraining_after_changes(result.catalog)
    ]


def reviews_json(result: CheckResult) -> list[dict[str, object]]:
    """Each document's review state (for `--format json`): next review date, overdue or due soon."""
    from .catalog import review_states
    from .check import today

    if result.catalog is None:
        return []
    return [
        {"id": s.document.id, "code": s.document.document.code, "title": s.document.document.title,
         "version": s.document.document.version, "last_review": s.last.isoformat(), "due": s.due.isoformat(),
         "status": s.status}
        for s in review_states(result.catalog, today())
    ]


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import write_schemas

    root = _root(args.path)
    if root is None:
        return 2
    for path in write_schemas(root / "schemas"):
        print(f"已写入 {path.relative_to(root).as_posix()}")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from . import publish
    from .check import CatalogError, load_catalog
    from .pdf.build import build_pdfs

    root = _root(args.path)
    if root is None:
        return 2
    try:
        catalog = load_catalog(root)
    except CatalogError as exc:
        sys.stdout.write(FORMATTERS["text"](exc.problems))
        print("定义有错误，未生成 PDF。", file=sys.stderr)
        return 1
    out = _out_dir(args.out, root)
    if out is None:
        return 2
    if args.only:  # a few PDFs, each written atomically into the folder as it is
        with publish.build_lock(root):
            return build_pdfs(catalog, root, out, only=args.only, jobs=args.jobs)
    status = 0

    def make(stage: Path) -> None:
        nonlocal status
        status = build_pdfs(catalog, root, stage, jobs=args.jobs)
        if status:
            raise publish.PublishError("未生成 PDF")

    try:
        publish.publish(root, out, make)
    except publish.PublishError as exc:
        if status == 0:
            print(f"procgen pdf: {printable(str(exc))}", file=sys.stderr)
        return status or 1
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """`make site` / `make site-offline`: the site built in a staging folder and swapped in whole."""
    from . import publish

    root = _root(args.path)
    if root is None:
        return 2
    try:
        folder = publish.build_site(root, offline=args.offline)
    except publish.PublishError as exc:
        print(f"procgen build: {printable(str(exc))}；{'site-offline' if args.offline else 'site'}/ 未改动", file=sys.stderr)
        return 1
    print(f"已发布 {folder.name}/")
    return 0


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _FormatRefused(UserError):
    """A file ``procgen format`` leaves alone; the message says why."""


def cmd_format(args: argparse.Namespace) -> int:
    """Rewrite half-width marks in Chinese as full-width, file by file, only when the file still
    loads to the same data with nothing but that punctuation changed (else it is left alone)."""
    from .check import discover
    from .loader import load_text, read_definition
    from .typography import format_text, same_but_punctuation

    root = _root(args.path)
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

        def punctuate(text: str, shown: str = shown) -> str:
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

        try:
            if args.check:
                original = files.read(file, shown)
                if punctuate(original.text) != original.text:
                    changed.append(shown)
            elif files.rewrite(file, shown, punctuate):
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


def cmd_diff(args: argparse.Namespace) -> int:
    from .control import cmd_diff as run_diff

    root = _root(args.path)
    return 2 if root is None else run_diff(args, root)


def cmd_review(args: argparse.Namespace) -> int:
    from .control import cmd_review as run_review

    root = _root(args.path)
    return 2 if root is None else run_review(args, root)


def cmd_explain(args: argparse.Namespace) -> int:
    from .explain import command

    return command(args.code)


def cmd_approve(args: argparse.Namespace) -> int:
    from .approve import command

    root = _root(args.path)
    return 2 if root is None else command(args, root)


def cmd_docx(args: argparse.Namespace) -> int:
    from .docx_command import command

    root = _root(args.path)
    return 2 if root is None else command(args, root)


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import command

    return command(args)


COMMANDS = {
    "check": cmd_check, "schema": cmd_schema, "pdf": cmd_pdf, "format": cmd_format,
    "diff": cmd_diff, "review": cmd_review, "approve": cmd_approve, "explain": cmd_explain, "new": cmd_new, "build": cmd_build, "docx": cmd_docx,
}


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
    parser = _parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    from .settings import SettingError, check_all

    try:
        check_all()
    except SettingError as exc:
        print(f"procgen: {printable(str(exc))}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](args)
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
