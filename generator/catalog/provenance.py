"""Where each statement of the manual comes from: the seed's clause, a quote from elsewhere, or a proposal.

The manual's text is the company's (transcribed from the seed). Around it the editors add data: roles on
clauses, facts (targets, thresholds, deadlines), the responsibility matrix, retention periods, form notes,
form layouts and roles. Each of these is *stated* (the clause it stands in says it — checked here, not
assumed), *quoted* (``basis: {quote: …}``: words of the seed elsewhere; the clause holding them is the
citation, found here, never typed), *proposed* (``basis: {proposed: {by, reason}}``: 拟定·待批准) or
*approved* (``basis: {approved: {version}}``: a proposal the company approved, recorded in that version's
revision entry). Anything else is *unbacked*: an error of the check (E290–E296).

:func:`statements` walks one file once and says, for every statement, which of these it is; the check turns
the unbacked ones into problems and the catalog turns the rest into citations and marks (/proposals/, the
matrix legend, controlled copies that leave proposals out). One walk, one set of rules, used by both.

Matching is on :func:`folded` text (NFKC, no spaces, Chinese numerals as digits), so a quote copied from the
seed with half-width punctuation finds the transcription's full-width one.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.model.base import Basis, Proposal
from generator.model.document import Deadline, Document, Line, MatrixRow, Meeting, Node, Target
from generator.model.form import FormSchema, NoteBlock, SectionBlock
from generator.model.registry import Department, Role, RolesFile
from generator.text.answers import numerals

Status = Literal["stated", "quoted", "proposed", "approved", "unbacked"]
Loc = tuple[Any, ...]

PROPOSED_MARK = "拟定·待批准"
"""The words a proposal carries wherever it appears (pages, the matrix legend, form previews)."""

KINDS = {
    "fact": "事实",
    "role": "职责分派",
    "cell": "矩阵单元",
    "activity": "矩阵活动",
    "retention": "保存期限",
    "note": "表单规则",
    "design": "表单格式",
    "role-definition": "角色",
}
"""What a statement is, as /proposals/ and the check's messages name it."""


def folded(text: str) -> str:
    """The form two spellings of the same words share: NFKC (full-width ，→ ,), no white space, numerals as digits."""
    out = unicodedata.normalize("NFKC", text)
    return numerals("".join(out.split()))


@dataclass(frozen=True)
class Clause:
    """One clause of a document: where it is in the data, its own words, and its ancestors' headings."""

    loc: Loc
    own: str
    """Folded text of the clause itself: title, paragraphs, meetings, its table."""
    above: str
    """Folded titles and paragraphs of the clauses it stands in."""
    below: str
    """Folded text of the clauses under it."""


@dataclass(frozen=True)
class Statement:
    """One statement of a file and where it comes from."""

    loc: Loc
    """Path into the file's data, for the check's line and column."""
    kind: str
    """A key of :data:`KINDS`."""
    what: str
    """The statement in a few words, e.g. 期限「三天内」, 物管员 负责, 保存期限 2年."""
    status: Status
    clause: Loc | None = None
    """The clause that states it (stated) or holds the quote (quoted)."""
    document: str | None = None
    """The document whose clause it is, when not the file's own."""
    proposal: Proposal | None = None
    approved: str | None = None
    """The version whose revision entry approved it."""
    problem: tuple[str, str] | None = None
    """(code, message) when the check must refuse it."""
    role: str | None = None
    """The role a role or cell statement gives the duty to."""


@dataclass
class DocumentText:
    """A document's clauses, for finding a quote and for asking whether a clause names a role."""

    clauses: list[Clause] = field(default_factory=list)
    all_text: str = ""

    def find(self, quote: str) -> list[Clause]:
        words = folded(quote)
        return [c for c in self.clauses if words and words in c.own]


def _node_own(node: Node) -> list[str]:
    texts: list[str] = []
    if node.title:
        texts.append(node.title)
    for value in (node.text, node.after):
        if isinstance(value, str):
            texts.append(value)
        elif value:
            texts.extend(value)
    for meeting in node.meetings:
        texts.extend(_meeting_texts(meeting))
    if node.service_table:
        for group in node.service_table.groups:
            texts.append(group.service)
            for row in group.rows:
                texts.append(row.content)
                texts.extend(line if isinstance(line, str) else line.text for line in row.standards)
    return texts


def _meeting_texts(meeting: Meeting) -> list[str]:
    return [meeting.name, meeting.purpose, meeting.owner, meeting.frequency, meeting.participants, meeting.format]


def _heading(node: Node) -> list[str]:
    texts = [node.title] if node.title else []
    if isinstance(node.text, str):
        texts.append(node.text)
    elif node.text:
        texts.extend(node.text)
    return texts


def document_text(doc: Document) -> DocumentText:
    """Every clause of a document, folded once."""
    out = DocumentText()
    intro = [doc.intro] if isinstance(doc.intro, str) else list(doc.intro or [])
    if intro:
        out.clauses.append(Clause(("intro",), folded("".join(intro)), "", ""))

    def walk(nodes: list[Node], loc: Loc, above: str) -> str:
        gathered = ""
        for index, node in enumerate(nodes):
            here = (*loc, index)
            own = folded("".join(_node_own(node)))
            slot = len(out.clauses)
            out.clauses.append(Clause(here, own, above, ""))
            below = walk(node.items, (*here, "items"), above + folded("".join(_heading(node))))
            out.clauses[slot] = Clause(here, own, above, below)
            gathered += own + below
        return gathered

    # The document's title heads every clause (第8篇 物业管理客户服务组职责: each duty is the group's).
    title = folded(doc.title + "".join(doc.aliases))
    out.all_text = (
        title + "".join(c.own for c in out.clauses[:1] if c.loc == ("intro",)) + walk(doc.body, ("body",), title)
    )
    return out


@dataclass
class Names:
    """Each role's and department's names (name and aliases), folded, and who they are."""

    by_id: dict[str, tuple[str, ...]]
    display: dict[str, str]
    longer: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each name and the other names that hold it inside them, longest first (worked out once)."""

    @classmethod
    def of(cls, roles: RolesFile | None) -> Names:
        by_id: dict[str, tuple[str, ...]] = {}
        display: dict[str, str] = {}
        items: list[Role | Department] = [*(roles.departments if roles else []), *(roles.roles if roles else [])]
        for item in items:
            if item.id in by_id:
                continue  # a duplicate id is E203 already: the first definition is the role
            by_id[item.id] = tuple(folded(n) for n in (item.name, *item.aliases) if n)
            display[item.id] = item.name
        every = {n for names in by_id.values() for n in names if n}
        longer = {n: tuple(sorted((m for m in every if n in m and m != n), key=len, reverse=True)) for n in every}
        return cls(by_id, display, longer)

    def mentioned(self, role: str, text: str) -> bool:
        """The role's name or an alias appears anywhere in ``text``, also inside a longer title (业户服务部 in
        业户服务部主管): enough to say a document knows the role, not that a clause gives it a duty."""
        return any(name and name in text for name in self.by_id.get(role, ()))

    def named(self, role: str, text: str) -> bool:
        """The role's name or an alias is in ``text`` as itself, not as part of a longer name of another role
        (项目经理 in 项目经理助理 names the assistant, not 项目处经理; 服务中心 in 物业服务中心)."""
        own = self.by_id.get(role, ())
        for name in own:
            if not name or name not in text:
                continue
            longer = [n for n in self.longer.get(name, ()) if n not in own]
            masked = text
            for other in longer:
                masked = masked.replace(other, "\0")
            if name in masked:
                return True
        return False

    def name(self, role: str) -> str:
        return self.display.get(role, role)


class _Reads:
    """The documents' texts, noting which ids were asked for (:meth:`Walker.reading`)."""

    def __init__(self, texts: dict[str, DocumentText]) -> None:
        self.texts = texts
        self.read: set[str] = set()

    def get(self, key: str, default: DocumentText | None = None) -> DocumentText | None:
        self.read.add(key)
        return self.texts.get(key, default)


def _from_basis(
    basis: Basis,
    texts: dict[str, DocumentText] | _Reads,
    home: str,
    revisions: dict[str, bool],
) -> tuple[Status, Loc | None, str | None, Proposal | None, str | None, tuple[str, str] | None]:
    """(status, clause, document, proposal, approved version, problem) of an explicit basis."""
    if basis.proposed is not None:
        return "proposed", None, None, basis.proposed, None, None
    if basis.approved is not None:
        version = basis.approved.version or ""
        if not revisions.get(version):
            return (
                "unbacked",
                None,
                None,
                None,
                version,
                (
                    "E294",
                    f"已批准于 {version} 版，但该版的修订记录没有 approvals（批准了什么）：请用 procgen approve 记录",
                ),
            )
        return "approved", None, None, None, version, None
    quote = basis.quote or ""
    doc_id = basis.document or home
    text = texts.get(doc_id)
    if text is None:
        return _unquoted(doc_id, f'引文所在的文件 "{doc_id}" 不存在')
    found = text.find(quote)
    if not found:
        return _unquoted(doc_id, f"引文「{quote}」不在 {doc_id} 的正文中：请照原文抄录，或改为 proposed（拟定）")
    if len(found) > 1:
        return _unquoted(doc_id, f"引文「{quote}」在 {doc_id} 中出现于 {len(found)} 处：请多引几个字，使它只指一处")
    return "quoted", found[0].loc, (doc_id if doc_id != home else None), None, None, None


def _unquoted(
    doc_id: str, message: str
) -> tuple[Status, Loc | None, str | None, Proposal | None, str | None, tuple[str, str] | None]:
    """A quoted basis that does not stand where it says (E291)."""
    return "unbacked", None, doc_id, None, None, ("E291", message)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _fact_said(fact: Target | Deadline, words: str) -> bool:
    if isinstance(fact, Deadline):
        return folded(fact.label) in words
    if fact.label:
        return folded(fact.label) in words
    numbers = [fact.value] + ([fact.max] if fact.max is not None else [])
    return all(_number(n) in words for n in numbers)


def _fact_what(fact: Target | Deadline) -> str:
    if isinstance(fact, Deadline):
        return f"期限「{fact.label}」"
    shown = fact.label or f"{_number(fact.value)}{fact.unit}"
    return f"目标「{fact.metric} {shown}」"


class Walker:
    """Walks the files of a repository and says where each statement comes from."""

    def __init__(
        self, documents: Iterable[Document], roles: RolesFile | None, texts: Iterable[DocumentText] | None = None
    ) -> None:
        """``texts``: each document's :func:`document_text`, in the same order, when the caller kept them (the
        check keeps them with each file's cached data)."""
        documents = list(documents)
        own_texts = list(texts) if texts is not None else [document_text(doc) for doc in documents]
        self.documents: dict[str, Document] = {}
        self.texts: dict[str, DocumentText] = {}
        self._own: dict[int, DocumentText] = {}  # by the model's identity: two files may share an id (E203)
        self._statements: dict[int, list[Statement]] = {}
        self._reading: _Reads | None = None
        self._names_key: str | None = None
        for doc, text in zip(documents, own_texts, strict=True):
            self._own[id(doc)] = text
            self.documents.setdefault(doc.id, doc)
            self.texts.setdefault(doc.id, text)
        self.names = Names.of(roles)
        self.roles = roles
        self._clauses = {doc_id: {c.loc: c for c in text.clauses} for doc_id, text in self.texts.items()}

    # ------------------------------------------------------------------ helpers

    def reading(self, statements: Callable[[], Iterable[Statement]]) -> tuple[list[Statement], frozenset[str]]:
        """``statements()`` listed, with the ids of the documents whose texts they were looked up in (their
        quotes' sources): with :meth:`names_key`, all that one file's statements depend on besides the file."""
        self._reading = _Reads(self.texts)
        try:
            return list(statements()), frozenset(self._reading.read)
        finally:
            self._reading = None

    def names_key(self) -> str:
        """A digest of the roles' and departments' names as the statements read them (and of whether roles.yml
        was read), worked out once."""
        if self._names_key is None:
            names = repr((self.roles is None, sorted(self.names.by_id.items()), sorted(self.names.display.items())))
            self._names_key = hashlib.sha256(names.encode("utf-8", "surrogatepass")).hexdigest()
        return self._names_key

    def _explicit(
        self,
        basis: Basis,
        loc: Loc,
        kind: str,
        what: str,
        home: str,
        revisions: dict[str, bool],
        role: str | None = None,
    ) -> Statement:
        status, clause, document, proposal, approved, problem = _from_basis(
            basis, self._reading or self.texts, home, revisions
        )
        return Statement(loc, kind, what, status, clause, document, proposal, approved, problem, role)

    def _roles(
        self,
        roles: list[str],
        role_basis: dict[str, Basis],
        loc: Loc,
        words: str,
        clause: Loc,
        home: str,
        revisions: dict[str, bool],
        what: str,
    ) -> Iterator[Statement]:
        for i, role in enumerate(roles):
            label = f"{self.names.name(role)}：{what}"
            if role in role_basis:
                yield self._explicit(role_basis[role], (*loc, "role_basis", role), "role", label, home, revisions, role)
            elif self.names.named(role, words):
                yield Statement((*loc, "roles", i), "role", label, "stated", clause, role=role)
            elif self.roles is None:
                continue  # roles.yml could not be read (its own error): no names to look for, not judged
            else:
                yield Statement(
                    (*loc, "roles", i),
                    "role",
                    label,
                    "unbacked",
                    problem=(
                        "E292",
                        f"本条没有提到「{self.names.name(role)}」：请在 role_basis 中引原文（quote）说明为何由它负责，标为拟定（proposed），或删去这个角色",
                    ),
                    role=role,
                )
        yield from _stray_role_basis(loc, "role", role_basis, roles, "本条的角色")

    def _facts(
        self,
        facts: Sequence[Target | Deadline],
        loc: Loc,
        key: str,
        words: str,
        clause: Loc,
        home: str,
        revisions: dict[str, bool],
    ) -> Iterator[Statement]:
        for i, fact in enumerate(facts):
            here = (*loc, key, i)
            what = _fact_what(fact)
            if fact.basis is not None:
                yield self._explicit(fact.basis, (*here, "basis"), "fact", what, home, revisions)
            elif _fact_said(fact, words):
                yield Statement(here, "fact", what, "stated", clause)
            else:
                said = "label" if isinstance(fact, Deadline) or fact.label else "数值"
                yield Statement(
                    here,
                    "fact",
                    what,
                    "unbacked",
                    problem=(
                        "E293",
                        f"{what}的{said}不见于本条原文：请照原文写 label，引原文（basis: {{quote: …}}），标为拟定（basis: {{proposed: …}}），或删去",
                    ),
                )

    # ------------------------------------------------------------------ documents

    def document(self, doc: Document) -> list[Statement]:
        """The document's statements, worked out once per walker (the check and the catalog it builds both ask)."""
        found = self._statements.get(id(doc))
        if found is None:
            found = self._statements[id(doc)] = list(self._document(doc))
        return found

    def document_reading(self, doc: Document) -> tuple[list[Statement], frozenset[str]]:
        """:meth:`document` with the ids of the documents its quotes were looked up in (:meth:`reading`)."""
        found, read = self.reading(lambda: self._document(doc))
        self._statements.setdefault(id(doc), found)
        return found, read

    def _document(self, doc: Document) -> Iterator[Statement]:
        revisions = {rev.version: bool(rev.approvals) for rev in doc.revisions}
        own = self._own.get(id(doc)) or document_text(doc)
        clauses = {c.loc: c for c in own.clauses}
        home = doc.id

        def walk(nodes: list[Node], loc: Loc) -> Iterator[Statement]:
            for index, node in enumerate(nodes):
                here = (*loc, index)
                clause = clauses[here]
                words = clause.own + clause.above
                what = (node.title or (node.text if isinstance(node.text, str) else "") or "")[:24]
                yield from self._roles(node.roles, node.role_basis, here, words, here, home, revisions, what)
                for key in ("targets", "thresholds", "deadlines"):
                    yield from self._facts(getattr(node, key), here, key, clause.own, here, home, revisions)
                for m, meeting in enumerate(node.meetings):
                    meeting_words = folded("".join(_meeting_texts(meeting))) + clause.own
                    if meeting.schedule:
                        yield from self._facts(
                            [meeting.schedule], (*here, "meetings", m), "schedule", meeting_words, here, home, revisions
                        )
                    yield from self._facts(
                        meeting.deadlines, (*here, "meetings", m), "deadlines", meeting_words, here, home, revisions
                    )
                if node.service_table:
                    for g, group in enumerate(node.service_table.groups):
                        for r, row in enumerate(group.rows):
                            row_loc = (*here, "service_table", "groups", g, "rows", r)
                            row_text = [
                                group.service,
                                row.content,
                                *(s if isinstance(s, str) else s.text for s in row.standards),
                            ]
                            row_words = folded("".join(row_text)) + clause.above + folded("".join(_heading(node)))
                            yield from self._roles(
                                row.roles, row.role_basis, row_loc, row_words, here, home, revisions, row.content[:24]
                            )
                            for s, line in enumerate(row.standards):
                                if isinstance(line, Line):
                                    line_words = folded(line.text)
                                    for key in ("targets", "deadlines"):
                                        yield from self._facts(
                                            getattr(line, key),
                                            (*row_loc, "standards", s),
                                            key,
                                            line_words,
                                            here,
                                            home,
                                            revisions,
                                        )
                yield from walk(node.items, (*here, "items"))

        yield from walk(doc.body, ("body",))
        for i, row in enumerate(doc.matrix):
            yield from self._matrix_row(row, ("matrix", i), doc, revisions)

    def _matrix_row(self, row: MatrixRow, loc: Loc, doc: Document, revisions: dict[str, bool]) -> Iterator[Statement]:
        home = doc.id
        activity = f"「{row.activity}」"
        source: str | None = None
        if row.basis is None:
            yield Statement(
                loc,
                "activity",
                activity,
                "unbacked",
                problem=(
                    "E290",
                    f"{activity}没有出处：请引原文中说这项活动的字句（basis: {{quote: …}}），或标为拟定（basis: {{proposed: …}}）",
                ),
            )
            words = ""
            clause: Loc | None = None
            row_status: Status = "unbacked"
        else:
            head = self._explicit(row.basis, (*loc, "basis"), "activity", activity, home, revisions)
            yield head
            row_status = head.status
            clause = head.clause
            source = head.document
            text = self._clauses.get(head.document or home, {}).get(clause) if clause else None
            words = (text.own + text.below + text.above) if text else ""
        letters = (
            ("R", row.R),
            ("A", [row.A] if isinstance(row.A, str) else list(row.A or [])),
            ("C", row.C),
            ("I", row.I),
        )
        placed: set[str] = set()
        for letter, ids in letters:
            for j, role in enumerate(ids):
                placed.add(role)
                where = (*loc, letter) if letter == "A" and isinstance(row.A, str) else (*loc, letter, j)
                what = f"{activity} {letter}：{self.names.name(role)}"
                if role in row.role_basis:
                    yield self._explicit(
                        row.role_basis[role], (*loc, "role_basis", role), "cell", what, home, revisions, role
                    )
                elif row_status in ("proposed", "approved"):
                    continue  # a proposed activity: its cells are part of that one proposal
                elif letter != "A" and row_status == "quoted" and self.names.named(role, words):
                    yield Statement(where, "cell", what, "stated", clause, source, role=role)
                elif letter != "A" and self.roles is None:
                    continue  # roles.yml could not be read (its own error): no names to look for, not judged
                elif row_status == "quoted":
                    need = (
                        "A（批准）须有原文说明由它审批、决定（role_basis: {quote: …}）"
                        if letter == "A"
                        else "所引条文没有提到它：请在 role_basis 中引原文"
                    )
                    yield Statement(
                        where,
                        "cell",
                        what,
                        "unbacked",
                        problem=("E292", f"{what}：{need}，或标为拟定（proposed），或删去"),
                        role=role,
                    )
        yield from _stray_role_basis(loc, "cell", row.role_basis, placed, "本行的 R、A、C、I")

    # ------------------------------------------------------------------ forms

    def form(self, form: FormSchema) -> Iterator[Statement]:
        revisions = {rev.version: bool(rev.approvals) for rev in form.revisions}
        home = form.procedure
        retention = form.retention
        period = "永久" if retention.permanent else (retention.period or "")
        what = f"《{form.title}》保存期限 {period}"
        if retention.basis is None:
            yield Statement(
                ("retention",),
                "retention",
                what,
                "unbacked",
                problem=(
                    "E290",
                    "保存期限没有出处：请引原文（basis: {quote: …}），或标为拟定（basis: {proposed: {by: …, reason: …}}）",
                ),
            )
        else:
            yield self._explicit(retention.basis, ("retention", "basis"), "retention", what, home, revisions)
        title = f"《{form.title}》的栏目与格式"
        if form.design is None:
            yield Statement(
                ("layout",),
                "design",
                title,
                "unbacked",
                problem=(
                    "E290",
                    "表单格式没有出处：原文给出栏目时引原文（design: {quote: …}），否则标为拟定（design: {proposed: …}）",
                ),
            )
        else:
            yield self._explicit(form.design, ("design",), "design", title, home, revisions)
        for loc, block in _notes(form.layout, ("layout",)):
            what = f"《{form.title}》注：{block.note[:30]}"
            if block.basis is None:
                yield Statement(
                    loc,
                    "note",
                    what,
                    "unbacked",
                    problem=(
                        "E290",
                        "表单上的这条规则没有出处：请引原文（basis: {quote: …}），或标为拟定（basis: {proposed: …}），或删去",
                    ),
                )
            else:
                yield self._explicit(block.basis, (*loc, "basis"), "note", what, home, revisions)

    # ------------------------------------------------------------------ roles

    def role_definitions(self) -> Iterator[Statement]:
        if self.roles is None:
            return
        everything = "".join(t.all_text for t in self.texts.values())
        items: list[tuple[str, Sequence[Role | Department]]] = [
            ("departments", self.roles.departments),
            ("roles", self.roles.roles),
        ]
        for key, group in items:
            for i, item in enumerate(group):
                what = f"角色「{item.name}」" if key == "roles" else f"部门「{item.name}」"
                if item.basis is not None and item.basis.approved is not None:
                    # roles.yml has no versions: the commit that approved the role is its record
                    yield Statement(
                        (key, i, "basis"),
                        "role-definition",
                        what,
                        "approved",
                        approved=str(item.basis.approved.date or ""),
                        role=item.id,
                    )
                elif item.basis is not None:
                    yield self._explicit(item.basis, (key, i, "basis"), "role-definition", what, "", {}, item.id)
                elif self.names.mentioned(item.id, everything):
                    yield Statement((key, i), "role-definition", what, "stated", role=item.id)
                else:
                    yield Statement(
                        (key, i, "name"),
                        "role-definition",
                        what,
                        "unbacked",
                        problem=(
                            "E296",
                            f"{what}不见于任何文件的正文：请标为拟定（basis: {{proposed: {{by: …, reason: …}}}}），或删去",
                        ),
                        role=item.id,
                    )


def _notes(blocks: list[Any], loc: Loc) -> Iterator[tuple[Loc, NoteBlock]]:
    for i, block in enumerate(blocks):
        if isinstance(block, NoteBlock):
            yield (*loc, i), block
        elif isinstance(block, SectionBlock):
            yield from _notes(block.blocks, (*loc, i, "blocks"))


def _stray_role_basis(
    loc: tuple[Any, ...], kind: str, role_basis: Iterable[str], named: Container[str], where: str
) -> Iterator[Statement]:
    """E295 for each role a ``role_basis`` gives a basis to that its clause (or matrix row) does not name."""
    for role in role_basis:
        if role not in named:
            yield Statement(
                (*loc, "role_basis", role),
                kind,
                role,
                "unbacked",
                problem=("E295", f'role_basis 中的 "{role}" 不在{where}中'),
                role=role,
            )
