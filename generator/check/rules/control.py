"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.catalog.wording import add_months
from generator.check.registry import Context, rule
from generator.control.history import changed_keys, version_key
from generator.model.document import Document
from generator.model.form import FormSchema
from generator.source.loader import Located, load_blob
from generator.source.problems import Problem


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
            yield ctx.at(
                located, ("version",), "E232", f"版本 {doc.version} 没有对应的修订记录：请在 revisions 中补上该版本"
            )
        for i, rev in enumerate(doc.revisions):
            if rev.date > ctx.today:
                yield ctx.at(
                    located, ("revisions", i, "date"), "E230", f"修订日期 {rev.date} 在未来（今天是 {ctx.today}）"
                )
        last = max([doc.effective, *(r.date for r in doc.revisions)])
        try:
            due = add_months(last, doc.review_months)
        except (ValueError, OverflowError):  # beyond year 9999: certainly not overdue
            continue
        if due < ctx.today:
            yield ctx.at(
                located,
                ("review_months",),
                "W231",
                f"评审已逾期：上次 {last}，周期 {doc.review_months} 个月，应于 {due} 前评审",
            )


@rule
def versions_raised(ctx: Context) -> Iterator[Problem]:  # noqa: C901 - the version rule's cases, each listed in the docstring with its code
    """Content changes only with a new version (generator/control/history.py says what content is).

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
            yield ctx.at(
                located,
                ("controlled_from",),
                "E236",
                f"controlled_from 的提交 {company.controlled_from} 不在本分支的历史中：请写受控发布时的提交号",
            )
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
                yield ctx.at(
                    located,
                    ("version",),
                    "E237",
                    f"版本 {model.version} 以前已经用过：新版本须用新的版本号（上一版是 {current.version}）",
                )
                continue
            if version_key(model.version) < version_key(current.version):
                yield ctx.at(
                    located, ("version",), "E238", f"版本 {model.version} 低于上一版 {current.version}：版本号只能升高"
                )
                continue
            entries = [(i, r) for i, r in enumerate(model.revisions) if r.version == model.version and not r.is_review]
            if not entries:
                if isinstance(model, FormSchema):
                    yield ctx.at(
                        located,
                        ("version",),
                        "E233",
                        f"{kind}版本已由 {current.version} 升为 {model.version}，但 revisions 中没有该版本的修订记录（日期、摘要、修改内容）",
                    )
                continue  # a document: E232 says so
            index, entry = entries[-1]
            if not (entry.changes or entry.data_changes or entry.approvals or entry.rejections):
                yield ctx.at(
                    located,
                    ("revisions", index),
                    "E234",
                    f"版本 {model.version} 的修订记录须在 changes 或 data_changes 中逐条写明改了什么（批准拟定内容时为 approvals）",
                )
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
                located,
                ("version",),
                "E235",
                f"内容已修改（{shown}），但版本仍是 {model.version}（该版本始于提交 {base.commit.short}，{base.commit.date}）："
                "请升级版本，并在 revisions 中写明日期、摘要与修改内容",
            )
