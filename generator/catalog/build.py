"""The validated catalog: every definition, cross-linked, with the derived views both renderers use.

Templates only lay out what is computed here: numbering labels, anchors, the pieces of text that
link to another document, next review dates, and the views by role, by target, by deadline,
the records register, the master list and the company-wide matrix.
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap, Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from generator.catalog import numbering
from generator.catalog.flow import _flow
from generator.catalog.provenance import KINDS, Statement, Walker
from generator.catalog.views import (
    MATRIX_GRID_MAX,
    Catalog,
    CompanyMatrix,
    DeadlineEntry,
    DeadlineView,
    DocumentView,
    ExternalView,
    FormView,
    Link,
    MatrixLine,
    MatrixView,
    MeetingView,
    Paragraph,
    Pending,
    RoleView,
    Section,
    Segment,
    ServiceLine,
    ServiceRowView,
    ServiceTableView,
    TargetEntry,
    TargetView,
    _item_name,
    _proposed,
)
from generator.catalog.wording import MENTION, add_months, cited, deadline_rule, paragraphs, retention_text, target_rule
from generator.model.base import Basis
from generator.model.document import Deadline, Document, Line, MatrixRow, Meeting, Node, Target
from generator.model.form import FormSchema
from generator.model.kinds import KIND_NAMES
from generator.model.registry import CompanyFile, Department, ExternalDocument, Role, RolesFile
from generator.source.discover import ROLES_FILE

if TYPE_CHECKING:
    pass


class Resolver:
    """Looks ids and titles up; used only while building the catalog."""

    def __init__(
        self,
        documents: list[Document],
        forms: list[FormSchema],
        external: list[ExternalDocument],
        roles: list[Role],
        departments: list[Department],
    ) -> None:
        self.links: MutableMapping[str, Link] = {}
        self.titles: MutableMapping[str, Link] = {}
        for doc in documents:
            link = Link("document", doc.id, doc.title)
            self.links[doc.id] = link
            for title in (doc.title, *doc.aliases):
                self.titles.setdefault(title, link)
        for ext in external:
            link = Link(
                "external", ext.id, ext.title, planned=ext.status == "planned", external=ext.status == "external"
            )
            self.links.setdefault(ext.id, link)
            for title in (ext.title, *ext.aliases):
                self.titles.setdefault(title, link)
        self.forms: dict[str, Link] = {}
        for form in forms:
            link = Link("form", form.id, form.title)
            self.forms[form.id] = link
            for title in (form.title, *form.aliases):
                self.titles.setdefault(title, link)
        self.roles: dict[str, Link] = {}
        every: list[Role | Department] = [*departments, *roles]
        for role in every:
            # a role no document names is proposed: so is every duty or cell given to it
            self.roles[role.id] = Link("role", role.id, role.name, proposed=_proposed(role.basis))

    def overlay(self, doc: Document) -> Resolver:
        """This resolver with one document replaced by another version of it (its title and aliases
        as that version had them): no copy of the tables, so an old version costs its own size only."""
        new = object.__new__(Resolver)
        link = Link("document", doc.id, doc.title)
        new.links = ChainMap({doc.id: link}, self.links)
        new.titles = ChainMap({title: link for title in (doc.title, *doc.aliases)}, self.titles)
        new.forms, new.roles = self.forms, self.roles
        return new

    def role(self, role_id: str) -> Link:
        return self.roles[role_id]

    def ref(self, ref_id: str) -> Link:
        return self.forms.get(ref_id) or self.links[ref_id]

    def segments(self, text: str) -> Paragraph:
        out: list[Segment] = []
        pos = 0
        for match in MENTION.finditer(text):
            link = self.titles.get(match.group(1))
            if link is None:
                continue
            if match.start() > pos:
                out.append(Segment(text[pos : match.start()]))
            out.append(Segment(match.group(0), link))
            pos = match.end()
        if pos < len(text):
            out.append(Segment(text[pos:]))
        return Paragraph(out)


def _role_links(resolver: Resolver, ids: list[str], basis: dict[str, Basis]) -> list[Link]:
    """Role links, a proposed one marked (its duty or cell is 拟定·待批准)."""
    links = [resolver.role(r) for r in ids]
    return [replace(link, proposed=True) if _proposed(basis.get(link.id)) else link for link in links]


def _owners(resolver: Resolver, own: str | None, fallback: list[Link]) -> list[Link]:
    return [resolver.role(own)] if own else list(fallback)


def _targets(resolver: Resolver, targets: list[Target], owners: list[Link]) -> list[TargetView]:
    return [
        TargetView(t, target_rule(t), resolver.role(t.role) if t.role else None, _owners(resolver, t.role, owners))
        for t in targets
    ]


def _deadlines(resolver: Resolver, deadlines: list[Deadline], owners: list[Link]) -> list[DeadlineView]:
    return [
        DeadlineView(d, deadline_rule(d), resolver.role(d.role) if d.role else None, _owners(resolver, d.role, owners))
        for d in deadlines
    ]


_MEETING_FIELDS = {
    "purpose": "目的",
    "owner": "责任部门",
    "frequency": "频次",
    "participants": "人员",
    "format": "形式",
}


def _meeting(resolver: Resolver, meeting: Meeting, label: str, owners: list[Link]) -> MeetingView:
    order: list[str] = list(meeting.order or _MEETING_FIELDS)
    fields = [(_MEETING_FIELDS[key], resolver.segments(getattr(meeting, key))) for key in order]
    owner = resolver.role(meeting.owner_role) if meeting.owner_role else None
    schedule = [meeting.schedule] if meeting.schedule else []
    return MeetingView(
        label=label,
        meeting=meeting,
        fields=fields,
        schedule=deadline_rule(meeting.schedule) if meeting.schedule else None,
        owner=owner,
        participants=[resolver.role(r) for r in meeting.participant_roles],
        deadlines=_deadlines(resolver, [*schedule, *meeting.deadlines], [owner] if owner else owners),
    )


def _service_table(resolver: Resolver, node: Node, owners: list[Link], anchor: str) -> ServiceTableView | None:
    table = node.service_table
    if table is None:
        return None
    rows: list[ServiceRowView] = []
    for group in table.groups:
        for index, row in enumerate(group.rows):
            lines = []
            row_owners = _role_links(resolver, row.roles, row.role_basis) or owners
            for line in row.standards:
                if isinstance(line, Line):
                    lines.append(
                        ServiceLine(
                            resolver.segments(line.text),
                            _targets(resolver, line.targets, row_owners),
                            _deadlines(resolver, line.deadlines, row_owners),
                        )
                    )
                else:
                    lines.append(ServiceLine(resolver.segments(line), [], []))
            rows.append(
                ServiceRowView(
                    service=group.service if index == 0 else None,
                    rowspan=len(group.rows) if index == 0 else 0,
                    group=group.service,
                    content=row.content,
                    lines=lines,
                    roles=_role_links(resolver, row.roles, row.role_basis),
                    anchor=f"{anchor}-table-{len(rows) + 1}",
                )
            )
    return ServiceTableView(columns=list(table.columns), rows=rows)


def clause_path(parent_path: str, style: str, label: str, index: int = 1, title: str | None = None) -> str:
    """The full path of a clause from its parent's path and its own label.

    A decimal label already holds its ancestors' numbers (4.1.3, 2.1), so it stands alone;
    otherwise labels are chained: 五、 + (六) + 2、 -> 五、(六)2、, with a space after a label that
    does not end in punctuation (第一部分 五、, 4.1.3 b)). An unnumbered item is cited the way the
    documents cite it: (十)第二个△; a titled one by its title; others by position (第3项).
    """
    if style in numbering.UNNUMBERED:
        if title:
            return f"{parent_path} {title}".strip()
        if style == "triangle":
            return f"{parent_path}第{numbering.chinese_number(index)}个△"
        return f"{parent_path}第{index}项"
    if not label:
        return parent_path
    if style == "decimal":
        return label
    if not parent_path:
        return label
    glue = " " if parent_path[-1].isalnum() else ""
    return f"{parent_path}{glue}{label}"


def _section(
    resolver: Resolver,
    doc: Document,
    node: Node,
    *,
    style: str,
    index: int,
    numbers: tuple[int, ...],
    depth: int,
    anchor: str,
    parent_path: str = "",
    parent_where: str = "",
    inherited: list[Link] | None = None,
) -> Section:
    counted = style not in numbering.UNNUMBERED
    own_numbers = (*numbers, index) if counted else numbers
    kids_style = numbering.child_style(node.style, depth + 1)
    own_label = numbering.label(style, index, own_numbers)
    path = clause_path(parent_path, style, own_label, index, node.title)
    # A title names its own clause; its items are numbered from the numbers above it, not from it.
    # A bare group (no title, no text) is no clause of its own: its items are cited from the clause above.
    bare = not node.title and not node.text
    child_base = parent_path if style in numbering.UNNUMBERED and (node.title or bare) else path
    where = node.title or parent_where
    roles = _role_links(resolver, node.roles, node.role_basis)
    owners = roles or list(inherited or [])  # the nearest roles up the tree answer for what has none
    children = []
    count = 0
    for i, child in enumerate(node.items, start=1):
        count += 1
        children.append(
            _section(
                resolver,
                doc,
                child,
                style=kids_style,
                index=count,
                numbers=own_numbers,
                depth=depth + 1,
                anchor=f"{anchor}-{i}",
                parent_path=child_base,
                parent_where=where,
                inherited=owners,
            )
        )
    meeting_style = node.meeting_style or "latin"
    meetings = [
        _meeting(resolver, m, numbering.label(meeting_style, i, (*own_numbers, i)), owners)
        for i, m in enumerate(node.meetings, start=1)
    ]
    paragraphs_ = [resolver.segments(p) for p in paragraphs(node.text)]
    after = [resolver.segments(p) for p in paragraphs(node.after)]
    refs = [resolver.ref(r) for r in node.refs]
    for paragraph in (*paragraphs_, *after):  # a 《form》 named in the text is a form this step uses
        for segment in paragraph.segments:
            if segment.link is not None and segment.link.kind == "form" and segment.link not in refs:
                refs.append(segment.link)
    return Section(
        document_id=doc.id,
        anchor=anchor,
        label=own_label,
        style=style,
        depth=depth,
        title=node.title,
        paragraphs=paragraphs_,
        after=after,
        children=children,
        roles=roles,
        targets=_targets(resolver, node.targets, owners),
        deadlines=_deadlines(resolver, node.deadlines, owners),
        refs=refs,
        meetings=meetings,
        service_table=_service_table(resolver, node, owners, anchor),
        child_style=kids_style,
        flow=node.flow,
        path=cited(path),
        where=where,
        cite=f"{doc.code} {cited(path)}".strip(),
        thresholds=_targets(resolver, node.thresholds, owners),
        choice=node.choice,
    )


def _unique_paths(sections: list[Section]) -> None:
    """Clauses that would be cited alike (a. under two headings) are told apart by their heading."""
    every = [section for top in sections for section in top.walk()]
    count: dict[str, int] = {}
    for section in every:
        count[section.path] = count.get(section.path, 0) + 1
    for section in every:
        if count[section.path] > 1 and section.where and section.where not in section.path:
            section.path = f"{section.where} {section.path}"
            section.cite = f"{section.cite.split(' ', 1)[0]} {section.path}"


@dataclass(frozen=True)
class Definitions:
    """What a catalog is built from: every definition, validated, with the file it came from (the check
    makes it; an earlier version's catalog is built from the same with one document replaced)."""

    documents: list[tuple[str, Document]]
    forms: list[tuple[str, FormSchema]]
    roles: list[Role]
    departments: list[Department]
    external: list[ExternalDocument]
    source_files: list[str]
    company: CompanyFile

    def resolver(self) -> Resolver:
        return Resolver(
            [d for _, d in self.documents], [f for _, f in self.forms], self.external, self.roles, self.departments
        )

    def build(self, **options: Any) -> Catalog:
        """:func:`build_catalog` of these definitions (``options``: its keyword-only arguments)."""
        return build_catalog(
            self.documents,
            self.forms,
            self.roles,
            self.departments,
            self.external,
            self.source_files,
            self.company,
            **options,
        )


def build_catalog(
    documents: list[tuple[str, Document]],
    forms: list[tuple[str, FormSchema]],
    roles: list[Role],
    departments: list[Department],
    external: list[ExternalDocument],
    source_files: list[str],
    company: CompanyFile,
    *,
    only: frozenset[str] | None = None,
    resolver: Resolver | None = None,
    first_number: int = 1,
    walker: Walker | None = None,
) -> Catalog:
    """Cross-link validated definitions and compute the derived views (no checks here).

    ``only``: the views of these documents (and their forms) alone, every other definition still
    known to the links — what an earlier version of one document needs (generator/control/versions.py), at
    the cost of that document, not of the whole manual. ``resolver``: the links, when already made.
    ``first_number``: the number of the first of ``documents`` (an old version given alone keeps its own)."""
    if resolver is None:
        resolver = Resolver([d for _, d in documents], [f for _, f in forms], external, roles, departments)
    doc_views: list[DocumentView] = []
    for number, (path, doc) in enumerate(documents, start=first_number):
        if only is not None and doc.id not in only:
            continue
        top_style = doc.numbering
        sections = []
        count = 0
        for i, node in enumerate(doc.body, start=1):
            count += 1
            sections.append(
                _section(resolver, doc, node, style=top_style, index=count, numbers=(), depth=0, anchor=f"s{i}")
            )
        _unique_paths(sections)
        last_review = max([doc.effective, *(r.date for r in doc.revisions)])
        doc_views.append(
            DocumentView(
                document=doc,
                path=path,
                number=number,
                kind_name=KIND_NAMES[doc.kind],
                last_review=last_review,
                next_review=add_months(last_review, doc.review_months),
                intro=[resolver.segments(p) for p in paragraphs(doc.intro)],
                sections=sections,
                owner=resolver.role(doc.owner),
                approver=resolver.role(doc.approver),
                matrix=[_matrix_row(resolver, row) for row in doc.matrix],
                records=[resolver.forms[r] for r in doc.records],
                related=[resolver.links[r] for r in doc.related],
                audience=[resolver.role(r) for r in doc.audience],
                flow=_flow(sections),
            )
        )
    effective = {d.id: d.document.effective for d in doc_views}
    users: dict[str, list[Link]] = {}  # form id -> the documents citing it, in document order
    for d in doc_views:
        for cited_id in _cited_ids(d):
            users.setdefault(cited_id, []).append(resolver.links[d.id])
    form_views = []
    chosen = forms if only is None else [pf for pf in forms if pf[1].procedure in only]  # sort the few, not all
    for path, form in sorted(chosen, key=lambda pf: pf[1].code):
        used_by = users.get(form.id, [])
        form_views.append(
            FormView(
                form=form,
                path=path,
                document=resolver.links[form.procedure],
                keeper=resolver.role(form.retention.keeper),
                retention=retention_text(form),
                filled_by=[resolver.role(r) for r in form.filled_by],
                used_by=used_by,
                effective=_form_effective(form, effective.get(form.procedure)),
            )
        )
    targets = [TargetEntry(d, s, t, row, None) for d in doc_views for s in d.walk() for t, row in _all_targets(s)]
    deadlines = [
        DeadlineEntry(d, s, dl, row, meeting)
        for d in doc_views
        for s in d.walk()
        for dl, row, meeting in _all_deadlines(s)
    ]
    if only is not None:  # the roles the selected documents name, with their departments
        named = _named_roles(doc_views, form_views, targets, deadlines)
        roles = [r for r in roles if r.id in named]
        named |= {r.department for r in roles if r.department}
        departments = [d for d in departments if d.id in named]
    role_views = _role_views(resolver, roles, departments, doc_views, form_views, targets, deadlines)
    # An old version's catalog (``only``) reads its own documents' clauses, not the whole manual's.
    if walker is None:  # the check passes the one its rules used: the clauses folded once per check
        walker = Walker(
            [d for _, d in documents if only is None or d.id in only],
            RolesFile(roles=roles, departments=departments) if roles else None,
        )
    proposals = _provenance(walker, resolver, doc_views, form_views, roles, departments, everything=only is None)
    return Catalog(
        documents=doc_views,
        forms=form_views,
        roles=role_views,
        external=[
            ExternalView(
                item,
                resolver.role(item.owner) if item.owner else None,
                list(users.get(item.id, [])),
            )
            for item in external
        ],
        targets=targets,
        deadlines=deadlines,
        matrix=_company_matrix(resolver, roles, departments, doc_views),
        source_files=source_files,
        company=company,
        proposals=proposals,
    )


def node_anchor(loc: tuple[Any, ...]) -> str:
    """The page anchor of the clause at ``loc`` (("body", 0, "items", 2, …) -> s1-3), the same scheme as
    :func:`build_catalog` gives sections; "" for anything outside the body."""
    if not loc or loc[0] != "body":
        return ""
    numbers = [
        str(part + 1)
        for key, part in zip(loc, loc[1:], strict=False)
        if key in ("body", "items") and isinstance(part, int)
    ]
    return "s" + "-".join(numbers) if numbers else ""


def _provenance(
    walker: Walker,
    resolver: Resolver,
    docs: list[DocumentView],
    forms: list[FormView],
    roles: list[Role],
    departments: list[Department],
    *,
    everything: bool,
) -> list[Pending]:
    """Cite each matrix row's clause; list every pending proposal (the /proposals/ page)."""
    pending: list[Pending] = []

    def add(statement: Statement, source: Link, default_approver: str, anchor: str, path: str, place: str) -> None:
        proposal = statement.proposal
        if statement.status != "proposed" or proposal is None:
            return
        approver = proposal.approver or default_approver
        pending.append(
            Pending(
                KINDS[statement.kind],
                statement.what,
                proposal.reason,
                resolver.role(proposal.by),
                resolver.role(approver),
                source,
                _item_name(statement.loc),
                anchor,
                place,
                statement.loc,
                path,
            )
        )

    for doc in docs:
        sections = {s.anchor: s for s in doc.walk()}
        for statement in walker.document(doc.document):
            if (
                statement.loc[0] == "matrix"
                and len(statement.loc) == 3
                and statement.loc[2] == "basis"
                and statement.clause
            ):
                row = doc.matrix[statement.loc[1]]
                target = walker.documents.get(statement.document or doc.id)
                if statement.document is None:
                    section = sections.get(node_anchor(statement.clause))
                    row.source = section.cite if section else doc.document.code
                    row.anchor = section.anchor if section else ""
                elif target is not None:
                    row.source = target.code
            anchor = "matrix" if statement.loc[0] == "matrix" else node_anchor(statement.loc)
            section = sections.get(anchor)
            place = (
                section.cite
                if section
                else f"{doc.document.code} 职责矩阵"
                if anchor == "matrix"
                else doc.document.code
            )
            add(statement, doc.link, doc.document.approver, anchor, doc.path, place)
    if not everything:
        return pending
    approvers = {d.id: d.document.approver for d in docs}
    for form in forms:
        for statement in walker.form(form.form):
            add(statement, form.link, approvers.get(form.form.procedure, form.keeper.id), "", form.path, form.form.code)
    top = Counter(d.document.approver for d in docs).most_common(1)  # who approves the manual's documents
    for statement in walker.role_definitions():
        if statement.role:
            add(
                statement,
                resolver.role(statement.role),
                top[0][0] if top else statement.role,
                "",
                ROLES_FILE,
                "岗位设置",
            )
    return pending


def _form_effective(form: FormSchema, issued: dt.date | None) -> dt.date | None:
    """A form is in force from its document's effective date, or from its own latest revision when later."""
    dates = [d for d in (issued, *(r.date for r in form.revisions if not r.is_review)) if d is not None]
    return max(dates) if dates else None


def _cited_ids(doc: DocumentView) -> set[str]:
    """Ids a document uses: its records and related documents, every ref and every 《mention》."""
    ids = {link.id for link in doc.records} | {link.id for link in doc.related}
    for section in doc.walk():
        ids.update(link.id for link in section.refs)
        ids.update(seg.link.id for p in (*section.paragraphs, *section.after) for seg in p.segments if seg.link)
    return ids


def _all_targets(section: Section) -> list[tuple[TargetView, ServiceRowView | None]]:
    found: list[tuple[TargetView, ServiceRowView | None]] = [(t, None) for t in section.targets]
    if section.service_table:
        for row in section.service_table.rows:
            for line in row.lines:
                found.extend((t, row) for t in line.targets)
    return found


def _all_deadlines(section: Section) -> list[tuple[DeadlineView, ServiceRowView | None, MeetingView | None]]:
    found: list[tuple[DeadlineView, ServiceRowView | None, MeetingView | None]] = [
        (d, None, None) for d in section.deadlines
    ]
    for meeting in section.meetings:
        found.extend((d, None, meeting) for d in meeting.deadlines)
    if section.service_table:
        for row in section.service_table.rows:
            for line in row.lines:
                found.extend((d, row, None) for d in line.deadlines)
    return found


def _matrix_row(resolver: Resolver, row: MatrixRow) -> MatrixView:
    a = [row.A] if isinstance(row.A, str) else list(row.A or [])
    letters = {"R": row.R, "A": a, "C": row.C, "I": row.I}
    whole = _proposed(row.basis)
    basis = {r: row.basis for v in letters.values() for r in v} if whole and row.basis else row.role_basis
    return MatrixView(
        resolver.segments(row.activity), {k: _role_links(resolver, v, basis) for k, v in letters.items()}, whole
    )


def _named_roles(
    docs: list[DocumentView], forms: list[FormView], targets: list[TargetEntry], deadlines: list[DeadlineEntry]
) -> set[str]:
    """Every role or department id the documents (and their forms, targets and deadlines) name."""
    named: set[str] = set()
    for doc in docs:
        named |= {doc.owner.id, doc.approver.id, *(a.id for a in doc.audience)}
        for section in doc.walk():
            named |= {link.id for link in section.roles}
            if section.service_table:
                named |= {link.id for row in section.service_table.rows for link in row.roles}
        named |= {link.id for row in doc.matrix for links in row.letters.values() for link in links}
    for form in forms:
        named |= {form.keeper.id, *(link.id for link in form.filled_by)}
    for target in targets:
        named |= {link.id for link in target.target.owners}
    for deadline in deadlines:
        named |= {link.id for link in deadline.deadline.owners}
    return named


def _role_views(
    resolver: Resolver,
    roles: list[Role],
    departments: list[Department],
    docs: list[DocumentView],
    forms: list[FormView],
    targets: list[TargetEntry],
    deadlines: list[DeadlineEntry],
) -> list[RoleView]:
    views: list[RoleView] = []
    for dept in departments:
        views.append(RoleView(dept, True, resolver.role(dept.id), resolver.role(dept.parent) if dept.parent else None))
    for role in roles:
        views.append(
            RoleView(role, False, resolver.role(role.id), resolver.role(role.department) if role.department else None)
        )
    by_id = {v.id: v for v in views}
    for view in views:
        view.description = resolver.segments(view.role.description)
    for role in roles:
        if role.department:
            by_id[role.department].members.append(resolver.role(role.id))
    for doc in docs:
        _give_duties(by_id, doc)
        _give_letters(by_id, doc)
        if doc.owner.id in by_id:
            by_id[doc.owner.id].owned.append(doc)
    _give_forms_and_facts(by_id, forms, targets, deadlines)
    for view in views:
        if view.department is not None and not view.is_department:
            own = {id(section) for _, section in view.duties}  # a clause naming both is the role's own duty, once
            view.department_duties = [(d, s) for d, s in by_id[view.department.id].duties if id(s) not in own]
    order = {doc.id: i for i, doc in enumerate(docs)}
    concerned: dict[str, set[int]] = {}  # role id -> the documents it owns or is the audience of
    for i, doc in enumerate(docs):
        for role_id in {doc.owner.id, *(a.id for a in doc.audience)}:
            concerned.setdefault(role_id, set()).add(i)
    for view in views:
        involved = (
            {d.id for d, _ in view.duties} | {d.id for d, _, _ in view.raci} | {d.id for d, _, _ in view.service_rows}
        )
        view.documents = [docs[i] for i in sorted({order[d] for d in involved} | concerned.get(view.id, set()))]
    return views


def _give_forms_and_facts(
    by_id: dict[str, RoleView], forms: list[FormView], targets: list[TargetEntry], deadlines: list[DeadlineEntry]
) -> None:
    """Forms to the roles that fill and keep them; targets and deadlines to their owners (a proposal apart)."""
    for form in forms:
        for link in form.filled_by:
            by_id[link.id].forms_filled.append(form)
        by_id[form.keeper.id].forms_kept.append(form)
    for entry in targets:
        for role_id, proposed in _owned(entry.target.owners, entry.target.proposed):
            (by_id[role_id].proposed_targets if proposed else by_id[role_id].targets).append(entry)
    for d_entry in deadlines:
        for role_id, proposed in _owned(d_entry.deadline.owners, d_entry.deadline.proposed):
            (by_id[role_id].proposed_deadlines if proposed else by_id[role_id].deadlines).append(d_entry)


def _give_duties(by_id: dict[str, RoleView], doc: DocumentView) -> None:
    """Each clause and 服务 row of a document to the roles it names (a proposed one apart)."""
    for section in doc.walk():
        for link in section.roles:
            (by_id[link.id].proposed_duties if link.proposed else by_id[link.id].duties).append((doc, section))
        if section.service_table:
            for service_row in section.service_table.rows:
                for link in service_row.roles:
                    view = by_id[link.id]
                    (view.proposed_service_rows if link.proposed else view.service_rows).append(
                        (doc, section, service_row)
                    )


def _give_letters(by_id: dict[str, RoleView], doc: DocumentView) -> None:
    """Each matrix row of a document to the roles it names, with their letters (a proposed cell apart)."""
    for matrix_row in doc.matrix:
        for letter, links in matrix_row.letters.items():
            for link in links:
                view = by_id[link.id]
                raci = view.proposed_raci if link.proposed else view.raci
                if raci and raci[-1][1] is matrix_row:
                    raci[-1][2].append(letter)
                else:
                    raci.append((doc, matrix_row, [letter]))


def _owned(owners: list[Link], fact_proposed: bool) -> list[tuple[str, bool]]:
    """Each owner of a fact once, and whether it is the role's by a proposal (the fact's or the role's duty)."""
    seen: dict[str, bool] = {}
    for link in owners:
        seen[link.id] = seen.get(link.id, True) and (fact_proposed or link.proposed)
    return list(seen.items())


def _company_matrix(
    resolver: Resolver, roles: list[Role], departments: list[Department], docs: list[DocumentView]
) -> CompanyMatrix:
    """Every activity × the roles it names; linear in the letters, a grid only while it is small."""
    used: set[str] = {link.id for doc in docs for row in doc.matrix for links in row.letters.values() for link in links}
    columns = [resolver.role(rid) for rid in [d.id for d in departments] + [r.id for r in roles] if rid in used]
    position = {column.id: i for i, column in enumerate(columns)}
    grid = len(columns) <= MATRIX_GRID_MAX
    rows = []
    for doc in docs:
        for row in doc.matrix:
            letters: dict[int, str] = {}
            marked: dict[int, str] = {}
            for letter, links in row.letters.items():
                for link in links:
                    i = position[link.id]
                    if letter not in letters.get(i, ""):
                        letters[i] = letters.get(i, "") + letter
                    if link.proposed:
                        marked[i] = marked.get(i, "") + letter
            ordered = sorted(letters)
            cells = [letters.get(i, "") for i in range(len(columns))] if grid else []
            proposed = [marked.get(i, "") for i in range(len(columns))] if grid else []
            involved = " ".join(columns[i].id for i in ordered)
            entries = [(replace(columns[i], proposed=i in marked), letters[i]) for i in ordered]
            rows.append(MatrixLine(doc, row, cells, involved, entries, proposed))
    return CompanyMatrix(columns, rows, grid)
