"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog.wording import MENTION
from generator.check.registry import Context, _all_files, rule, walk_nodes
from generator.check.rules.text import paragraphs_of
from generator.model.document import Document
from generator.source.loader import Located
from generator.source.problems import Problem


@rule
def references_exist(ctx: Context) -> Iterator[Problem]:
    """Records name forms; related and refs name documents, external documents or forms.

    Passes: records: [return-visit-record]. Fails: related: [complaint-handlin].
    """
    docs = ctx.document_ids | ctx.external_ids
    for located, doc in ctx.loaded.documents:
        for i, form_id in enumerate(doc.records):
            if form_id not in ctx.form_ids:
                yield ctx.at(located, ("records", i), "E205", f'未定义的表单 "{form_id}"：forms/ 中没有 {form_id}.yml')
        for i, doc_id in enumerate(doc.related):
            if doc_id not in docs and "external" not in ctx.opaque:
                yield ctx.at(
                    located,
                    ("related", i),
                    "E206",
                    f'未定义的文件 "{doc_id}"：既不是十二篇文件之一，也未在 procedures/external.yml 中声明',
                )
        for loc, node in walk_nodes(doc.body, ("body",)):
            for i, ref in enumerate(node.refs):
                if ref not in docs and ref not in ctx.form_ids and "external" not in ctx.opaque:
                    yield ctx.at(
                        located, (*loc, "refs", i), "E206", f'未定义的引用 "{ref}"：不是已知的文件、外部文件或表单 id'
                    )
    for located, form in ctx.loaded.forms:
        if form.procedure not in ctx.document_ids:
            yield ctx.at(
                located,
                ("procedure",),
                "E206",
                f'表单所属文件 "{form.procedure}" 未定义：须是 procedures/ 中某篇文件的 id',
            )


@rule
def mentions_resolve(ctx: Context) -> Iterator[Problem]:
    """Every 《title》 in any text of any file is the title or alias of a document, external document or form.

    Passes: 按《客户投诉处理标准作业规范》办理. Fails: 按《客户投诉处理规范》办理 — in a clause, a form's
    note or label, a role's description, a revision summary or a deadline's label alike.
    """
    unresolved = [
        ctx.at(
            located,
            loc,
            "E207",
            f"《{match.group(1)}》无法解析：请在 procedures/external.yml 中声明它，或改为已有文件、表单的标题或别名",
        )
        for located, _ in _all_files(ctx)
        for loc, text in ctx.text_facts(located).mentions
        for match in MENTION.finditer(text)
        if match.group(1) not in ctx.titles
    ]
    if unresolved and ctx.opaque:
        # The broken file may hold those titles: say what was left unjudged instead of guessing.
        for path in sorted(set(ctx.opaque.values())):
            yield Problem(
                path,
                1,
                1,
                "W242",
                f"此文件无法读出标题：其他文件中有 {len(unresolved)} 处《》引用暂未检查，修正此文件后会一并检查",
            )
        return
    yield from unresolved


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
        for loc, ref, mentioned in _refs_and_mentions(located, doc):
            if ref in {form_titles.get(title) for title in mentioned}:
                yield ctx.at(located, loc, "W243", f"refs 中的 {ref} 已在正文以《》提及，会自动关联：请从 refs 中删去")


def _refs_and_mentions(located: Located, doc: Document) -> tuple[tuple[tuple[Any, ...], str, frozenset[str]], ...]:
    """Each ref of ``doc`` with the titles its clause names in 《》, worked out once per content of its file
    (kept in its ``memo``): the forms' titles, which the rule compares them with, are another file's."""
    return located.kept(
        "refs-and-mentions",
        lambda: tuple(
            (
                (*loc, "refs", i),
                ref,
                frozenset(m.group(1) for text in paragraphs_of(node) for m in MENTION.finditer(text)),
            )
            for loc, node in walk_nodes(doc.body, ("body",))
            for i, ref in enumerate(node.refs)
        ),
    )
