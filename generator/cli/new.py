"""`procgen new document|form|role ID`: a starting definition that passes `procgen check` as written.

Each file is written from the schema with a Chinese comment above every field saying what it holds
and what to change. What can be derived is derived, so the new file is valid the moment it exists:

- a document gets the number after the highest one in ``procedures/`` (a withdrawn document's number
  is not reused), its code from ``document_code`` in ``procedures/company.yml``, today as its
  effective date, and an owner and approver taken from what the other documents use;
- a form gets its code from ``form_code`` and the number of the document that owns it, the next free
  serial number, and that document's owner as its keeper;
- a role is appended to ``procedures/roles.yml`` as text: every byte above it stays as it was.

What the company's text (the seed) does not state is written as a proposal (拟定·待批准, see
generator/catalog/provenance.py): a new form's retention period and layout, and a new role that no document
names, get ``basis: {proposed: {by, reason}}``, ``by`` being the role that proposes most often in the
repository. A new document's duties name their roles in their own text, so they need none.

Nothing is ever overwritten, and nothing is left half-written: every write goes through
generator/source/files.py (locked, compared before replacing, atomic, keeping line ends, mode and links).

Exit status: 0 written; 1 for a mistake in the request (a bad or taken id, an unknown owning
document …) or a file that cannot be written (a full disk, no permission), with one line on stderr
saying what to do; 2 when the folder given is not a folder, as for the other ``procgen`` commands.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import settings
from generator.catalog.provenance import document_text, folded
from generator.catalog.wording import MENTION
from generator.check.loading import load_all, texts_of, validated
from generator.check.rules.identity import RESERVED_IDS
from generator.check.run import check
from generator.cli.arguments import NEW_DEFAULTS
from generator.errors import UserError
from generator.model.document import Document
from generator.model.form import FormSchema
from generator.model.kinds import SLUG_PATTERN
from generator.model.registry import CompanyFile, Department, Role, RolesFile
from generator.source import files
from generator.source.discover import DOCUMENT_FILE, ROLES_FILE, discover
from generator.source.limits import MAX_ID
from generator.source.loader import load_file, load_text
from generator.source.problems import escape_path, printable
from generator.text.typography import full_width

__all__ = ["command"]


SLUG = re.compile(SLUG_PATTERN)

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/{}.json"


class NewRefused(UserError):
    """The request cannot be carried out; the message says why and what to do instead."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def command(args: argparse.Namespace) -> int:
    """Run ``procgen new``: write the file (or append the role) and say where; 0 written, 1 refused,
    2 when the root is not a folder or a file cannot be written."""
    args = argparse.Namespace(**{**NEW_DEFAULTS, **vars(args)})
    try:
        written, hints = _run(args)
    except NewRefused as exc:
        print(f"procgen new: {printable(str(exc))}", file=sys.stderr)
        return exc.status
    print(f"已写入 {written}")
    for hint in hints:
        print(f"  {hint}")
    return 0


# --------------------------------------------------------------------------- the repository


@dataclass
class _DocumentFile:
    path: Path
    number: str
    id: str
    data: dict[str, Any]


@dataclass
class _Repository:
    """What a new definition must fit in with: taken ids, codes, titles and numbers, and the roles."""

    root: Path
    company: CompanyFile
    roles: RolesFile
    documents: list[_DocumentFile] = field(default_factory=list)
    form_ids: set[str] = field(default_factory=set)
    external_ids: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    proposers: Counter[str] = field(default_factory=Counter)
    """How often each role proposes (``proposed: {by: …}``) in the documents, forms and roles.yml."""

    @property
    def role_ids(self) -> list[str]:
        return [d.id for d in self.roles.departments] + [r.id for r in self.roles.roles]

    def name_of(self, role_id: str) -> str:
        every: list[Role | Department] = [*self.roles.departments, *self.roles.roles]
        for item in every:
            if item.id == role_id:
                return item.name
        return role_id

    def documents_with_id(self, doc_id: str) -> list[_DocumentFile]:
        return [d for d in self.documents if doc_id in (d.id, d.data.get("id"))]

    def proposer(self, fallback: str) -> str:
        """The role that proposes what the seed does not state: the one most proposals name (usually the
        quality department, which edits the manual), else ``fallback``."""
        known = set(self.role_ids)
        counts = Counter({role: n for role, n in self.proposers.items() if role in known})
        return counts.most_common(1)[0][0] if counts else fallback


def _proposers(data: Any) -> Iterator[str]:
    """The ``by`` of every ``proposed:`` in a file's data."""
    if isinstance(data, dict):
        proposed = data.get("proposed")
        if isinstance(proposed, dict) and isinstance(proposed.get("by"), str):
            yield proposed["by"]
        for value in data.values():
            yield from _proposers(value)
    elif isinstance(data, list):
        for value in data:
            yield from _proposers(value)


def _mapping(root: Path, path: Path) -> dict[str, Any]:
    """The data of a definition file, or {} when it cannot be read (its file name still counts)."""
    located, _ = load_file(path, path.relative_to(root).as_posix(), root)
    return located.data if located is not None and isinstance(located.data, dict) else {}


def _valid(root: Path, name: str, model: type[Any], kind: str) -> Any:
    """procedures/<name>, validated; refused (with the way out) when it is missing or has errors."""
    path = root / "procedures" / name
    if not path.is_file():
        raise NewRefused(f"找不到 procedures/{name}：请在仓库根目录运行，或给出仓库根目录")
    located, problems = load_file(path, f"procedures/{name}", root)
    obj = None
    if located is not None:
        obj, problems = validated(located, kind, model)
    if obj is None or any(p.severity == "error" for p in problems):
        first = problems[0].text() if problems else f"procedures/{name}"
        raise NewRefused(f"procedures/{name} 有错误，请先用 procgen check 修正：{first}")
    return obj


def _repository(root: Path) -> _Repository:
    if not (root / "procedures").is_dir():
        raise NewRefused(f"{_shown(root)} 下没有 procedures/ 文件夹：请在仓库根目录运行，或给出仓库根目录")
    repo = _Repository(
        root, _valid(root, "company.yml", CompanyFile, "company"), _valid(root, "roles.yml", RolesFile, "roles")
    )
    procedures, forms = discover(root)
    for path in procedures:
        match = DOCUMENT_FILE.match(path.name)
        if match:
            data = _mapping(root, path)
            repo.documents.append(_DocumentFile(path, match.group(1), match.group(2), data))
            repo.codes.update(texts_of(data.get("code")))
            repo.titles.update(texts_of(data.get("title")) + texts_of(data.get("aliases")))
            repo.proposers.update(_proposers(data))
        elif path.name == "external.yml":
            items = _mapping(root, path).get("documents")
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    repo.external_ids.update(texts_of(item.get("id")))
                    repo.titles.update(texts_of(item.get("title")) + texts_of(item.get("aliases")))
    for path in forms:
        data = _mapping(root, path)
        repo.form_ids.add(path.stem)
        repo.form_ids.update(texts_of(data.get("id")))
        repo.codes.update(texts_of(data.get("code")))
        repo.titles.update(texts_of(data.get("title")) + texts_of(data.get("aliases")))
        repo.proposers.update(_proposers(data))
    every: list[Role | Department] = [*repo.roles.departments, *repo.roles.roles]
    repo.proposers.update(r.basis.proposed.by for r in every if r.basis and r.basis.proposed)
    return repo


# --------------------------------------------------------------------------- the request


def _run(args: argparse.Namespace) -> tuple[str, list[str]]:
    root = Path(args.root)
    if not root.is_dir():
        what = "是文件，不是目录" if root.exists() else "目录不存在"
        raise NewRefused(f"{_shown(root)} {what}：请给出仓库根目录（含 procedures/ 与 forms/）", status=2)
    root = root.resolve()
    _only_for(args)
    _check_id(args.id)
    try:
        today = settings.today()
    except settings.SettingError as exc:
        raise NewRefused(str(exc), status=2) from None
    repo = _repository(root)
    if args.kind == "document":
        return _new_document(repo, args, today)
    if args.kind == "form":
        return _new_form(repo, args, today)
    return _new_role(repo, args, today)


OPTIONS_OF = {
    "doc_kind": ("--doc-kind", ("document",)),
    "approver": ("--approver", ("document",)),
    "owner": ("--owner", ("document", "form")),
    "procedure": ("--procedure", ("form",)),
    "code": ("--code", ("document", "form")),
    "department": ("--department", ("role",)),
    "description": ("--description", ("role",)),
}


def _only_for(args: argparse.Namespace) -> None:
    """An option given for a kind it does not apply to is a mistake, not something to ignore."""
    for dest, (flag, kinds) in OPTIONS_OF.items():
        if getattr(args, dest, None) is not None and args.kind not in kinds:
            raise NewRefused(f"{flag} 只用于 {' / '.join(kinds)}，不用于 {args.kind}")


def _check_id(value: str) -> None:
    if not SLUG.fullmatch(value):
        raise NewRefused(
            f'id "{_printable(value)}" 不合法：只能用小写字母 a-z 和数字 0-9，单词之间用一个 - 连接，如 fire-safety'
        )
    if len(value) > MAX_ID:
        raise NewRefused(f"id 有 {len(value)} 个字符，不得超过 {MAX_ID} 个：请缩短")
    if value in RESERVED_IDS:
        raise NewRefused(f'id "{value}" 为保留字：它的页面会取代网站的列表页，请另起一个 id')


def _text(
    value: str | None, default: str, what: str, repo: _Repository, *, name: bool = True, unique: bool = False
) -> str:
    """A title, name or description (``value``, else ``default``) as the check wants it: no invisible
    or control character, full-width marks in Chinese; a name or title holds no 《》 (a title is what
    《》 points at), a description only 《》 that name a document, form or external document; a title
    (``unique``) is not one another file already has."""
    text = default if value is None else full_width(value.strip())
    if not text:
        raise NewRefused(f"{what}不能为空")
    hidden = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if hidden is not None:
        raise NewRefused(f"{what}含看不见的控制字符 U+{ord(hidden):04X}：请删除")
    if name and ("《" in text or "》" in text):
        raise NewRefused(f"{what}中不要用书名号《》")
    unknown = [m.group(1) for m in MENTION.finditer(text) if m.group(1) not in repo.titles]
    if unknown:
        raise NewRefused(f"{what}中的《{unknown[0]}》不是已有文件、表单或外部文件的标题")
    if unique and text in repo.titles:
        raise NewRefused(f'{what} "{text}" 已被另一文件、表单或外部文件使用：标题须全手册唯一，请用 --title 另起一个')
    return text


def _role_option(repo: _Repository, value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    if value not in repo.role_ids:
        raise NewRefused(
            f'{flag} "{_printable(value)}" 不是 procedures/roles.yml 中的角色或部门 id{_did_you_mean(value, repo.role_ids)}'
        )
    return value


def _did_you_mean(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"：是否指 {close[0]}？" if close else ""


def _most_used(repo: _Repository, key: str, fallback: str) -> str:
    """The role most documents name under ``key`` (their owner, their approver), else ``fallback``."""
    known = set(repo.role_ids)
    counts = Counter(d.data.get(key) for d in repo.documents if d.data.get(key) in known)
    return str(counts.most_common(1)[0][0]) if counts else fallback


# --------------------------------------------------------------------------- document


def _new_document(repo: _Repository, args: argparse.Namespace, today: dt.date) -> tuple[str, list[str]]:
    doc_id = args.id
    taken = repo.documents_with_id(doc_id)
    if taken:
        raise NewRefused(f'文件 id "{doc_id}" 已存在：{_rel(repo, taken[0].path)}，未改写。请另起一个 id')
    if doc_id in repo.external_ids:
        raise NewRefused(
            f'id "{doc_id}" 已在 procedures/external.yml 中声明（外部或计划中的文件）：请另起一个 id，写好后再从 external.yml 中删去那一条'
        )
    if doc_id in repo.form_ids:
        raise NewRefused(f'id "{doc_id}" 已是一张表单的 id：refs 中将无法区分，请另起一个 id')
    number, code = _document_number(repo, args.code)
    title = _text(args.title, f"新文件（{doc_id}）", "标题", repo, unique=True)
    kind = args.doc_kind or "procedure"
    first_department = repo.roles.departments[0].id if repo.roles.departments else repo.roles.roles[0].id
    owner = _role_option(repo, args.owner, "--owner") or _most_used(repo, "owner", first_department)
    approver = _role_option(repo, args.approver, "--approver") or _most_used(repo, "approver", repo.roles.roles[0].id)
    name = f"{number}-{doc_id}.yml"
    text = _document_text(
        repo,
        doc_id,
        code,
        title,
        kind,
        owner,
        approver,
        today,
        name,
        chosen=(args.owner is not None, args.approver is not None),
    )
    doc = _validated(f"procedures/{name}", text, Document, "document")
    assert (doc.id, doc.code, doc.title, doc.owner, doc.approver) == (doc_id, code, title, owner, approver), (
        "scaffold: YAML quoting"
    )
    path = repo.root / "procedures" / name
    _passes_check(repo.root, _rel(repo, path), text)
    _write_new(path, text, _rel(repo, path))
    return f"procedures/{name}（编号 {code}）", [
        "请修改标题、正文与 owner / approver，再运行 procgen check。",
        f"此文件的表单：procgen new form ID --procedure {doc_id}",
    ]


def _document_number(repo: _Repository, code: str | None) -> tuple[str, str]:
    """The file number and code of a new document: the number after the highest in procedures/
    (a gap left by a withdrawn document stays a gap), or the number that ``code`` names."""
    scheme = repo.company.document_code
    used = {d.number for d in repo.documents}
    if code is not None:
        pattern = re.escape(scheme).replace(re.escape("{doc}"), r"(?P<doc>\d{2,4})").replace(re.escape("{nn}"), "NN")
        match = re.fullmatch(pattern, code)
        if not match:
            raise NewRefused(
                f"编号 {_printable(code)} 不符合 procedures/company.yml 的编号规则 document_code：{scheme}（{{doc}} 为两位数字，如 {scheme.format(doc='13', nn='NN')}）"
            )
        if match.group("doc") in used or code in repo.codes:
            raise NewRefused(f"编号 {code} 已被使用：请换一个，或不写 --code 取下一个空号")
        return match.group("doc"), code
    highest = max(repo.documents, key=lambda d: int(d.number), default=None)
    width = max(2, len(highest.number)) if highest else 2
    n = int(highest.number) + 1 if highest else 1
    while True:
        number = f"{n:0{width}d}"
        if len(number) > 4:
            raise NewRefused("文件序号已用到 9999：请用 --code 指定一个未用的编号")
        code = scheme.format(doc=number, nn="NN")
        if number not in used and code not in repo.codes:
            return number, code
        n += 1


def _matrix_approver_example(owner: str, approver: str, approver_name: str) -> list[str]:
    """The A of the template's matrix example, with its basis: the duty written above when the approver
    has one of its own (it says 负责本文件的批准), else a proposal."""
    if approver == owner:
        return [
            f"#     A: {approver}",
            "#     role_basis:",
            f"#       {approver}: {{proposed: {{by: {owner}, reason: 原文未写明由谁批准；拟由{_comment(approver_name)}批准，待批准}}}}",
        ]
    return [
        f"#     A: {approver}",
        "#     role_basis:",
        f"#       {approver}: {{quote: {_comment(approver_name)}负责本文件的批准}}",
    ]


def _document_text(
    repo: _Repository,
    doc_id: str,
    code: str,
    title: str,
    kind: str,
    owner: str,
    approver: str,
    today: dt.date,
    name: str,
    chosen: tuple[bool, bool],
) -> str:
    owner_name, approver_name = repo.name_of(owner), repo.name_of(approver)
    owner_note = "" if chosen[0] else "暂取其他文件最常用的归口部门，"
    approver_note = "" if chosen[1] else "暂取其他文件最常用的批准人，"
    needs_audience = kind in ("training", "policy")
    lines = [
        SCHEMA_LINE.format("document"),
        f"# 新文件，由 procgen new document 于 {today} 生成：每个字段上方的注释说明它的含义；",
        "# 请改好标题、正文、归口部门与批准人后运行 procgen check；审定后再提交到 git：",
        "# 提交之后，内容的每次修改都须升级版本并写修订记录。",
        f"# 文件 id：小写字母、数字和 -；须与文件名 {name} 中序号后的部分一致，发布后不要再改。",
        f"id: {doc_id}",
        f"# 文件编号：按 procedures/company.yml 的编号规则 document_code（{_comment(repo.company.document_code)}）由文件名的序号 {name.split('-')[0]} 得出。",
        f"code: {code}",
        "# 标题：全手册唯一；任何正文中写《标题》即成为指向本文件的链接。",
        f"title: {_scalar(title)}",
        "# 其他名称（可选）：旧标题或简称，同样可被《》引用和搜索，如 [旧标题]。",
        "# aliases: []",
        "# 文件类型：procedure 程序文件（须用 roles 写明职责）、standard 标准规范、regulation 管理规定、",
        "# duties 岗位职责、training 培训教材（须写 audience）、service-scope 服务内容、policy 方针理念（须写 audience）。",
        f"kind: {kind}",
        "# 版本号：主版本.次版本，须加引号；改版时升级，并在 revisions 中加一条同版本的记录。",
        'version: "1.0"',
        "# 生效日期（YYYY-MM-DD），不得晚于今天。",
        f"effective: {today.isoformat()}",
        f"# 归口（编制）部门或岗位：procedures/roles.yml 中的 id。{owner_note}即 {_comment(owner_name)}，请确认或修改。",
        f"owner: {owner}",
        f"# 批准人：procedures/roles.yml 中的 id。{approver_note}即 {_comment(approver_name)}，请按实际审批权限确认或修改。",
        f"approver: {approver}",
        "# 评审周期（月，1–60）：自生效或上次修订起超过此期限未评审，procgen check 提示 W231 评审已逾期。",
        "review_months: 12",
        "# 修订记录：每个版本一条；以后改版时，changes 逐条写正文的改动，data_changes 写结构化数据的更正。",
        "revisions:",
        '  - version: "1.0"',
        f"    date: {today.isoformat()}",
        "    summary: 首次发布",
        "# 须知晓本文件的角色或部门 id：培训资料按此汇编，如 [property-officer, front-desk-clerk]。",
    ]
    if needs_audience:
        lines += [f"# 暂定为归口部门 {_comment(owner_name)}，请改为实际的培训或知晓对象。", f"audience: [{owner}]"]
    else:
        lines.append("# audience: []")
    lines += [
        "# 顶层条目的编号样式：decimal-zero 为 1.0、2.0…，cn 为 一、二、…；编号自动生成，正文中不要手写编号。",
        "numbering: decimal-zero",
        "# 正文：每个条目可有 title（标题，不带编号）、text（段落）、items（下级条目）与 style（下级的编号样式，",
        "# decimal 为 3.1、3.2…，latin-paren 为 a)、b)…）；roles 写由谁负责，refs 写所用表单的 id，",
        "# deadlines 与 targets 写期限与目标（写法见 README 的表格）。",
        "# 出处：正文是公司的原文，其余的数据须有出处。roles 中的角色须在本条（或上级条目）的文字中提到其名称或别名，",
        "# 否则写 role_basis：{角色 id: {quote: 原文中把这项工作交给它的字句}}，原文没有时写",
        "# {角色 id: {proposed: {by: 提出的部门或岗位 id, reason: 原文说了什么、未说什么、拟如何}}}（网站上标“拟定·待批准”）；",
        "# deadlines 的 label、targets 的数值须照本条原文写，否则同样写 basis: {quote: …} 或 basis: {proposed: …}。",
        "body:",
        "  - title: 目的",
        "    text: 待补充：说明制定本文件的目的。",
        "  - title: 适用范围",
        "    text: 待补充：说明本文件适用的部门、项目与工作。",
        "  - title: 职责",
        "    style: decimal",
        "    items:",
        f"      - text: {_scalar(f'{owner_name}负责本文件的编制、修订和实施监督。')}",
        f"        roles: [{owner}]",
    ]
    if approver != owner:
        lines += [
            f"      - text: {_scalar(f'{approver_name}负责本文件的批准。')}",
            f"        roles: [{approver}]",
        ]
    lines += [
        "  # 程序文件的步骤放在一个 flow: true 的条目下，网站据此画流程图，例如：",
        "  # - title: 程序要点",
        "  #   flow: true",
        "  #   style: decimal",
        "  #   items:",
        "  #     - text: 物管员在投诉处理完毕后的三天内进行回访，并填写《回访记录表》。",
        "  #       roles: [property-officer]",
        "  #       deadlines:",
        "  #         - {label: 三天内, within: P3D, after: 投诉处理完毕}",
        "# 职责矩阵（可选）：每项活动 负责（R）、批准（A，至多一个；原文没有审批人时不写 A）、咨询（C）、知会（I）。",
        "# basis 为这项活动的出处：引本文件中说这项活动的字句（quote，一字不差，且只见于一条），R、C、I 须在所引条文中提到；",
        "# A 须在 role_basis 中引原文中由它审批、批准的字句，否则标为拟定（proposed）。原文没有的活动整行写",
        "# basis: {proposed: {by: …, reason: …}}。如：",
        "# matrix:",
        "#   - activity: 编制与修订本文件",
        f"#     basis: {{quote: {_comment(owner_name)}负责本文件的编制、修订和实施监督}}",
        f"#     R: [{owner}]",
        *_matrix_approver_example(owner, approver, approver_name),
        f"# 本文件使用或保存的表单 id（可选）：用 procgen new form ID --procedure {doc_id} 新建。",
        "# records: []",
        "# 相关文件 id（可选）：procedures/ 中的文件或 procedures/external.yml 中的外部文件。",
        "# related: []",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- form


def _new_form(repo: _Repository, args: argparse.Namespace, today: dt.date) -> tuple[str, list[str]]:
    form_id = args.id
    path = repo.root / "forms" / f"{form_id}.yml"
    if path.exists() or path.is_symlink() or form_id in repo.form_ids:
        raise NewRefused(f'表单 id "{form_id}" 已存在（forms/{form_id}.yml），未改写：请另起一个 id')
    if form_id in repo.external_ids or repo.documents_with_id(form_id):
        raise NewRefused(f'id "{form_id}" 已是一篇文件的 id：refs 中将无法区分，请另起一个 id')
    if args.procedure is None:
        raise NewRefused("新建表单须用 --procedure 指定所属文件的 id，如 --procedure return-visit")
    owners = repo.documents_with_id(args.procedure)
    if not owners:
        ids = sorted({d.id for d in repo.documents})
        hint = _did_you_mean(args.procedure, ids) or f"：可用的有 {', '.join(ids[:6])}{' 等' if len(ids) > 6 else ''}"
        raise NewRefused(
            f'所属文件 "{_printable(args.procedure)}" 不存在：--procedure 须是 procedures/ 中某篇文件的 id{hint}'
        )
    if len(owners) > 1:
        raise NewRefused(
            f'文件 id "{args.procedure}" 同时出现在 {"、".join(_rel(repo, d.path) for d in owners)}：请先用 procgen check 修正'
        )
    owner_doc = owners[0]
    code = _form_code(repo, owner_doc, args.code)
    title = _text(args.title, f"新表单（{form_id}）", "标题", repo, unique=True)
    keeper = _role_option(repo, args.owner, "--owner")
    if keeper is None:
        doc_owner = owner_doc.data.get("owner")
        keeper = doc_owner if doc_owner in repo.role_ids else _most_used(repo, "owner", repo.role_ids[0])
    owner_of_doc = owner_doc.data.get("owner")
    proposer = repo.proposer(owner_of_doc if owner_of_doc in repo.role_ids else keeper)
    text = _form_text(repo, form_id, code, title, owner_doc, keeper, proposer, today, chosen=args.owner is not None)
    form = _validated(f"forms/{form_id}.yml", text, FormSchema, "form")
    assert (form.id, form.code, form.title, form.procedure) == (form_id, code, title, owner_doc.id), (
        "scaffold: YAML quoting"
    )
    _passes_check(repo.root, f"forms/{form_id}.yml", text)
    _write_new(path, text, f"forms/{form_id}.yml")
    return f"forms/{form_id}.yml（编号 {code}）", [
        "请修改标题、版面、保存期限与填写人，再运行 procgen check。",
        f"在 {_rel(repo, owner_doc.path)} 的正文中以《{title}》提及它，或把 {form_id} 加入 records。",
    ]


def _form_code(repo: _Repository, owner: _DocumentFile, code: str | None) -> str:
    """The form's code by company.yml's form_code: the owning document's number and the next free
    two-digit serial (the one after the highest that document's forms use)."""
    scheme = repo.company.form_code
    pattern = re.escape(scheme).replace(re.escape("{doc}"), owner.number).replace(re.escape("{nn}"), r"(\d{2})")
    if code is not None:
        if not re.fullmatch(pattern, code):
            raise NewRefused(
                f"编号 {_printable(code)} 不符合 procedures/company.yml 的编号规则 form_code：属于 {owner.id} 的表单应形如 {scheme.format(doc=owner.number, nn='01')}"
            )
        if code in repo.codes:
            raise NewRefused(f"编号 {code} 已被使用：请换一个，或不写 --code 取下一个空号")
        return code
    if "{nn}" not in scheme:
        code = scheme.format(doc=owner.number)
        if code in repo.codes:
            raise NewRefused(f"编号规则 form_code（{scheme}）没有 {{nn}}，每篇文件只能有一张表单，而 {code} 已被使用")
        return code
    serials = [int(m.group(1)) for c in repo.codes if (m := re.fullmatch(pattern, c))]
    candidates = [max(serials, default=0) + 1, *range(1, 100)]  # past 99: the first gap
    for n in candidates:
        code = scheme.format(doc=owner.number, nn=f"{n:02d}")
        if n <= 99 and code not in repo.codes:
            return code
    raise NewRefused(f"{owner.id} 的表单编号 01–99 已全部使用：请用 --code 指定")


def _form_text(
    repo: _Repository,
    form_id: str,
    code: str,
    title: str,
    owner: _DocumentFile,
    keeper: str,
    proposer: str,
    today: dt.date,
    chosen: bool,
) -> str:
    keeper_name = repo.name_of(keeper)
    by = _proposer_note(repo, proposer, "所属文件的归口部门")
    keeper_note = "由 --owner 指定" if chosen else f"暂取所属文件的归口部门 {_comment(keeper_name)}，请确认"
    lines = [
        SCHEMA_LINE.format("form"),
        f"# 新表单，由 procgen new form 于 {today} 生成：每个字段上方的注释说明它的含义；",
        "# 请按实际的表格改好标题与版面后运行 procgen check（make pdf 可看打印效果）；审定后再提交到 git：",
        "# 提交之后，内容的每次修改都须升级版本并写修订记录。",
        f"# 表单 id：小写字母、数字和 -；须与文件名 forms/{form_id}.yml 一致，发布后不要再改。",
        f"id: {form_id}",
        f"# 表单编号：按 procedures/company.yml 的编号规则 form_code（{_comment(repo.company.form_code)}），"
        f"由所属文件的序号 {owner.number} 与下一个未用的顺序号得出。",
        f"code: {code}",
        "# 表单名称：全手册唯一；任何正文中写《名称》即成为指向本表单的链接。",
        f"title: {_scalar(title)}",
        "# 其他名称（可选），如 [旧名称]。",
        "# aliases: []",
        "# 版本号：主版本.次版本，须加引号；改版时升级，并写明修订记录。",
        'version: "1.0"',
        f"# 所属文件：procedures/ 中某篇文件的 id（此处为 {_rel(repo, owner.path)}）。",
        f"procedure: {owner.id}",
        "# 保存：period 为保存期限（ISO 8601：P6M 六个月、P1Y 一年、P2Y 两年），长期保存则改为 permanent: true；",
        f"# keeper 为保存的岗位或部门 id（{keeper_note}），location 为存放地点。",
        "retention:",
        "  period: P2Y",
        f"  keeper: {keeper}",
        f"  location: {_scalar(keeper_name)}",
        "  # 上交时间（可选），如 handover: {label: 每月月底, every: P1M, window: month-end}",
        "  # 保存期限的出处：原文规定了这张表的保存期限时引原文 basis: {quote: 原文字句}（一字不差，且只见于所属文件的一条）；",
        f"  # 原文未规定时标为拟定（网站上标“拟定·待批准”）：by 为提出的部门或岗位 id（{by}，请确认），",
        "  # reason 写原文说了什么、未说什么、拟如何。",
        f"  basis: {{proposed: {{by: {proposer}, reason: 原文未规定保存期限；拟保存两年，待批准}}}}",
        "# 纸张方向：portrait 纵向；栏目多时用 landscape 横向。",
        "orientation: portrait",
        "# 填写本表的岗位或部门 id：暂与保存者相同，请改为实际填写的人。",
        f"filled_by: [{keeper}]",
        "# 是否在右上角印“编号：＿＿”（每张表的流水号）。",
        "numbered: true",
        "# 栏目与格式的出处：原文给出这张表的栏目时引原文 design: {quote: 原文字句}；否则栏目是编者的设计，标为拟定。",
        f"design: {{proposed: {{by: {proposer}, reason: 原文未给出栏目；栏目为拟定}}}}",
        "# 版面，自上而下：row 一行字段（各字段 span 合计不超过 12 格）；table 空白表格（columns 各列及相对宽度 width，",
        "# rows 空行数，numbered 在首列印 1、2、3…）；note 说明文字（每条须有 basis：引原文 quote，或拟定 proposed）；",
        "# section 带标题的一组（其下再写 blocks）。",
        "# 字段 type：text 文字、date 日期、datetime 日期时间、number 数字（可加 unit）、choice 选项（options，",
        "# multiple 可多选）、checkbox 勾选框、textarea 多行（lines 行数）、signature 签名（默认带日期栏）、",
        "# photo 照片框（不印书写线）。card: true 时第一个 section 印成卡片大小的证件（85.6 × 54 mm），其余为存根。",
        "layout:",
        "  - row:",
        "      - {label: 日期, type: date, span: 4}",
        "      - {label: 部门, type: text, span: 4}",
        "      - {label: 填表人, type: text, span: 4}",
        "  - table:",
        "      columns:",
        "        - {label: 序号, width: 1}",
        "        - {label: 事项, width: 6}",
        "        - {label: 结果, width: 3}",
        "        - {label: 备注, width: 2}",
        "      rows: 10",
        "      numbered: true",
        "  - row:",
        "      - {label: 填表人签名, type: signature, span: 6}",
        "      - {label: 审核人签名, type: signature, span: 6}",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- role


def _new_role(repo: _Repository, args: argparse.Namespace, today: dt.date) -> tuple[str, list[str]]:
    role_id = args.id
    if role_id in repo.role_ids:
        what = "部门" if role_id in {d.id for d in repo.roles.departments} else "角色"
        raise NewRefused(f'procedures/roles.yml 中已有{what} "{role_id}"，未改动：请另起一个 id')
    name = _text(args.title, f"新角色（{role_id}）", "名称", repo)
    every: list[Role | Department] = [*repo.roles.departments, *repo.roles.roles]
    names = {n: r.id for r in every for n in [r.name, *r.aliases]}
    if name in names:
        raise NewRefused(f'名称 "{name}" 已是 {names[name]} 的名称或别名：请用 --title 另起一个')
    departments = [d.id for d in repo.roles.departments]
    department = args.department
    if department is not None and department not in departments:
        hint = (
            _did_you_mean(department, departments)
            or f"：可用的有 {', '.join(departments[:6])}{' 等' if len(departments) > 6 else ''}"
        )
        raise NewRefused(f'--department "{_printable(department)}" 不是 procedures/roles.yml 中的部门 id{hint}')
    description = _text(args.description, f"待补充：{name}的职责。", "职责描述", repo, name=False)
    fallback = departments[0] if departments else repo.roles.roles[0].id
    proposer = None if _named_by_a_document(repo.root, name) else repo.proposer(_most_used(repo, "owner", fallback))

    path = repo.root / ROLES_FILE
    shown = ROLES_FILE
    try:
        raw = path.read_bytes()
        old_text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NewRefused(f"无法读取 {shown}：{exc}") from None
    old, problems = load_text(shown, raw)
    if old is None or problems:
        raise NewRefused(f"{shown} 有错误，请先用 procgen check 修正")
    offset, item_indent, key_indent = _roles_end(old_text, old)
    newline = "\r\n" if "\r\n" in old_text else "\n"
    entry = _role_lines(
        role_id,
        name,
        department,
        description,
        item_indent,
        " " * key_indent,
        today,
        departments[0] if departments else "management-office",
        repo.roles.roles[0].id,
        proposer,
        _proposer_note(repo, proposer) if proposer else "",
    )
    before, after = old_text[:offset], old_text[offset:]
    if before and not before.endswith(("\n", "\r")):
        before += newline
    new_text = before + newline.join(entry) + newline + after

    expected: dict[str, Any] = {
        "id": role_id,
        "name": name,
        **({"department": department} if department else {}),
        "description": description,
    }
    if proposer:
        expected["basis"] = {"proposed": {"by": proposer, "reason": ROLE_REASON}}
    new, problems = load_text(shown, new_text.encode("utf-8"))
    unchanged = (
        new is not None
        and not problems
        and {k: v for k, v in new.data.items() if k != "roles"} == {k: v for k, v in old.data.items() if k != "roles"}
        and new.data.get("roles") == [*old.data["roles"], expected]
    )
    if not unchanged:
        raise NewRefused(f"无法在 {shown} 中安全地追加（roles 的写法不常见）：请按 procgen new 的注释手工添加这一条")
    _validated(shown, new_text, RolesFile, "roles")
    _passes_check(repo.root, shown, new_text)
    _replace(path, new_text.encode("utf-8"), raw, shown)
    line = new_text[: len(before)].count("\n") + 2  # the "- id:" line, after the first comment line
    return f"{shown} 第 {line} 行起（角色 {role_id}）", [
        "请核对名称、所属部门与职责描述，再运行 procgen check。",
        f"在文件的 roles、owner、matrix 或表单的 filled_by 中用 {role_id} 引用它。",
    ]


def _proposer_note(repo: _Repository, proposer: str, fallback: str = "其他文件最常用的归口部门") -> str:
    """Where the ``by`` of a new proposal comes from, for its comment."""
    source = "本仓库中最常提出拟定的" if proposer in repo.proposers else fallback
    return f"暂取{source} {_comment(repo.name_of(proposer))}"


ROLE_REASON = "原文未提到此角色；拟设，待批准"
"""Why a new role no document names is a proposal (the editors change it to say what the seed says)."""


def _named_by_a_document(root: Path, name: str) -> bool:
    """Whether a document's text names ``name`` (as the check looks for a role: generator/catalog/provenance.py)."""
    loaded, _ = load_all(root)
    words = folded(name)
    return bool(words) and any(words in document_text(doc).all_text for _, doc in loaded.documents)


def _roles_end(text: str, located: Any) -> tuple[int, str, int]:
    """Where a new role goes in roles.yml and how it is indented: (offset, text before "- ", column of
    its keys). At the end of the file when ``roles`` is the last key, else just before the key (and the
    comments right above it) that follows the roles list."""
    data = located.data
    roles = data.get("roles") if isinstance(data, dict) else None
    if not isinstance(roles, list) or not roles or ("roles", 0) not in located.values:
        raise NewRefused("procedures/roles.yml 中没有 roles 列表：请先用 procgen check 修正")
    lines = text.splitlines(keepends=True)
    line, col = located.values[("roles", 0)]
    prefix = lines[line - 1][: col - 1]
    match = re.fullmatch(r"( *)- +", prefix)
    if not match or line <= located.keys[("roles",)][0]:
        raise NewRefused("procedures/roles.yml 的 roles 不是逐行的 - 列表（例如写成了 [ … ]）：请手工添加这一条")
    keys = list(data)
    if keys[-1] == "roles":
        return len(text), match.group(1), len(prefix)
    next_line = located.keys[(keys[keys.index("roles") + 1],)][0] - 1  # 0-based index of the next key's line
    while next_line > line and (not lines[next_line - 1].strip() or lines[next_line - 1].startswith("#")):
        next_line -= 1
    return sum(len(x) for x in lines[:next_line]), match.group(1), len(prefix)


def _role_lines(
    role_id: str,
    name: str,
    department: str | None,
    description: str,
    item: str,
    key: str,
    today: dt.date,
    example_department: str,
    example_role: str,
    proposer: str | None,
    proposer_note: str,
) -> list[str]:
    lines = [
        f"{item}# 由 procgen new role 于 {today} 添加：请核对名称、所属部门与职责描述。",
        f"{item}- id: {role_id}",
        f"{key}# 名称：显示在角色页、职责矩阵与培训资料中。",
        f"{key}name: {_scalar(name)}",
        f"{key}# 其他称呼（可选），也可被搜索到，如 [别称]。",
        f"{key}# aliases: []",
        f"{key}# 所属部门：上方 departments 中的 id。",
    ]
    lines.append(f"{key}department: {department}" if department else f"{key}# department: {example_department}")
    lines += [
        f"{key}# 直接上级（可选）：另一角色的 id。",
        f"{key}# reports_to: {example_role}",
        f"{key}# 外部单位（业主、装修公司等）写 external: true：不生成培训资料。",
        f"{key}# external: true",
        f"{key}# 天天为住户服务的一线岗位写 front_line: true：列在首页“我是…”按钮中。",
        f"{key}# front_line: true",
        f"{key}# 职责描述：显示在角色页与培训资料的开头，请写明这一角色做什么。",
        f"{key}description: {_scalar(description)}",
    ]
    if proposer:
        lines += [
            f"{key}# 出处：没有哪篇文件的正文提到「{_comment(name)}」，这一角色是拟设的（网站上标“拟定·待批准”，不生成培训资料）。",
            f"{key}# by 为提出的部门或岗位 id（{proposer_note}，请确认），reason 写原文说了什么、",
            f"{key}# 未说什么；正文提到这一名称后可删去 basis。",
            f"{key}basis: {{proposed: {{by: {proposer}, reason: {ROLE_REASON}}}}}",
        ]
    else:
        lines.append(
            f"{key}# 出处：文件正文已提到「{_comment(name)}」，无需 basis（没有哪篇文件提到的角色须写 basis: {{proposed: …}}）。"
        )
    return lines


# --------------------------------------------------------------------------- writing


def _validated(shown: str, text: str, model: type[Any], kind: str) -> Any:
    """The written text read back as procgen check reads it: a value given on the command line that
    breaks a limit or the schema (a title too long …) is refused here, before anything is written."""
    located, problems = load_text(shown, text.encode("utf-8"))
    obj = None
    if located is not None:
        obj, problems = validated(located, kind, model)
    if obj is None or any(p.severity == "error" for p in problems):
        raise NewRefused("；".join(p.message for p in problems) or f"{shown} 无法读回")
    return obj


def _passes_check(root: Path, shown: str, text: str) -> None:
    """The whole check, run on a scratch copy of the definitions with the new text in place: what the
    next ``procgen check`` would refuse about this file (a character the PDF font lacks, a clash with
    another file …) is refused now, before anything is written."""
    with tempfile.TemporaryDirectory(prefix="procgen-new-") as scratch:
        copy = Path(scratch)
        try:
            for folder in ("procedures", "forms"):
                if (root / folder).is_dir():
                    shutil.copytree(root / folder, copy / folder, symlinks=True)
            _copy_caches(root, copy)
            (copy / shown).parent.mkdir(parents=True, exist_ok=True)
            (copy / shown).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise NewRefused(f"无法在临时目录中检查 {shown}：{files.reason(exc)}；未写入") from None
        errors = [p for p in check(copy).problems if p.severity == "error" and p.path == shown]
    if errors:
        raise NewRefused(
            f"写入后 {shown} 将无法通过检查，未写入：" + "；".join(f"{p.code} {p.message}" for p in errors[:3])
        )


def _copy_caches(root: Path, copy: Path) -> None:
    """The font's coverage and the texts' cuts into words, for the scratch check (about a second each when
    worked out again); one that cannot be copied (being written by a build, say) is only not copied."""
    for kept in ("glyphs", "words"):
        if (root / ".cache" / kept).is_dir():
            try:
                shutil.copytree(root / ".cache" / kept, copy / ".cache" / kept, ignore=shutil.ignore_patterns(".*.tmp"))
            except OSError:
                continue


def _write_new(path: Path, text: str, shown: str) -> None:
    """Write a new file whole, or not at all; never over an existing one (generator/source/files.py)."""
    try:
        files.create(path, text, shown)
    except files.WriteRefused as exc:
        raise NewRefused(str(exc)) from None


def _replace(path: Path, data: bytes, before: bytes, shown: str) -> None:
    """Replace ``path`` by ``data`` in one step (generator/source/files.py: locked, compared, keeping mode,
    owner and a link); refused if the file changed since it was read as ``before``."""
    try:
        with files.folder_lock(Path(os.path.realpath(path)).parent, shown):
            original = files.read(path, shown)
            files.write_bytes(
                original.path, data, shown, before=before, mode=original.mode, owner=(original.uid, original.gid)
            )
    except files.WriteRefused as exc:
        raise NewRefused(str(exc)) from None


# --------------------------------------------------------------------------- text


_PLAIN = re.compile(r"[^\x00-\x7f]([^\x00-\x7f]|[A-Za-z0-9 ./-])*")
"""A scalar safe to write unquoted: it starts with a Chinese character and holds nothing YAML reads
specially (no ': ', ' #', quotes or brackets); anything else is written as a JSON string, which YAML
reads back unchanged."""


def _scalar(value: str) -> str:
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and not any(c in value for c in "\u2028\u2029\x85\ufeff"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _comment(value: str) -> str:
    """Text for a comment line: on one line."""
    return " ".join(value.split())


def _printable(value: str) -> str:
    return escape_path(value[:80])


def _shown(path: Path) -> str:
    return _printable(str(path))


def _rel(repo: _Repository, path: Path) -> str:
    return path.relative_to(repo.root).as_posix()
