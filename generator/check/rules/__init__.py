"""The rules, one module per family. Each rule is a function decorated ``@rule`` (check/registry.py)
that yields located problems; importing this package registers every family, in the order below.

- ``identity``    ids, titles, file names and codes unique and well formed
- ``roles``       every role named exists, every fact has an owner, matrix letters
- ``references``  references and 《mentions》 resolve, not typed twice
- ``text``        punctuation and glyphs the font can print
- ``forms``       form rows fit the grid
- ``content``     what each kind of document must hold; statements have a basis; targets and durations
- ``control``     document-control dates and the version rule against git
"""

from __future__ import annotations

from generator.check.registry import RULES, Rule
from generator.check.rules import content, control, forms, identity, references, roles, text

FAMILIES = (identity, roles, references, text, forms, content, control)
ALL: tuple[Rule, ...] = tuple(RULES)
"""Every rule, registered by importing the families above."""
