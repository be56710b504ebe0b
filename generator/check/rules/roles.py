"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

from generator.check.registry import Context, rule, walk_nodes
from generator.model.document import Deadline, Document, Line, Node, Target
from generator.model.form import FormSchema
from generator.model.registry import RolesFile
from generator.source.loader import Located
from generator.source.problems import Problem


def _role_refs(doc: Document) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every role id a document names, with its path: control fields, clauses, the matrix."""
    yield ("owner",), doc.owner
    yield ("approver",), doc.approver
    for i, reader in enumerate(doc.audience):
        yield ("audience", i), reader
    for i, rev in enumerate(doc.revisions):
        if rev.approver:
            yield ("revisions", i, "approver"), rev.approver
    for loc, node in walk_nodes(doc.body, ("body",)):
        yield from _node_role_refs(loc, node)
    yield from _matrix_role_refs(doc)


def _named_roles(located: Located, doc: Document) -> frozenset[str]:
    """Every role id ``doc`` names, worked out once per content of its file (kept in its ``memo``)."""
    return located.kept("named-roles", lambda: frozenset(role_id for _, role_id in _role_refs(doc)))


def _fact_role_refs(
    loc: tuple[Any, ...], key: str, facts: Sequence[Target | Deadline]
) -> Iterator[tuple[tuple[Any, ...], str]]:
    for i, fact in enumerate(facts):
        if fact.role:
            yield (*loc, key, i, "role"), fact.role


def _node_role_refs(loc: tuple[Any, ...], node: Node) -> Iterator[tuple[tuple[Any, ...], str]]:
    for i, role_id in enumerate(node.roles):
        yield (*loc, "roles", i), role_id
    for key in ("targets", "thresholds", "deadlines"):
        yield from _fact_role_refs(loc, key, getattr(node, key))
    for m, meeting in enumerate(node.meetings):
        here = (*loc, "meetings", m)
        if meeting.owner_role:
            yield (*here, "owner_role"), meeting.owner_role
        for i, participant in enumerate(meeting.participant_roles):
            yield (*here, "participant_roles", i), participant
        if meeting.schedule and meeting.schedule.role:
            yield (*here, "schedule", "role"), meeting.schedule.role
        yield from _fact_role_refs(here, "deadlines", meeting.deadlines)
    if node.service_table:
        for g, group in enumerate(node.service_table.groups):
            for r, row in enumerate(group.rows):
                here = (*loc, "service_table", "groups", g, "rows", r)
                for i, role in enumerate(row.roles):
                    yield (*here, "roles", i), role
                for s, line in enumerate(row.standards):
                    if not isinstance(line, str):
                        yield from _fact_role_refs((*here, "standards", s), "targets", line.targets)
                        yield from _fact_role_refs((*here, "standards", s), "deadlines", line.deadlines)


def _matrix_role_refs(doc: Document) -> Iterator[tuple[tuple[Any, ...], str]]:
    for i, matrix_row in enumerate(doc.matrix):
        if isinstance(matrix_row.A, str):  # A: one-id   (the usual form)
            yield ("matrix", i, "A"), matrix_row.A
        letters: tuple[tuple[str, list[str]], ...] = (
            ("R", matrix_row.R),
            ("A", matrix_row.A if isinstance(matrix_row.A, list) else []),
            ("C", matrix_row.C),
            ("I", matrix_row.I),
        )
        for letter, ids in letters:
            for j, role_id in enumerate(ids):
                yield ("matrix", i, letter, j), role_id


@rule
def roles_exist(ctx: Context) -> Iterator[Problem]:
    """Every role or department named anywhere is defined in procedures/roles.yml.

    Passes: owner: quality-dept. Fails: roles: [property-oficer].
    """
    if ctx.loaded.roles is None:
        return
    message = '未定义的角色 "{}"：请在 procedures/roles.yml 中定义，或改用已有的角色 id'
    # a document's walk only when it names a role not defined: the ids it names are kept with its cached data
    named: list[tuple[Located, Iterable[tuple[tuple[Any, ...], str]]]] = [
        (located, _role_refs(doc))
        for located, doc in ctx.loaded.documents
        if not ctx.role_ids.issuperset(_named_roles(located, doc))
    ]
    named += [(located, _form_role_refs(form)) for located, form in ctx.loaded.forms]
    named.append((ctx.loaded.roles[0], _roles_file_refs(ctx.loaded.roles[1])))
    if ctx.loaded.external:
        located, ext = ctx.loaded.external
        named.append(
            (located, ((("documents", i, "owner"), item.owner) for i, item in enumerate(ext.documents) if item.owner))
        )
    for located, refs in named:
        for loc, role_id in refs:
            if role_id not in ctx.role_ids:
                yield ctx.at(located, loc, "E204", message.format(role_id))


def _form_role_refs(form: FormSchema) -> Iterator[tuple[tuple[Any, ...], str]]:
    yield ("retention", "keeper"), form.retention.keeper
    for i, role_id in enumerate(form.filled_by):
        yield ("filled_by", i), role_id
    if form.retention.handover and form.retention.handover.role:
        yield ("retention", "handover", "role"), form.retention.handover.role


def _roles_file_refs(roles: RolesFile) -> Iterator[tuple[tuple[Any, ...], str]]:
    for i, dept in enumerate(roles.departments):
        if dept.parent:
            yield ("departments", i, "parent"), dept.parent
    for i, role in enumerate(roles.roles):
        for key in ("department", "reports_to"):
            value = getattr(role, key)
            if value:
                yield ("roles", i, key), value


def _facts(
    nodes: list[Node], loc: tuple[Any, ...], inherited: list[str]
) -> Iterator[tuple[tuple[Any, ...], str, str | None, list[str]]]:
    """Every target, threshold and deadline with its path, its kind, its own role and the roles it falls
    back on: those of its meeting, its table row, its node, or the nearest ancestor with roles."""
    for index, node in enumerate(nodes):
        here = (*loc, index)
        roles = list(node.roles) or inherited
        for key in ("targets", "thresholds", "deadlines"):
            for i, fact in enumerate(getattr(node, key)):
                yield (*here, key, i), key, fact.role, roles
        for m, meeting in enumerate(node.meetings):
            owners = [meeting.owner_role] if meeting.owner_role else roles
            if meeting.schedule:
                yield (*here, "meetings", m, "schedule"), "deadlines", meeting.schedule.role, owners
            for i, fact in enumerate(meeting.deadlines):
                yield (*here, "meetings", m, "deadlines", i), "deadlines", fact.role, owners
        if node.service_table:
            for g, group in enumerate(node.service_table.groups):
                for r, row in enumerate(group.rows):
                    row_roles = list(row.roles) or roles
                    for n, line in enumerate(row.standards):
                        if isinstance(line, Line):
                            base = (*here, "service_table", "groups", g, "rows", r, "standards", n)
                            for key in ("targets", "deadlines"):
                                for i, fact in enumerate(getattr(line, key)):
                                    yield (*base, key, i), key, fact.role, row_roles
        yield from _facts(node.items, (*here, "items"), roles)


@rule
def facts_have_owners(ctx: Context) -> Iterator[Problem]:
    """Every target, threshold and deadline reaches a role: its own, or by the nearest roles above it.

    Passes: a target under a node with roles: [property-officer]. Fails: 客户满意率95%以上 in a
    document where neither the clause, its table row nor any section above it names a role.
    """

    def find(located: Located, doc: Document) -> Iterator[Problem]:
        names = {"targets": "目标", "thresholds": "触发条件", "deadlines": "期限"}
        for loc, kind, own, owners in _facts(doc.body, ("body",), []):
            if not own and not owners:
                yield ctx.at(
                    located,
                    loc,
                    "E215",
                    f"这条{names[kind]}没有责任人：请在它或它所在的条目、表格行上写明 role / roles",
                )

    for located, doc in ctx.loaded.documents:
        yield from ctx.in_file(located, "facts_have_owners", partial(find, located, doc))


@rule
def matrix_letters(ctx: Context) -> Iterator[Problem]:
    """Each matrix activity has at most one A and at least one R. An activity the seed gives no approver
    shows none: the rule does not force one to be invented (see provenance.py).

    Passes: {activity: 制定回访计划, R: [project-manager-assistant]}.
    Fails: {activity: 制定回访计划, R: [], A: [a, b]}.
    """
    for located, doc in ctx.loaded.documents:
        for i, row in enumerate(doc.matrix):
            a = [row.A] if isinstance(row.A, str) else list(row.A or [])
            if len(a) > 1:
                yield ctx.at(
                    located,
                    ("matrix", i, "A"),
                    "E210",
                    f"活动「{row.activity}」至多有一个 A（批准/最终负责），现有 {len(a)} 个",
                )
            if not row.R:
                yield ctx.at(located, ("matrix", i), "E211", f"活动「{row.activity}」至少须有一个 R（执行负责）")
