"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import settings
from generator.catalog.build import Definitions
from generator.catalog.views import Catalog
from generator.catalog.vocabulary import load_vocabulary, manual_text, vocabulary_problems
from generator.check.loading import Loaded, load_all
from generator.check.registry import Context
from generator.check.rules import ALL as RULES
from generator.control.history import History, read_history
from generator.errors import CatalogError
from generator.manual import Manual
from generator.source.loader import FileCache, Located
from generator.source.problems import Level, Problem, sort_problems
from generator.text.words import Cuts
from generator.training.quiz import question_ids
from generator.training.review import load_review, stale_entries


@dataclass
class CheckResult:
    problems: list[Problem]
    manual: Manual | None
    """The catalog and what is derived above it, when there is no error."""
    notices: list[str] = field(default_factory=list)
    """What was not checked and why (outside git, a shallow clone): said once, not a problem."""
    history: History | None = None
    drafts: list[Problem] = field(default_factory=list)
    """With ``drafts=True`` (the live preview): the E235 problems (content edited, version not yet raised),
    set aside so that the draft can be previewed; everywhere else they are errors."""

    @property
    def catalog(self) -> Catalog | None:
        return self.manual.catalog if self.manual is not None else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def today() -> dt.date:
    """Today, or PROCGEN_TODAY (YYYY-MM-DD) so that checks are repeatable in tests."""
    return settings.today()


DRAFT_CODE = "E235"
"""Content changed while the version stayed: a draft. The live preview shows it (with this problem as a
warning on the page); `procgen check`, `make site` and the pre-commit hook refuse it."""


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


def check(
    root: Path, *, when: dt.date | None = None, drafts: bool = False, quiz_review: bool = True, catalog: bool = True
) -> CheckResult:
    """Run every check on the repository at ``root``; build the catalog (and the Manual) when there is no error.

    ``catalog=False`` (`procgen check` printing text): only the problems are wanted, so the catalog is built
    only when the quiz review has entries to judge against the questions it can ask (W260); ``manual`` of the
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


def _check(
    root: Path, *, when: dt.date | None = None, drafts: bool = False, quiz_review: bool = True, catalog: bool = True
) -> CheckResult:
    cache = FileCache.of(root)
    cuts = Cuts.of(root)  # the texts' cuts into words (the vocabulary's W281, the quizzes), kept on disk
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
        problems.extend(
            vocabulary_problems(vocab_at, vocabulary, "\n".join([*clauses, *others]), "\n".join(clauses), cuts)
        )
        cuts.save()
    if cache is not None:  # the files parsed in this run, with what the rules worked out from each
        cache.save()
    checks = loaded.company[1].checks if loaded.company is not None else {}
    problems = adjusted(sort_problems(problems), checks)
    drafted = [p for p in problems if p.code == DRAFT_CODE] if drafts else []
    if drafted:
        problems = [p for p in problems if p.code != DRAFT_CODE]
    if any(p.severity == "error" for p in problems) or loaded.roles is None or loaded.company is None:
        return CheckResult(problems, None, notices, ctx.history, drafts=drafted)
    # The trainer's review of the quizzes (training/quiz-review.yml): read here, applied by training/quiz.py.
    located, review, found = load_review(root)
    if not catalog and not (located is not None and quiz_review and review.questions):
        # Only the problems are asked for and no review entry needs the questions the catalog can ask (W260).
        return CheckResult(
            sort_problems([*problems, *adjusted(found, checks)]), None, notices, ctx.history, drafts=drafted
        )
    roles = loaded.roles[1]
    definitions = Definitions(
        documents=[(loc.path, doc) for loc, doc in loaded.documents],
        forms=[(loc.path, form) for loc, form in loaded.forms],
        roles=roles.roles,
        departments=roles.departments,
        external=loaded.external[1].documents if loaded.external else [],
        source_files=loaded.files,
        company=loaded.company[1],
    )
    built = definitions.build(walker=ctx.provenance())
    manual = Manual(built, definitions, ctx.history, vocabulary=vocabulary, cuts=cuts)
    if located is not None:
        manual.review = review
        if quiz_review:  # every question the manual could ask: the live preview leaves it to procgen check
            found += stale_entries(located, review, question_ids(built, manual.quiz_context))
            cuts.save()
    found = adjusted(found, checks)
    problems = sort_problems([*problems, *found])
    return CheckResult(
        problems, None if any(p.severity == "error" for p in found) else manual, notices, ctx.history, drafts=drafted
    )


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


def load_manual(root: Path) -> Manual:
    """The manual for rendering, or :class:`CatalogError` listing the located problems."""
    result = check(root)
    if result.manual is None:
        raise CatalogError(result.problems)
    return result.manual


def load_catalog(root: Path) -> Catalog:
    """The catalog alone (commands and tests that need no versions, quizzes or calendars)."""
    return load_manual(root).catalog
