"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.check.registry import Context, _first, rule
from generator.source.discover import DOCUMENT_FILE
from generator.source.loader import Located
from generator.source.problems import Problem


@rule
def unique_ids(ctx: Context) -> Iterator[Problem]:
    """Ids are unique within their kind; codes and titles are unique across documents and forms.

    Passes: two documents `return-visit` and `vehicle-rules`. Fails: two forms both `key-receipt`.
    """
    seen: dict[
        tuple[str, str], tuple[Located, tuple[Any, ...]]
    ] = {}  # where first: its line found only for a duplicate
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
            yield ctx.at(
                located, loc, code, f'{names[kind]} "{value}" 重复：已在 {_first(*seen[(kind, value)])} 中使用'
            )
        else:
            seen[(kind, value)] = (located, loc)
    yield from _unique_titles(ctx)


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
            yield ctx.at(
                located,
                loc,
                "E203",
                f'标题或别名 "{title}" 重复：已在 {_first(*seen[title])} 中使用，《{title}》将无法确定指向',
            )
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
            yield ctx.at(
                located,
                ("id",),
                "E202",
                f'文件名 {Path(located.path).name} 与 id "{doc.id}" 不符：应命名为 {match.group(1)}-{doc.id}.yml',
            )
    for located, form in ctx.loaded.forms:
        if Path(located.path).stem != form.id:
            yield ctx.at(
                located,
                ("id",),
                "E202",
                f'文件名 {Path(located.path).name} 与 id "{form.id}" 不符：应命名为 {form.id}.yml',
            )


@functools.lru_cache(maxsize=4)
def _form_code_pattern(scheme: str) -> re.Pattern[str]:
    """company.yml's form_code as one pattern, the document's number captured (group ``doc``, when the
    scheme has one): one pattern for every form, where one per document number (1,008 of them)
    overflowed re's cache and was compiled again for each."""
    escaped = re.escape(scheme).replace(re.escape("{nn}"), r"\d{2}")
    first, doc, rest = escaped.partition(re.escape("{doc}"))
    if not doc:
        return re.compile(escaped)
    return re.compile(first + "(?P<doc>.+?)" + rest.replace(re.escape("{doc}"), "(?P=doc)"))


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
            yield ctx.at(
                located,
                ("code",),
                "E216",
                f"文件编号 {doc.code} 不符合编号规则：{Path(located.path).name} 应为 {expected}（procedures/company.yml 的 document_code）",
            )
    for located, form in ctx.loaded.forms:
        if form.procedure not in numbers or codes[form.code] > 1:
            continue
        match = _form_code_pattern(company.form_code).fullmatch(form.code)
        if not match or match.groupdict().get("doc", numbers[form.procedure]) != numbers[form.procedure]:
            example = company.form_code.format(doc=numbers[form.procedure], nn="01")
            yield ctx.at(
                located,
                ("code",),
                "E216",
                f"表单编号 {form.code} 不符合编号规则：属于 {form.procedure} 的表单应形如 {example}（procedures/company.yml 的 form_code）",
            )


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
            yield ctx.at(located, loc, "E209", f'id "{value}" 为保留字：它的页面会取代网站的列表页，请另起一个 id')
