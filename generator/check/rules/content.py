"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from generator.check.registry import BasisFindings, Context, rule, walk_nodes
from generator.model.document import Deadline, Document, Line
from generator.model.form import FormSchema
from generator.source.limits import MAX_INT
from generator.source.loader import Located
from generator.source.problems import Problem


@rule
def statements_have_a_basis(ctx: Context) -> Iterator[Problem]:
    """Every role on a clause, fact, matrix cell, retention period, form rule, form layout and role is
    stated by the seed (its clause, or a quote found in one clause) or marked as a proposal (provenance.py).

    Codes: E290 no basis, E291 quote not found or ambiguous, E292 role not named by its clause, E293 fact not
    stated by its clause, E294 approved in a version that records no approval, E295 role_basis for a role not
    listed, E296 a role no document names (and E204 for a proposal's unknown role).

    Passes: roles: [property-officer] on 物管员负责依照本规范实施具体回访工作。
    Fails: retention: {period: P3Y, keeper: project-office} with no basis (E290); a quote not in the text (E291).
    """
    walker = ctx.provenance()
    files: list[tuple[Located, Document | FormSchema]] = [*ctx.loaded.documents, *ctx.loaded.forms]
    named = [(located, ctx.basis_findings(located, model)) for located, model in files]
    if ctx.loaded.roles is not None and not ctx.loaded.salvaged_ids["document"]:
        # A document that could not be read may be the one that names a role (E296 waits for it).
        named.append((ctx.loaded.roles[0], BasisFindings.of("", (), walker.role_definitions())))
    for located, findings in named:
        for loc, problem, proposal in findings.entries:
            if problem:
                code, message = problem
                yield ctx.at(located, loc, code, message, key=loc[-1] in ("role_basis", "layout"))
            if proposal and ctx.loaded.roles is not None:  # no roles.yml: roles_exist judges nothing either
                for key, role_id in zip(("by", "approver"), proposal, strict=True):
                    if role_id and role_id not in ctx.role_ids:
                        yield ctx.at(located, loc, "E204", f'拟定的 {key} "{role_id}" 不是已定义的角色')


@rule
def target_values(ctx: Context) -> Iterator[Problem]:
    """A percentage target lies between 0 and 100.

    Passes: {metric: 客户满意率, op: ">=", value: 95, unit: "%"}. Fails: value: 950, unit: "%".
    """

    def find(located: Located, doc: Document) -> Iterator[Problem]:
        for loc, node in walk_nodes(doc.body, ("body",)):
            found = [((*loc, "targets", i), t) for i, t in enumerate(node.targets)]
            if node.service_table:
                for g, group in enumerate(node.service_table.groups):
                    for r, row in enumerate(group.rows):
                        for s, line in enumerate(row.standards):
                            if not isinstance(line, str):
                                base = (*loc, "service_table", "groups", g, "rows", r, "standards", s, "targets")
                                found += [((*base, t), target) for t, target in enumerate(line.targets)]
            for where, target in found:
                # A value that is not finite or absurdly large is E108 already (limits.py).
                if target.unit == "%" and abs(target.value) <= MAX_INT and not 0 <= target.value <= 100:
                    yield ctx.at(
                        located,
                        (*where, "value"),
                        "E213",
                        f"目标「{target.metric}」为百分比，数值 {target.value} 须在 0 到 100 之间",
                    )

    for located, doc in ctx.loaded.documents:
        yield from ctx.in_file(located, "target_values", partial(find, located, doc))


def _deadline_durations(loc: tuple[Any, ...], deadlines: Sequence[Deadline]) -> Iterator[tuple[tuple[Any, ...], str]]:
    for i, deadline in enumerate(deadlines):
        for key in ("within", "not_before", "every"):
            value = getattr(deadline, key)
            if value is not None:
                yield (*loc, i, key), value


def _durations(doc: Document) -> Iterator[tuple[tuple[Any, ...], str]]:
    for loc, node in walk_nodes(doc.body, ("body",)):
        yield from _deadline_durations((*loc, "deadlines"), node.deadlines)
        for m, meeting in enumerate(node.meetings):
            if meeting.schedule:
                for (_, key), value in _deadline_durations((), [meeting.schedule]):
                    yield (*loc, "meetings", m, "schedule", key), value
            yield from _deadline_durations((*loc, "meetings", m, "deadlines"), meeting.deadlines)
        if node.service_table:
            for g, group in enumerate(node.service_table.groups):
                for r, row in enumerate(group.rows):
                    for n, line in enumerate(row.standards):
                        if isinstance(line, Line):
                            base = (*loc, "service_table", "groups", g, "rows", r, "standards", n)
                            yield from _deadline_durations((*base, "deadlines"), line.deadlines)


@rule
def durations_not_empty(ctx: Context) -> Iterator[Problem]:
    """A duration names at least one amount.

    Passes: {within: P3D}. Fails: {within: P} or {within: PT}.
    """

    def find(located: Located, doc: Document) -> Iterator[Problem]:
        for loc, value in _durations(doc):
            if not re.search(r"\d", value):
                yield ctx.at(located, loc, "E105", f'期限 "{value}" 没有数值：如 P3D（3天）、PT24H（24小时）')

    for located, doc in ctx.loaded.documents:
        yield from ctx.in_file(located, "durations_not_empty", partial(find, located, doc))
    for located, form in ctx.loaded.forms:
        period = form.retention.period
        if period is not None and not re.search(r"\d", period):
            yield ctx.at(located, ("retention", "period"), "E105", f'保存期限 "{period}" 没有数值：如 P2Y（2年）')


def _has_roles(doc: Document) -> bool:
    return any(node.roles for _, node in walk_nodes(doc.body, ()))


def _has_clauses(doc: Document) -> bool:
    return len(doc.body) > 1 or any(node.items or node.service_table for node in doc.body)


REQUIRED_BY_KIND: dict[str, tuple[str, Callable[[Document], bool]]] = {
    "procedure": ("程序文件须写明职责：至少一个条目用 roles 标明由谁负责", _has_roles),
    "duties": ("岗位职责须把职责挂到角色上：至少一个条目标明 roles", _has_roles),
    "standard": ("标准规范须有条款或服务标准表", _has_clauses),
    "regulation": ("管理规定须有条款", _has_clauses),
    "training": ("培训教材须用 audience 写明培训对象", lambda d: bool(d.audience)),
    "service-scope": ("服务内容须列出服务条目", _has_clauses),
    "policy": ("方针理念须用 audience 写明须知晓的人员", lambda d: bool(d.audience)),
}


@rule
def required_content(ctx: Context) -> Iterator[Problem]:
    """Each kind of document has what that kind needs (see REQUIRED_BY_KIND).

    Passes: a procedure with a step marked roles: [property-officer]. Fails: a procedure with no roles.
    """
    for located, doc in ctx.loaded.documents:
        message, present = REQUIRED_BY_KIND[doc.kind]
        if not present(doc):
            yield ctx.at(located, ("kind",), "E220", message)
