"""Every error procgen raises on purpose, in one hierarchy.

``ProcgenError`` is the base: its message is for people, in Chinese, and says what to do. ``UserError`` is the
user's input, a setting, an option or a refused write (exit status 1, one line, never a traceback);
``CatalogError`` carries the located problems that keep a catalog from being built. Anything else that
escapes is a bug in procgen, and the command line says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.source.problems import Problem


class ProcgenError(Exception):
    """An error procgen raises on purpose; ``str()`` is the message for the user."""


class UserError(ProcgenError):
    """A definition, setting, option or write the user must change: one Chinese line, exit status 1."""


class CatalogError(ProcgenError):
    """The definitions have errors: the catalog cannot be built. ``problems`` says where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.severity == 'error' for p in problems)} 个错误")
        self.problems = problems
