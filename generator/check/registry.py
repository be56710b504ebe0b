"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.catalog.provenance import Walker
from generator.check.loading import Loaded
from generator.control.history import History
from generator.model.document import Node
from generator.source.loader import Located
from generator.source.problems import Problem

Rule = Callable[["Context"], Iterator[Problem]]


RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


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

    def provenance(self) -> Walker:
        """The documents' clauses, folded once for every rule that asks where a statement comes from."""
        if self._walker is None:
            self._walker = Walker([doc for _, doc in self.loaded.documents], self.loaded.roles[1] if self.loaded.roles else None)
        return self._walker

    def strings(self, located: Located) -> list[tuple[tuple[Any, ...], str]]:
        """Every string of a file with its path, walked once for all the rules that read them (and
        kept with the loader's cached data of the file)."""
        if "strings" not in located.memo:
            located.memo["strings"] = list(_strings(located.data, ()))
        return located.memo["strings"]

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
