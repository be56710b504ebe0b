"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.catalog.provenance import Statement, Walker, document_text
from generator.check.loading import Loaded
from generator.control.history import History
from generator.model.document import Document, Node
from generator.model.form import FormSchema
from generator.source.loader import Located
from generator.source.problems import Problem
from generator.text.typography import HALF_WIDTH, KEPT

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
    def of(
        cls, names: str, reads: tuple[tuple[str, str | None], ...], statements: Iterable[Statement]
    ) -> BasisFindings:
        return cls(
            names,
            reads,
            tuple(
                (s.loc, s.problem, (s.proposal.by, s.proposal.approver) if s.proposal else None)
                for s in statements
                if s.problem or s.proposal
            ),
        )


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
        if (
            isinstance(kept, BasisFindings)
            and kept.names == names
            and all(self._digest_of(doc_id) == digest for doc_id, digest in kept.reads)
        ):
            return kept
        statements, read = (
            walker.document_reading(model)
            if isinstance(model, Document)
            else walker.reading(lambda: walker.form(model))
        )
        findings = located.memo["basis-findings"] = BasisFindings.of(
            names, tuple((doc_id, self._digest_of(doc_id)) for doc_id in sorted(read)), statements
        )
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
                    located.memo["document-text-digest"] = hashlib.sha256(
                        pickle.dumps(text, protocol=pickle.HIGHEST_PROTOCOL)
                    ).hexdigest()
                self._text_digests[id(located.memo["document-text"])] = located.memo["document-text-digest"]
            self._walker = Walker(
                [doc for _, doc in documents],
                self.loaded.roles[1] if self.loaded.roles else None,
                [located.memo["document-text"] for located, _ in documents],
            )
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

        def facts() -> TextFacts:
            strings = self.strings(located)
            return TextFacts(
                chars="".join(sorted(set("".join(text for _, text in strings)))),
                mentions=[(loc, text) for loc, text in strings if "《" in text],
                half_width=[
                    (loc, text) for loc, text in strings if not (loc and loc[0] in KEPT) and HALF_WIDTH.search(text)
                ],
            )

        return located.kept("text-facts", facts)

    def in_file(self, located: Located, rule: str, find: Callable[[], Iterable[Problem]]) -> list[Problem]:
        """What a rule that reads one file alone (nothing of the others) found in ``located``: worked out once
        per content of the file and kept with its cached data (its ``memo``), as the model is. At 1,008
        documents the walks of such rules were a fifth of a warm check."""
        return located.kept(("rule", rule), lambda: list(find()))

    def at(self, located: Located, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False) -> Problem:
        line, col = located.where(loc, key=key)
        return Problem(located.path, line, col, code, message)


def walk_nodes(nodes: list[Node], loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Node]]:
    """Every node of a body with its path into the data: ('body', 0, 'items', 2, …)."""
    for index, node in enumerate(nodes):
        here = (*loc, index)
        yield here, node
        yield from walk_nodes(node.items, (*here, "items"))


def _first(located: Located, loc: tuple[Any, ...]) -> str:
    return f"{located.path}:{located.where(loc)[0]}"


def _all_files(ctx: Context) -> list[tuple[Located, Any]]:
    files: list[tuple[Located, Any]] = [*ctx.loaded.documents, *ctx.loaded.forms]
    files += [f for f in (ctx.loaded.roles, ctx.loaded.external) if f is not None]
    return files


def _strings(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))
