"""Every command's arguments, declared in one light module (standard library only): building the
parser must not load what one command needs (WeasyPrint, python-docx, ruamel.yaml, the checker).

``procgen new`` takes its defaults from :data:`NEW_DEFAULTS` when it is called without this parser (tests).
"""

from __future__ import annotations

import argparse
from typing import Any

from generator.model.kinds import DOCUMENT_KINDS
from generator.source.problems import FORMATTERS

NEW_KINDS = ("document", "form", "role")
NEW_DEFAULTS: dict[str, Any] = {
    "root": ".",
    "title": None,
    "code": None,
    "doc_kind": None,
    "owner": None,
    "approver": None,
    "procedure": None,
    "department": None,
    "description": None,
}
"""The options' defaults of ``procgen new``, for a Namespace made without the parser."""


def parser() -> argparse.ArgumentParser:
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
    review.add_argument(
        "--outcome", choices=["continue", "revise"], default="continue", help="continue 继续有效（默认）；revise 需修订"
    )
    review.add_argument("--date", default=None, help="评审日期 YYYY-MM-DD（默认今天）")
    review.add_argument("--note", default=None, help="评审意见（一句话）")
    review.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")

    explain = sub.add_parser("explain", help="说明检查代码的含义与规则（不写代码则列出全部）")
    explain.add_argument("code", nargs="?", default=None, help="检查代码，如 E292")
    approve = sub.add_parser("approve", help="批准（或 --reject 否决）拟定内容：升版并写入修订记录")
    approve.add_argument("source", help="文件、表单的 id 或编号（如 return-visit、WY-GL-11），或拟定岗位的 id")
    approve.add_argument(
        "items", nargs="*", help="条目（见“待批准的拟定内容”页的“条目”一栏）；不写则为该文件的全部拟定内容"
    )
    approve.add_argument("--reject", action="store_true", help="否决：删去这些拟定内容（同样升版并记入修订记录）")
    approve.add_argument("--by", default=None, help="批准的岗位 id（默认：拟定内容所写的批准人，否则文件的批准人）")
    approve.add_argument("--date", default=None, help="批准日期 YYYY-MM-DD（默认今天）")
    approve.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")
    docx = sub.add_parser("docx", help="生成文件的 Word 副本（.docx，默认写入 site/docx/）")
    docx.add_argument(
        "doc", nargs="*", metavar="DOC", help="文件的 id 或编号，如 return-visit 或 WY-GL-11（不写则生成全部）"
    )
    docx.add_argument("--path", default=".", help="仓库根目录（默认当前目录）")
    docx.add_argument("--out", default=None, help="输出目录（默认 site/docx）")

    new_arguments(sub.add_parser("new", help="新建文件、表单或岗位：写出带中文注释、可通过检查的起始内容"))
    return parser


def new_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``procgen new``: ``kind``, ``id``, an optional repository root, and options."""
    parser.add_argument("kind", choices=NEW_KINDS, help="新建什么：document 文件、form 表单、role 角色")
    parser.add_argument("id", help="新的 id：小写字母、数字，单词之间用一个 - 连接，如 fire-safety")
    parser.add_argument("root", nargs="?", default=".", help="仓库根目录（默认当前目录）")
    parser.add_argument(
        "--title",
        "--name",
        dest="title",
        default=None,
        help="文件或表单的标题、角色的名称（默认为占位标题，写入后请修改）",
    )
    parser.add_argument(
        "--code", default=None, help="指定编号（须符合 procedures/company.yml 的编号规则且未被使用；默认取下一个空号）"
    )
    parser.add_argument(
        "--doc-kind", choices=DOCUMENT_KINDS, default=None, help="文件类型（仅 document，默认 procedure）"
    )
    parser.add_argument("--owner", default=None, help="文件的归口部门或岗位 id（document），或表单的保存者 id（form）")
    parser.add_argument("--approver", default=None, help="文件的批准人 id（仅 document）")
    parser.add_argument("--procedure", default=None, help="表单所属文件的 id（form 必填），如 return-visit")
    parser.add_argument("--department", default=None, help="角色所属部门的 id（仅 role），如 management-office")
    parser.add_argument("--description", default=None, help="角色的职责描述（仅 role，一句话）")
