"""``procgen approve SOURCE [ITEM …] [--reject]``: the company approves (or rejects) proposals, in git.

A proposal (``basis: {proposed: {by, reason}}``, see provenance.py) becomes approved content: its basis
is rewritten to ``{approved: {version: NEW}}``, the document's (or form's) version is raised, and a
revision entry names what was approved, by whom (the approving role, and the person when company.yml
lists ``people``) and when. ``--reject`` removes the proposed thing instead (the role from the clause or
matrix row, the fact, the form's rule), again in a new version with the rejections listed. The version
rule (E235/E238) and /changes/ then show it like any other change; the administrator commits.

Why ruamel.yaml: the file is the administrator's, with comments, flow mappings and quoting chosen by
hand. ruamel's round-trip loader keeps all of that (the whole manual round-trips byte for byte with the
settings below); writing the file back from PyYAML data would lose every comment. Before touching a file
the round trip is tried on it unchanged: a file that would not come back identical is refused, never
reformatted. The result is checked as a whole repository before the one atomic write (files.rewrite).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.catalog.views import Catalog, Pending
from generator.check.run import check
from generator.cli.common import ControlError, date_option, repository
from generator.cli.review import still_passes
from generator.source import files
from generator.source.discover import ROLES_FILE
from generator.source.problems import escape_path, printable

NOT_REMOVABLE = {"保存期限", "表单格式", "角色"}
"""Kinds of proposal --reject cannot remove (a form needs a retention period and a layout; a role may be
named elsewhere): the administrator rewrites them, then proposes or approves again."""


def round_trip() -> YAML:
    """ruamel.yaml set to write the manual's files back as written (the whole manual round-trips byte for
    byte): 2-space mappings, sequences indented 4 with the dash at 2, quotes kept, no line folding."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 1 << 16
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _dump(y: YAML, data: Any) -> str:
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def _raise(version: str) -> str:
    major, minor = version.split(".")
    return f"{major}.{int(minor) + 1}"


def _flow(mapping: dict[str, Any]) -> CommentedMap:
    out = CommentedMap()
    for key, value in mapping.items():
        out[key] = _flow(value) if isinstance(value, dict) else value
    out.fa.set_flow_style()
    return out


def _at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        data = data[part]
    return data


def _remove_role(container: Any, role: str) -> None:
    """A rejected role leaves the clause (roles) or the matrix row (R, A, C, I)."""
    for key in ("roles", "R", "C", "I"):
        value = container.get(key)
        if isinstance(value, list) and role in value:
            value.remove(role)
    if container.get("A") == role:
        del container["A"]
    elif isinstance(container.get("A"), list) and role in container["A"]:
        container["A"].remove(role)


def _apply(data: Any, chosen: list[Pending], *, reject: bool, version: str, date: dt.date) -> None:
    """Rewrite or remove each chosen proposal in the round-trip data. Removals run from the last list
    position to the first, so an earlier index still points at its item."""
    removals: list[tuple[Any, int]] = []
    for pending in chosen:
        loc = pending.loc
        if loc and loc[-1] == "name":  # a role definition is reported at its name; its basis is beside it
            loc = (*loc[:-1], "basis")
        if not reject:
            parent = _at(data, loc[:-1])
            approval = (
                {"version": DoubleQuotedScalarString(version)}
                if version
                else {"date": dt.date(date.year, date.month, date.day)}
            )
            parent[loc[-1]] = _flow({"approved": approval})
            continue
        if "role_basis" in loc:
            i = loc.index("role_basis")
            owner = _at(data, loc[:i])
            role = loc[i + 1]
            del owner["role_basis"][role]
            if not owner["role_basis"]:
                del owner["role_basis"]
            _remove_role(owner, role)
        elif loc[-1] == "basis" and isinstance(loc[-2], int):  # a fact, a form's note, a matrix row: the item goes
            removals.append((_at(data, loc[:-2]), loc[-2]))
        else:
            raise ControlError(f"{pending.kind}不能用 --reject 删去：请直接改写它，再拟定或批准")
    for seq, index in sorted(removals, key=lambda r: (id(r[0]), -r[1])):
        del seq[index]


def _entry(
    version: str, date: dt.date, approver: str, person: str | None, chosen: list[Pending], reject: bool
) -> CommentedMap:
    entry = CommentedMap()
    entry["version"] = DoubleQuotedScalarString(version)
    entry["date"] = dt.date(date.year, date.month, date.day)  # its own object: ruamel would alias a shared one
    entry["summary"] = "否决拟定内容并删去" if reject else "批准拟定内容"
    entry["rejections" if reject else "approvals"] = CommentedSeq([f"{p.kind}（{p.place}）：{p.what}" for p in chosen])
    entry["approver"] = approver
    if person:
        entry["approved_by"] = person
    return entry


# one transaction: find, check, rewrite, record; each step a refusal with its own message
def approve(  # noqa: C901
    root: Path, source: str, items: list[str], *, reject: bool, by: str | None, date: dt.date
) -> tuple[Path, str, list[Pending]]:
    """Approve or reject proposals of one document, form or role; returns the file, the new version and what was done."""
    result = check(root)
    if result.catalog is None:
        raise ControlError(f"定义有 {len(result.errors)} 个错误：请先用 procgen check 改正，再批准")
    catalog: Catalog = result.catalog
    pending = [p for p in catalog.proposals if source in (p.source.id, _code(catalog, p))]
    if not pending:
        known = any(source in (p.source.id, _code(catalog, p)) for p in catalog.proposals)
        raise ControlError(
            f"{source} 没有待批准的拟定内容"
            if known or _exists(catalog, source)
            else f"没有 id 或编号为 {source} 的文件、表单或岗位"
        )
    if items:
        by_name = {p.item: p for p in pending}
        unknown = [i for i in items if i not in by_name]
        if unknown:
            raise ControlError(f"{source} 没有拟定条目 {'、'.join(unknown)}；可批准的条目：{'、'.join(by_name)}")
        pending = [by_name[i] for i in dict.fromkeys(items)]
    paths = {p.path for p in pending}
    if len(paths) != 1:
        raise ControlError("一次只能批准一个文件中的拟定内容")
    shown = paths.pop()
    approvers = {p.approver.id for p in pending}
    approver = by or (approvers.pop() if len(approvers) == 1 else None)
    if approver is None:
        raise ControlError(
            f"这些拟定内容由不同岗位批准（{'、'.join(sorted({p.approver.id for p in pending}))}）：请用 --by 指明批准的岗位，或分开批准"
        )
    if not any(r.id == approver for r in catalog.roles):
        raise ControlError(f"没有 id 为 {approver} 的岗位或部门（见 procedures/roles.yml）")
    person = catalog.company.people.get(approver)
    versioned = shown != ROLES_FILE
    holder: dict[str, str] = {}

    def transform(text: str) -> str:
        y = round_trip()
        try:
            data = y.load(text)
        except YAMLError:
            raise ControlError(f"{shown} 在检查之后被改坏了：请先用 procgen check 改正，再批准") from None
        if _dump(y, data) != text:
            raise ControlError(f"{shown} 的写法无法在改写时原样保留（如特殊的缩进或换行）：请手工编辑后提交")
        version = _raise(str(data["version"])) if versioned else ""
        if versioned:  # a new version is never dated before the one it replaces (as procgen review refuses)
            dated = [r["date"] for r in data.get("revisions") or [] if isinstance(r.get("date"), dt.date)]
            latest = max(
                [*dated, *([data["effective"]] if isinstance(data.get("effective"), dt.date) else [])], default=None
            )
            if latest is not None and date < latest:
                raise ControlError(
                    f"批准日期 {date} 早于 {shown} 的上一条修订记录或生效日期 {latest}：新版本不能早于它所取代的版本"
                )
        _apply(data, pending, reject=reject, version=version, date=date)
        if versioned:
            data["version"] = DoubleQuotedScalarString(version)
            if "effective" in data:
                data["effective"] = dt.date(date.year, date.month, date.day)
            data["revisions"].append(_entry(version, date, approver, person, pending, reject))
        new_text = _dump(y, data)
        still_passes(root, shown, new_text, "批准后文件无法通过检查，未改动：")
        holder["version"] = version
        return new_text

    path = root / shown
    try:
        files.rewrite(path, shown, transform)
    except files.WriteRefused as exc:
        raise ControlError(str(exc)) from None
    return path, holder.get("version", ""), pending


def _code(catalog: Catalog, pending: Pending) -> str:
    if pending.source.kind == "document":
        return catalog.document(pending.source.id).document.code
    if pending.source.kind == "form":
        return catalog.form(pending.source.id).form.code
    return pending.source.id


def _exists(catalog: Catalog, source: str) -> bool:
    return (
        any(source in (d.id, d.document.code) for d in catalog.documents)
        or any(source in (f.form.id, f.form.code) for f in catalog.forms)
        or any(source == r.id for r in catalog.roles)
    )


def command(args: argparse.Namespace) -> int:
    root = repository(args.path)
    if root is None:
        return 2
    date = date_option("approve", args.date)
    if date is None:
        return 1
    try:
        path, version, done = approve(root, args.source, list(args.items), reject=args.reject, by=args.by, date=date)
    except ControlError as exc:
        print(f"procgen approve: {printable(str(exc))}", file=sys.stderr)
        return 1
    verb = "否决并删去" if args.reject else "批准"
    where = escape_path(path.relative_to(root).as_posix())
    print(f"已{verb} {len(done)} 项拟定内容：{where}" + (f"（升为 {version} 版，修订记录已写明）" if version else ""))
    for pending in done:
        print(f"  {pending.item}　{pending.kind}：{printable(pending.what)}")
    return 0
