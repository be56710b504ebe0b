"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import settings
from .catalog import MENTION, Catalog, add_months, build_catalog
from .errors import CatalogError
from .history import History, changed_keys, read_history, version_key
from .limits import MAX_INT, limit_problems
from .loader import FileCache, Located, load_blob, load_text, read_definition
from .models import (
    CompanyFile,
    Deadline,
    Document,
    ExternalFile,
    FormSchema,
    Line,
    Node,
    RolesFile,
    RowBlock,
    SectionBlock,
    Target,
)
from .problems import Level, Problem, sort_problems
from .provenance import Statement, Walker, document_text
from .quiz import REVIEW, question_ids
from .review import load_review, stale_entries
from .schema_errors import validate
from .typography import HALF_WIDTH, KEPT, half_width_marks
from .vocabulary import DERIVED_KEY, VOCABULARY_FILE, load_vocabulary, manual_text, vocabulary_problems

DOCUMENT_FILE = re.compile(r"^(\d{2,4})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yml$")


@dataclass
class Loaded:
    """Validated definitions with the located data they came from."""

    root: Path
    documents: list[tuple[Located, Document]] = field(default_factory=list)
    forms: list[tuple[Located, FormSchema]] = field(default_factory=list)
    roles: tuple[Located, RolesFile] | None = None
    external: tuple[Located, ExternalFile] | None = None
    company: tuple[Located, CompanyFile] | None = None
    files: list[str] = field(default_factory=list)
    # Files that failed validation still name ids and titles others may refer to; counting
    # them avoids a cascade of "undefined" errors caused by one mistake elsewhere.
    salvaged_ids: dict[str, set[str]] = field(default_factory=lambda: {"document": set(), "form": set(), "external": set()})
    salvaged_titles: set[str] = field(default_factory=set)
    # Kinds with a file whose titles (or, for external.yml, ids) cannot be known, and that file.
    opaque: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckResult:
    problems: list[Problem]
    catalog: Catalog | None
    notices: list[str] = field(default_factory=list)
    """What was not checked and why (outside git, a shallow clone): said once, not a problem."""
    history: History | None = None
    drafts: list[Problem] = field(default_factory=list)
    """With ``drafts=True`` (the live preview): the E235 problems (content edited, version not yet raised),
    set aside so that the draft can be previewed; everywhere else they are errors."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def today() -> dt.date:
    """Today, or PROCGEN_TODAY (YYYY-MM-DD) so that checks are repeatable in tests."""
    return settings.today()


DEFINITION_FOLDERS = ("procedures", "forms")

DRAFT_CODE = "E235"
"""Content changed while the version stayed: a draft. The live preview shows it (with this problem as a
warning on the page); `procgen check`, `make site` and the pre-commit hook refuse it."""


def discover(root: Path) -> tuple[list[Path], list[Path]]:
    """The YAML files under procedures/ and forms/, in a stable order."""
    found = []
    for folder in DEFINITION_FOLDERS:
        base = root / folder
        found.append(sorted(base.glob("*.yml")) if base.is_dir() else [])
    return found[0], found[1]


def unread(root: Path) -> list[Problem]:
    """Files that look like definitions but are not read: ``.yaml`` files and sub-folders (W241).

    Passes: forms/key-receipt.yml. Warns: forms/key-receipt.yaml, forms/old/key-receipt.yml.
    """
    problems = []
    for folder in DEFINITION_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            shown = _rel(root, path)
            if path.is_dir() and not path.name.startswith("."):
                if any(path.rglob("*.y*ml")):
                    problems.append(Problem(shown, 1, 1, "W241", f"子文件夹中的文件不会被读取：定义须直接放在 {folder}/ 下"))
            elif path.suffix == ".yaml":
                problems.append(Problem(shown, 1, 1, "W241", f"扩展名 .yaml 的文件不会被读取：请改名为 {path.stem}.yml"))
    return problems


def _rel(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()


def texts_of(value: Any) -> list[str]:
    """The text(s) a value holds: a string, or the strings of a list (what a broken file still names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _salvage(loaded: Loaded, kind: str, file: Path, located: Located | None, blank: bool = False) -> None:
    """Remember what a file that failed validation (or to load) still tells about its ids and titles.

    Ids of documents and forms are known from their file names whatever the file holds. Titles are
    not: when a file that has content cannot be read, or names no title, a 《mention》 elsewhere may
    be its title, so mentions are not judged until it is fixed, and a warning (W242) says so. An
    empty file states nothing and hides nothing.
    """
    data = located.data if located is not None else None
    if kind == "external":
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            if not blank:
                loaded.opaque[kind] = located.path if located is not None else _rel(loaded.root, file)
            return
        for item in data["documents"]:
            if isinstance(item, dict):
                loaded.salvaged_ids[kind].update(texts_of(item.get("id")))
                loaded.salvaged_titles.update(texts_of(item.get("title")) + texts_of(item.get("aliases")))
        return
    if kind not in loaded.salvaged_ids:
        return
    match = DOCUMENT_FILE.match(file.name)
    loaded.salvaged_ids[kind].add(match.group(2) if match and kind == "document" else file.stem)
    titles: list[str] = []
    if isinstance(data, dict):
        loaded.salvaged_ids[kind].update(texts_of(data.get("id")))
        titles = texts_of(data.get("title")) + texts_of(data.get("aliases"))
    if not titles and not blank:
        loaded.opaque[kind] = _rel(loaded.root, file)
    loaded.salvaged_titles.update(titles)


def validated(located: Located, kind: str, model: Any) -> tuple[Any, list[Problem]]:
    """One loaded file through the limits, then (within them) its schema: the object, or None, and
    the problems. The loader caches a file's data by its bytes; what follows from the data alone is
    kept with it."""
    if ("limits", kind) not in located.memo:
        located.memo[("limits", kind)] = limit_problems(located, kind)
    limited = located.memo[("limits", kind)]
    if any(p.code == "E111" for p in limited):
        return None, list(limited)  # too large or too deep to validate safely
    if ("model", model) not in located.memo:
        located.memo[("model", model)] = validate(model, located)
    obj, found = located.memo[("model", model)]
    return obj, [*limited, *found]


def load_all(root: Path, cache: FileCache | None = None) -> tuple[Loaded, list[Problem]]:
    """Load and validate every file; schema problems are collected, not raised. With ``cache``, a file
    whose bytes were checked before is read back from ``.cache/check/`` instead of parsed."""
    loaded = Loaded(root=root)
    problems: list[Problem] = []
    procedures, forms = discover(root)
    if not procedures and not forms:
        problems.append(Problem(".", 1, 1, "E010", f"在 {root.name or root} 下没有找到 procedures/ 或 forms/ 中的 YAML 文件"))
    for file in [*procedures, *forms]:
        shown = _rel(root, file)
        loaded.files.append(shown)
        if file.parent.name == "forms":
            model: Any = FormSchema
            kind = "form"
        elif file.name == "roles.yml":
            model, kind = RolesFile, "roles"
        elif file.name == "external.yml":
            model, kind = ExternalFile, "external"
        elif file.name == "company.yml":
            model, kind = CompanyFile, "company"
        elif DOCUMENT_FILE.match(file.name):
            model, kind = Document, "document"
        elif shown == VOCABULARY_FILE:
            continue  # read with its own rules (generator/vocabulary.py), in _check
        else:
            problems.append(Problem(shown, 1, 1, "W240", "无法识别的文件：procedures/ 中的文件须命名为 NN-id.yml、roles.yml、external.yml、company.yml 或 vocabulary.yml，此文件未被使用"))
            continue
        raw, found = read_definition(file, shown, root)
        if raw is not None:
            located, found = load_text(shown, raw, cache)
        else:
            located = None
        problems.extend(found)
        if located is None:
            _salvage(loaded, kind, file, None, blank=any(p.code == "E009" for p in found))
            continue
        obj, found = validated(located, kind, model)
        problems.extend(found)
        if obj is None:
            _salvage(loaded, kind, file, located)
            continue
        if isinstance(obj, FormSchema):
            loaded.forms.append((located, obj))
        elif isinstance(obj, RolesFile):
            loaded.roles = (located, obj)
        elif isinstance(obj, ExternalFile):
            loaded.external = (located, obj)
        elif isinstance(obj, CompanyFile):
            loaded.company = (located, obj)
        else:
            loaded.documents.append((located, obj))
    problems.extend(unread(root))
    if loaded.roles is None and not any(p.path.endswith("roles.yml") for p in problems):
        problems.append(Problem("procedures/roles.yml", 1, 1, "E010", "缺少 procedures/roles.yml：角色与部门须在此定义"))
    if loaded.company is None and not any(p.path.endswith("company.yml") for p in problems):
        problems.append(Problem("procedures/company.yml", 1, 1, "E010", "缺少 procedures/company.yml：公司名称、简称、手册名称与编号规则须在此定义"))
    return loaded, problems


# --------------------------------------------------------------------------- rule plumbing

Rule = Callable[["Context"], Iterator[Problem]]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


@dataclass(frozen=True)
class TextFacts:
    """A file's strings as the rules over all of them read them (:meth:`Context.text_facts`)."""

    chars: str
    mentions: list[tuple[tuple[Any, ...], str]]
    half_width: list[tuple[tuple[Any, ...], str]]


@dataclass(frozen=True)
class BasisFindings:
    """One file's statements as the check reads them (:meth:`Context.basis_findings`), in order, those with a
    problem or a proposal: (where, (code, message) or None, (by, approver) or None); and what they were
    worked out from."""

    names: str
    reads: tuple[tuple[str, str | None], ...]
    entries: tuple[tuple[tuple[Any, ...], tuple[str, str] | None, tuple[str | None, str | None] | None], ...]

    @classmethod
    def of(cls, names: str, reads: tuple[tuple[str, str | None], ...], statements: Iterable[Statement]) -> BasisFindings:
        return cls(names, reads, tuple(
            (s.loc, s.problem, (s.proposal.by, s.proposal.approver) if s.proposal else None)
            for s in statements if s.problem or s.proposal
        ))


@dataclass
class Context:
    loaded: Loaded
    today: dt.date
    role_ids: set[str]
    form_ids: set[str]
    document_ids: set[str]
    external_ids: set[str]
    titles: set[str]
    opaque: dict[str, str] = field(default_factory=dict)
    history: History | None = None
    _walker: Walker | None = None
    _strings: dict[int, list[tuple[tuple[Any, ...], str]]] = field(default_factory=dict)
    _text_digests: dict[int, str] = field(default_factory=dict)

    def basis_findings(self, located: Located, model: Document | FormSchema) -> BasisFindings:
        """What :func:`statements_have_a_basis` needs of one file's statements, kept with the file's cached data
        with what they depend on besides the file: the roles' names and the texts of the documents its quotes
        were looked up in (each by its digest). Any of them changed: worked out again."""
        walker = self.provenance()
        names = walker.names_key()
        kept = located.memo.get("basis-findings")
        if isinstance(kept, BasisFindings) and kept.names == names and all(self._digest_of(doc_id) == digest for doc_id, digest in kept.reads):
            return kept
        statements, read = walker.document_reading(model) if isinstance(model, Document) else walker.reading(lambda: walker.form(model))
        findings = located.memo["basis-findings"] = BasisFindings.of(
            names, tuple((doc_id, self._digest_of(doc_id)) for doc_id in sorted(read)), statements)
        return findings

    def _digest_of(self, doc_id: str) -> str | None:
        text = self.provenance().texts.get(doc_id)
        return self._text_digests.get(id(text)) if text is not None else None

    def provenance(self) -> Walker:
        """The documents' clauses, folded once for every rule that asks where a statement comes from."""
        if self._walker is None:
            documents = self.loaded.documents
            for located, doc in documents:  # each document's folded clauses, kept with the file's cached data
                if "document-text" not in located.memo:
                    text = located.memo["document-text"] = document_text(doc)
                    located.memo["document-text-digest"] = hashlib.sha256(pickle.dumps(text, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
                self._text_digests[id(located.memo["document-text"])] = located.memo["document-text-digest"]
            self._walker = Walker([doc for _, doc in documents], self.loaded.roles[1] if self.loaded.roles else None,
                                  [located.memo["document-text"] for located, _ in documents])
        return self._walker

    def strings(self, located: Located) -> list[tuple[tuple[Any, ...], str]]:
        """Every string of a file with its path, walked once per check for all the rules that read them. Not
        kept with the file's cached data (the largest part of an entry): what the rules need of them is
        (:meth:`text_facts`)."""
        found = self._strings.get(id(located))
        if found is None:
            found = self._strings[id(located)] = list(_strings(located.data, ()))
        return found

    def text_facts(self, located: Located) -> TextFacts:
        """What the rules over every string need of a file, worked out once per file content and kept with its
        cached data: its distinct characters, and only the strings that hold a 《mention》 or half-width marks."""
        facts = located.memo.get("text-facts")
        if facts is None:
            strings = self.strings(located)
            facts = located.memo["text-facts"] = TextFacts(
                chars="".join(sorted(set("".join(text for _, text in strings)))),
                mentions=[(loc, text) for loc, text in strings if "《" in text],
                half_width=[(loc, text) for loc, text in strings if not (loc and loc[0] in KEPT) and HALF_WIDTH.search(text)],
            )
        return facts

    def at(self, located: Located, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False) -> Problem:
        line, col = located.where(loc, key=key)
        return Problem(located.path, line, col, code, message)


def walk_nodes(nodes: list[Node], loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Node]]:
    """Every node of a body with its path into the data: ('body', 0, 'items', 2, …)."""
    for index, node in enumerate(nodes):
        here = (*loc, index)
        yield here, node
        yield from walk_nodes(node.items, (*here, "items"))


# --------------------------------------------------------------------------- rules


@rule
def unique_ids(ctx: Context) -> Iterator[Problem]:
    """Ids are unique within their kind; codes and titles are unique across documents and forms.

    Passes: two documents `return-visit` and `vehicle-rules`. Fails: two forms both `key-receipt`.
    """
    seen: dict[tuple[str, str], tuple[Located, tuple[Any, ...]]] = {}  # where first: its line found only for a duplicate
    entries: list[tuple[str, str, Located, tuple[Any, ...]]] = []
    for located, doc in ctx.loaded.documents:
        entries.append(("document", doc.id, located, ("id",)))
        entries.append(("code", doc.code, located, ("code",)))
    if ctx.loaded.external:
        located, ext = ctx.loaded.external
        for i, item in enumerate(ext.documents):
            entries.append(("document", item.id, located, ("documents", i, "id")))
    for located, form in ctx.loaded.forms:
        entries.append(("form", form.id, located, ("id",)))
        entries.append(("code", form.code, located, ("code",)))
    if ctx.loaded.roles:
        located, roles = ctx.loaded.roles
        for i, dept in enumerate(roles.departments):
            entries.append(("role", dept.id, located, ("departments", i, "id")))
        for i, role in enumerate(roles.roles):
            entries.append(("role", role.id, located, ("roles", i, "id")))
    names = {"document": "文件 id", "code": "编号", "form": "表单 id", "role": "角色/部门 id"}
    for kind, value, located, loc in entries:
        if (kind, value) in seen:
            code = "E208" if kind == "code" else "E203"
            yield ctx.at(located, loc, code, f"{names[kind]} \"{value}\" 重复：已在 {_first(*seen[(kind, value)])} 中使用")
        else:
            seen[(kind, value)] = (located, loc)
    yield from _unique_titles(ctx)


def _first(located: Located, loc: tuple[Any, ...]) -> str:
    return f"{located.path}:{located.where(loc)[0]}"


def _unique_titles(ctx: Context) -> Iterator[Problem]:
    seen: dict[str, tuple[Located, tuple[Any, ...]]] = {}
    entries: list[tuple[str, Located, tuple[Any, ...]]] = []
    for located, doc in ctx.loaded.documents:
        entries.append((doc.title, located, ("title",)))
        entries.extend((a, located, ("aliases", i)) for i, a in enumerate(doc.aliases))
    for located, form in ctx.loaded.forms:
        entries.append((form.title, located, ("title",)))
        entries.extend((a, located, ("aliases", i)) for i, a in enumerate(form.aliases))
    if ctx.loaded.external:
        located, ext = ctx.loaded.external
        for n, item in enumerate(ext.documents):
            entries.append((item.title, located, ("documents", n, "title")))
            entries.extend((a, located, ("documents", n, "aliases", i)) for i, a in enumerate(item.aliases))
    for title, located, loc in entries:
        if title in seen:
            yield ctx.at(located, loc, "E203", f"标题或别名 \"{title}\" 重复：已在 {_first(*seen[title])} 中使用，《{title}》将无法确定指向")
        else:
            seen[title] = (located, loc)


@rule
def file_names(ctx: Context) -> Iterator[Problem]:
    """A document file is named NN-<id>.yml and a form file <id>.yml.

    Passes: procedures/11-return-visit.yml with id return-visit. Fails: forms/keys.yml with id key-receipt.
    """
    for located, doc in ctx.loaded.documents:
        match = DOCUMENT_FILE.match(Path(located.path).name)
        if match and match.group(2) != doc.id:
            yield ctx.at(located, ("id",), "E202", f"文件名 {Path(located.path).name} 与 id \"{doc.id}\" 不符：应命名为 {match.group(1)}-{doc.id}.yml")
    for located, form in ctx.loaded.forms:
        if Path(located.path).stem != form.id:
            yield ctx.at(located, ("id",), "E202", f"文件名 {Path(located.path).name} 与 id \"{form.id}\" 不符：应命名为 {form.id}.yml")


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


def _fact_role_refs(loc: tuple[Any, ...], key: str, facts: Sequence[Target | Deadline]) -> Iterator[tuple[tuple[Any, ...], str]]:
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
            ("R", matrix_row.R), ("A", matrix_row.A if isinstance(matrix_row.A, list) else []), ("C", matrix_row.C), ("I", matrix_row.I)
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
    message = "未定义的角色 \"{}\"：请在 procedures/roles.yml 中定义，或改用已有的角色 id"
    named: list[tuple[Located, Iterable[tuple[tuple[Any, ...], str]]]] = [(located, _role_refs(doc)) for located, doc in ctx.loaded.documents]
    named += [(located, _form_role_refs(form)) for located, form in ctx.loaded.forms]
    named.append((ctx.loaded.roles[0], _roles_file_refs(ctx.loaded.roles[1])))
    if ctx.loaded.external:
        located, ext = ctx.loaded.external
        named.append((located, ((("documents", i, "owner"), item.owner) for i, item in enumerate(ext.documents) if item.owner)))
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


@rule
def references_exist(ctx: Context) -> Iterator[Problem]:
    """Records name forms; related and refs name documents, external documents or forms.

    Passes: records: [return-visit-record]. Fails: related: [complaint-handlin].
    """
    docs = ctx.document_ids | ctx.external_ids
    for located, doc in ctx.loaded.documents:
        for i, form_id in enumerate(doc.records):
            if form_id not in ctx.form_ids:
                yield ctx.at(located, ("records", i), "E205", f"未定义的表单 \"{form_id}\"：forms/ 中没有 {form_id}.yml")
        for i, doc_id in enumerate(doc.related):
            if doc_id not in docs and "external" not in ctx.opaque:
                yield ctx.at(located, ("related", i), "E206", f"未定义的文件 \"{doc_id}\"：既不是十二篇文件之一，也未在 procedures/external.yml 中声明")
        for loc, node in walk_nodes(doc.body, ("body",)):
            for i, ref in enumerate(node.refs):
                if ref not in docs and ref not in ctx.form_ids and "external" not in ctx.opaque:
                    yield ctx.at(located, (*loc, "refs", i), "E206", f"未定义的引用 \"{ref}\"：不是已知的文件、外部文件或表单 id")
    for located, form in ctx.loaded.forms:
        if form.procedure not in ctx.document_ids:
            yield ctx.at(located, ("procedure",), "E206", f"表单所属文件 \"{form.procedure}\" 未定义：须是 procedures/ 中某篇文件的 id")


@rule
def mentions_resolve(ctx: Context) -> Iterator[Problem]:
    """Every 《title》 in any text of any file is the title or alias of a document, external document or form.

    Passes: 按《客户投诉处理标准作业规范》办理. Fails: 按《客户投诉处理规范》办理 — in a clause, a form's
    note or label, a role's description, a revision summary or a deadline's label alike.
    """
    unresolved = [
        ctx.at(located, loc, "E207", f"《{match.group(1)}》无法解析：请在 procedures/external.yml 中声明它，或改为已有文件、表单的标题或别名")
        for located, _ in _all_files(ctx)
        for loc, text in ctx.text_facts(located).mentions
        for match in MENTION.finditer(text)
        if match.group(1) not in ctx.titles
    ]
    if unresolved and ctx.opaque:
        # The broken file may hold those titles: say what was left unjudged instead of guessing.
        for path in sorted(set(ctx.opaque.values())):
            yield Problem(path, 1, 1, "W242", f"此文件无法读出标题：其他文件中有 {len(unresolved)} 处《》引用暂未检查，修正此文件后会一并检查")
        return
    yield from unresolved


def _facts(nodes: list[Node], loc: tuple[Any, ...], inherited: list[str]) -> Iterator[tuple[tuple[Any, ...], str, str | None, list[str]]]:
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
    names = {"targets": "目标", "thresholds": "触发条件", "deadlines": "期限"}
    for located, doc in ctx.loaded.documents:
        for loc, kind, own, owners in _facts(doc.body, ("body",), []):
            if not own and not owners:
                yield ctx.at(located, loc, "E215", f"这条{names[kind]}没有责任人：请在它或它所在的条目、表格行上写明 role / roles")


@rule
def refs_not_typed_twice(ctx: Context) -> Iterator[Problem]:
    """A form the text names in 《》 is a ref already: listing it in refs too says it twice.

    Passes: text: 领取《回访记录表》 with no refs. Warns: the same with refs: [return-visit-record].
    """
    form_titles: dict[str, str] = {}
    for _, form in ctx.loaded.forms:
        for title in (form.title, *form.aliases):
            form_titles[title] = form.id
    for located, doc in ctx.loaded.documents:
        for loc, node in walk_nodes(doc.body, ("body",)):
            named = {form_titles.get(m.group(1)) for text in paragraphs_of(node) for m in MENTION.finditer(text)}
            for i, ref in enumerate(node.refs):
                if ref in named:
                    yield ctx.at(located, (*loc, "refs", i), "W243", f"refs 中的 {ref} 已在正文以《》提及，会自动关联：请从 refs 中删去")


def paragraphs_of(node: Node) -> list[str]:
    texts: list[str] = []
    for value in (node.text, node.after):
        if isinstance(value, str):
            texts.append(value)
        elif value:
            texts.extend(value)
    return texts


@rule
def codes_follow_the_scheme(ctx: Context) -> Iterator[Problem]:
    """Document and form numbers follow company.yml's scheme: a document's number carries its file's
    number, a form's the number of the document it belongs to.

    Passes: 11-return-visit.yml with code WY-GL-11; its form WY-JL-11-02. Fails: WY-GL-12 in 11-….yml.
    """
    if ctx.loaded.company is None:
        return
    company = ctx.loaded.company[1]
    codes = Counter([doc.code for _, doc in ctx.loaded.documents] + [form.code for _, form in ctx.loaded.forms])
    ids = Counter(doc.id for _, doc in ctx.loaded.documents)
    numbers: dict[str, str] = {}
    for located, doc in ctx.loaded.documents:
        match = DOCUMENT_FILE.match(Path(located.path).name)
        if not match or ids[doc.id] > 1:  # a duplicate id is E203 already, and names no one document
            continue
        numbers[doc.id] = match.group(1)
        expected = company.document_code.format(doc=match.group(1), nn="NN")
        if doc.code != expected and codes[doc.code] == 1:  # a duplicate code is E208 already
            yield ctx.at(located, ("code",), "E216", f"文件编号 {doc.code} 不符合编号规则：{Path(located.path).name} 应为 {expected}（procedures/company.yml 的 document_code）")
    for located, form in ctx.loaded.forms:
        if form.procedure not in numbers or codes[form.code] > 1:
            continue
        pattern = re.escape(company.form_code).replace(re.escape("{doc}"), numbers[form.procedure]).replace(re.escape("{nn}"), r"\d{2}")
        if not re.fullmatch(pattern, form.code):
            example = company.form_code.format(doc=numbers[form.procedure], nn="01")
            yield ctx.at(located, ("code",), "E216", f"表单编号 {form.code} 不符合编号规则：属于 {form.procedure} 的表单应形如 {example}（procedures/company.yml 的 form_code）")


@rule
def full_width_punctuation(ctx: Context) -> Iterator[Problem]:
    """Half-width , : ; ( ) between Chinese characters are full-width marks (warning W250).

    Passes: 规范回访工作，及时验证. Warns: 规范回访工作,及时验证 (`procgen format` rewrites it).
    """
    for located, _ in _all_files(ctx):
        for loc, text in ctx.text_facts(located).half_width:  # not in a revision entry: it quotes the original wording
            marks = list(half_width_marks(text))
            if marks:
                shown = "、".join(dict.fromkeys(f'"{m.char}"' for m in marks))
                yield ctx.at(located, loc, "W250", f"汉字之间有 {len(marks)} 个半角标点 {shown}：应为全角（，：；（）），运行 procgen format 可自动改正")


RESERVED_IDS = frozenset({"index"})
"""Ids that would take the place of a page of the site (roles/index is the list of roles)."""


@rule
def ids_not_reserved(ctx: Context) -> Iterator[Problem]:
    """No document, form, role or department is called ``index``: its page would replace a list page.

    Passes: id: key-receipt. Fails: id: index (forms/index.html is the list of forms).
    """
    entries: list[tuple[Located, tuple[Any, ...], str]] = []
    entries += [(located, ("id",), doc.id) for located, doc in ctx.loaded.documents]
    entries += [(located, ("id",), form.id) for located, form in ctx.loaded.forms]
    if ctx.loaded.roles:
        located, roles = ctx.loaded.roles
        entries += [(located, ("departments", i, "id"), d.id) for i, d in enumerate(roles.departments)]
        entries += [(located, ("roles", i, "id"), r.id) for i, r in enumerate(roles.roles)]
    for located, loc, value in entries:
        if value in RESERVED_IDS:
            yield ctx.at(located, loc, "E209", f"id \"{value}\" 为保留字：它的页面会取代网站的列表页，请另起一个 id")


GRID_COLUMNS = 12


@rule
def row_spans_fit(ctx: Context) -> Iterator[Problem]:
    """The fields of one form row span at most the 12 columns of the sheet.

    Passes: [{span: 6}, {span: 6}]. Fails: [{span: 12}, {span: 12}, {span: 12}] (36 of 12: clipped on paper).
    """
    for located, form in ctx.loaded.forms:
        for loc, block in _form_blocks(form.layout, ("layout",)):
            if isinstance(block, RowBlock):
                total = sum(f.span for f in block.row)
                if total > GRID_COLUMNS:
                    yield ctx.at(located, (*loc, "row"), "E214", f"这一行各栏 span 合计 {total}，超过一行的 {GRID_COLUMNS} 格：打印时会被截掉，请调小 span 或分成两行")


def _form_blocks(blocks: list[Any], loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for i, block in enumerate(blocks):
        yield (*loc, i), block
        if isinstance(block, SectionBlock):
            yield from _form_blocks(block.blocks, (*loc, i, "blocks"))


def _all_files(ctx: Context) -> list[tuple[Located, Any]]:
    files: list[tuple[Located, Any]] = [*ctx.loaded.documents, *ctx.loaded.forms]
    files += [f for f in (ctx.loaded.roles, ctx.loaded.external) if f is not None]
    return files


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
                yield ctx.at(located, ("matrix", i, "A"), "E210", f"活动「{row.activity}」至多有一个 A（批准/最终负责），现有 {len(a)} 个")
            if not row.R:
                yield ctx.at(located, ("matrix", i), "E211", f"活动「{row.activity}」至少须有一个 R（执行负责）")


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
                        yield ctx.at(located, loc, "E204", f"拟定的 {key} \"{role_id}\" 不是已定义的角色")


@rule
def target_values(ctx: Context) -> Iterator[Problem]:
    """A percentage target lies between 0 and 100.

    Passes: {metric: 客户满意率, op: ">=", value: 95, unit: "%"}. Fails: value: 950, unit: "%".
    """
    for located, doc in ctx.loaded.documents:
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
                    yield ctx.at(located, (*where, "value"), "E213", f"目标「{target.metric}」为百分比，数值 {target.value} 须在 0 到 100 之间")


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
    for located, doc in ctx.loaded.documents:
        for loc, value in _durations(doc):
            if not re.search(r"\d", value):
                yield ctx.at(located, loc, "E105", f"期限 \"{value}\" 没有数值：如 P3D（3天）、PT24H（24小时）")
    for located, form in ctx.loaded.forms:
        period = form.retention.period
        if period is not None and not re.search(r"\d", period):
            yield ctx.at(located, ("retention", "period"), "E105", f"保存期限 \"{period}\" 没有数值：如 P2Y（2年）")


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


@rule
def control_dates(ctx: Context) -> Iterator[Problem]:
    """Effective date not in the future; the current version has a revision; an overdue review warns.

    Passes: effective 2024-02-23, review_months 12, checked on 2024-06-01.
    Warns: the same checked on 2026-11-27 (review due 2025-02-23).
    """
    for located, doc in ctx.loaded.documents:
        if doc.effective > ctx.today:
            yield ctx.at(located, ("effective",), "E230", f"生效日期 {doc.effective} 在未来（今天是 {ctx.today}）")
        versions = [r.version for r in doc.revisions]
        if doc.version not in versions:
            yield ctx.at(located, ("version",), "E232", f"版本 {doc.version} 没有对应的修订记录：请在 revisions 中补上该版本")
        for i, rev in enumerate(doc.revisions):
            if rev.date > ctx.today:
                yield ctx.at(located, ("revisions", i, "date"), "E230", f"修订日期 {rev.date} 在未来（今天是 {ctx.today}）")
        last = max([doc.effective, *(r.date for r in doc.revisions)])
        try:
            due = add_months(last, doc.review_months)
        except (ValueError, OverflowError):  # beyond year 9999: certainly not overdue
            continue
        if due < ctx.today:
            yield ctx.at(located, ("review_months",), "W231", f"评审已逾期：上次 {last}，周期 {doc.review_months} 个月，应于 {due} 前评审")


@rule
def versions_raised(ctx: Context) -> Iterator[Problem]:
    """Content changes only with a new version (generator/history.py says what content is).

    Passes: a document edited with version 1.0 → 1.1 and a revision entry for 1.1 that says what changed;
    a typo fixed in a revision summary. Fails: the body edited while the version stays 1.0 (E235, at the
    version line); a form's version raised without a revision entry (E233); a revision entry for a raised
    version that lists no change (E234); a version number used before (E237), or lower than the last
    (E238); ``controlled_from`` naming a commit not in the history (E236). A document is followed by its
    id: renamed or renumbered with ``git mv``, it is compared with its previous version wherever that
    lived. Skipped, with one notice, outside git, in a shallow clone or when procedures/ is a submodule.
    """
    history = ctx.history
    if history is None or not history.available or not history.commits:
        return
    start = None
    if ctx.loaded.company is not None and ctx.loaded.company[1].controlled_from:
        located, company = ctx.loaded.company
        start = history.commit(company.controlled_from or "")
        if start is None:
            yield ctx.at(located, ("controlled_from",), "E236", f"controlled_from 的提交 {company.controlled_from} 不在本分支的历史中：请写受控发布时的提交号")
            return
    files: list[tuple[Located, Document | FormSchema]] = [*ctx.loaded.documents, *ctx.loaded.forms]
    for located, model in files:
        ident = ("procedures/" if isinstance(model, Document) else "forms/", model.id)
        spans = history.spans(ident)
        if not spans:
            continue  # not committed yet: its first version
        current = spans[-1]
        kind = "文件" if isinstance(model, Document) else "表单"
        if model.version != current.version:
            earlier = {span.version for span in spans}
            if model.version in earlier:
                yield ctx.at(located, ("version",), "E237", f"版本 {model.version} 以前已经用过：新版本须用新的版本号（上一版是 {current.version}）")
                continue
            if version_key(model.version) < version_key(current.version):
                yield ctx.at(located, ("version",), "E238", f"版本 {model.version} 低于上一版 {current.version}：版本号只能升高")
                continue
            entries = [(i, r) for i, r in enumerate(model.revisions) if r.version == model.version and not r.is_review]
            if not entries:
                if isinstance(model, FormSchema):
                    yield ctx.at(located, ("version",), "E233", f"{kind}版本已由 {current.version} 升为 {model.version}，但 revisions 中没有该版本的修订记录（日期、摘要、修改内容）")
                continue  # a document: E232 says so
            index, entry = entries[-1]
            if not (entry.changes or entry.data_changes or entry.approvals or entry.rejections):
                yield ctx.at(located, ("revisions", index), "E234", f"版本 {model.version} 的修订记录须在 changes 或 data_changes 中逐条写明改了什么（批准拟定内容时为 approvals）")
            continue
        base = current.first
        if start is not None and base.commit.index < start.index:
            base = history.at(ident, start) or base
        assert base.blob is not None
        if history.same_content(base.blob, located):
            continue  # the digests agree: no blob to read
        old, found = load_blob(history.blob(base.blob))
        if old is None or found:
            continue  # the committed text does not parse: nothing to compare with
        keys = changed_keys(old.data, located.data)
        if keys:
            shown = "、".join(keys[:5]) + ("等" if len(keys) > 5 else "")
            yield ctx.at(
                located, ("version",), "E235",
                f"内容已修改（{shown}），但版本仍是 {model.version}（该版本始于提交 {base.commit.short}，{base.commit.date}）："
                "请升级版本，并在 revisions 中写明日期、摘要与修改内容",
            )


def _strings(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


@rule
def glyphs_exist(ctx: Context) -> Iterator[Problem]:
    """Every character can be printed in Noto Sans CJK SC (else the PDF shows an empty box).

    Passes: 回访记录表. Fails: a private-use character such as U+E000. Skipped when the font is
    not installed (the PDF build then says how to install it).
    """
    import unicodedata

    from .pdf.glyphs import FontNotFound, cached_coverage, font_file, missing, printable

    try:
        cmap = cached_coverage(font_file(), ctx.loaded.root / ".cache" / "glyphs")
    except (FontNotFound, OSError, ImportError):
        return
    files = _all_files(ctx)
    # every file's distinct characters judged once; a file's strings are searched only when it has one to report
    every = set().union(*(ctx.text_facts(located).chars for located, _ in files))
    bad = {c for c in every if ord(c) not in cmap and printable(c)}
    if not bad:
        return
    for located, _ in files:
        if bad.isdisjoint(ctx.text_facts(located).chars):
            continue
        strings = ctx.strings(located)
        reported: set[str] = set()
        for loc, text in strings:
            for char in missing(text, cmap):
                if char in reported:
                    continue
                reported.add(char)
                name = unicodedata.name(char, "")
                yield ctx.at(
                    located,
                    loc,
                    "E301",
                    f"字体 Noto Sans CJK SC 中没有字符 “{char}”（U+{ord(char):04X}{' ' + name if name else ''}），打印出来会是空框：请改用常用字符",
                )


def _context(loaded: Loaded, when: dt.date) -> Context:
    role_ids: set[str] = set()
    if loaded.roles:
        role_ids = {d.id for d in loaded.roles[1].departments} | {r.id for r in loaded.roles[1].roles}
    external = loaded.external[1].documents if loaded.external else []
    titles = set()
    for _, doc in loaded.documents:
        titles |= {doc.title, *doc.aliases}
    for _, form in loaded.forms:
        titles |= {form.title, *form.aliases}
    for item in external:
        titles |= {item.title, *item.aliases}
    salvaged = loaded.salvaged_ids
    return Context(
        loaded=loaded,
        today=when,
        role_ids=role_ids,
        form_ids={f.id for _, f in loaded.forms} | salvaged["form"],
        document_ids={d.id for _, d in loaded.documents} | salvaged["document"],
        external_ids={e.id for e in external} | salvaged["external"],
        titles=titles | loaded.salvaged_titles,
        opaque=dict(loaded.opaque),
    )


def check(root: Path, *, when: dt.date | None = None, drafts: bool = False, quiz_review: bool = True, catalog: bool = True) -> CheckResult:
    """Run every check on the repository at ``root``; build the catalog when there is no error.

    ``catalog=False`` (`procgen check` printing text): only the problems are wanted, so the catalog is built
    only when the quiz review has entries to judge against the questions it can ask (W260); ``catalog`` of the
    result is then None.

    The cyclic garbage collector is paused meanwhile: checking allocates millions of small objects
    that all stay alive, and at 1,000 documents the collector's passes over them took half the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _check(root, when=when, drafts=drafts, quiz_review=quiz_review, catalog=catalog)
    finally:
        if paused:
            gc.enable()


def _check(root: Path, *, when: dt.date | None = None, drafts: bool = False, quiz_review: bool = True, catalog: bool = True) -> CheckResult:
    cache = FileCache.of(root)
    loaded, problems = load_all(root, cache)
    ctx = _context(loaded, when or today())
    ctx.history = read_history(root)
    notices = [ctx.history.notice] if ctx.history is not None and ctx.history.notice else []
    for fn in RULES:
        problems.extend(fn(ctx))
    if ctx.history is not None:
        ctx.history.save()
    # The company's vocabulary: every term it maps to must stand in the definitions' text.
    vocab_at, vocabulary, found = load_vocabulary(root)
    problems.extend(found)
    if vocab_at is not None:  # no vocabulary file: no term to look for, no text to gather
        clauses = _texts_of([*loaded.documents, *([loaded.roles] if loaded.roles is not None else [])])
        others = _texts_of([*loaded.forms, *([loaded.external] if loaded.external is not None else [])])
        problems.extend(vocabulary_problems(vocab_at, vocabulary, "\n".join([*clauses, *others]), "\n".join(clauses)))
    if cache is not None:  # the files parsed in this run, with what the rules worked out from each
        cache.save()
    checks = loaded.company[1].checks if loaded.company is not None else {}
    problems = adjusted(sort_problems(problems), checks)
    drafted = [p for p in problems if p.code == DRAFT_CODE] if drafts else []
    if drafted:
        problems = [p for p in problems if p.code != DRAFT_CODE]
    if any(p.severity == "error" for p in problems) or loaded.roles is None or loaded.company is None:
        return CheckResult(problems, None, notices, ctx.history, drafts=drafted)
    # The trainer's review of the quizzes (training/quiz-review.yml): read here, applied by generator/quiz.py.
    located, review, found = load_review(root)
    if not catalog and not (located is not None and quiz_review and review.questions):
        # Only the problems are asked for and no review entry needs the questions the catalog can ask (W260).
        return CheckResult(sort_problems([*problems, *adjusted(found, checks)]), None, notices, ctx.history, drafts=drafted)
    roles = loaded.roles[1]
    inputs: dict[str, Any] = {
        "documents": [(loc.path, doc) for loc, doc in loaded.documents],
        "forms": [(loc.path, form) for loc, form in loaded.forms],
        "roles": roles.roles,
        "departments": roles.departments,
        "external": loaded.external[1].documents if loaded.external else [],
        "source_files": loaded.files,
        "company": loaded.company[1],
    }
    built = build_catalog(**inputs, walker=ctx.provenance())
    built.history = (inputs, ctx.history)
    built.derived[DERIVED_KEY] = vocabulary
    if located is not None:
        built.derived[REVIEW] = review
        if quiz_review:  # every question the manual could ask: the live preview leaves it to procgen check
            found += stale_entries(located, review, question_ids(built))
    found = adjusted(found, checks)
    problems = sort_problems([*problems, *found])
    return CheckResult(problems, None if any(p.severity == "error" for p in found) else built, notices, ctx.history, drafts=drafted)


def adjusted(problems: list[Problem], checks: Mapping[str, Level]) -> list[Problem]:
    """The problems at the severity company.yml gives their codes (``checks: {W231: off}``): off drops them."""
    if not checks:
        return problems
    out = []
    for problem in problems:
        level = checks.get(problem.code)
        if level == "off":
            continue
        out.append(replace(problem, level="warning" if level == "warning" else "error") if level else problem)
    return out


def _texts_of(files: list[tuple[Located, Any]]) -> list[str]:
    """Each file's text for the vocabulary (:func:`manual_text`), worked out once per file content and
    kept with its cached data."""
    for located, model in files:
        if "vocabulary-text" not in located.memo:
            located.memo["vocabulary-text"] = manual_text([model])
    return [located.memo["vocabulary-text"] for located, _ in files]


def load_catalog(root: Path) -> Catalog:
    """The catalog for rendering, or :class:`CatalogError` listing the located problems."""
    result = check(root)
    if result.catalog is None:
        raise CatalogError(result.problems)
    return result.catalog
