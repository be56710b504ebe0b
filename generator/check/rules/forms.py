"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from generator.check.registry import Context, rule
from generator.model.form import FormSchema, RowBlock, SectionBlock
from generator.model.kinds import GRID_COLUMNS
from generator.source.loader import Located
from generator.source.problems import Problem


@rule
def row_spans_fit(ctx: Context) -> Iterator[Problem]:
    """The fields of one form row span at most the 12 columns of the sheet.

    Passes: [{span: 6}, {span: 6}]. Fails: [{span: 12}, {span: 12}, {span: 12}] (36 of 12: clipped on paper).
    """

    def find(located: Located, form: FormSchema) -> Iterator[Problem]:
        for loc, block in _form_blocks(form.layout, ("layout",)):
            if isinstance(block, RowBlock):
                total = sum(f.span for f in block.row)
                if total > GRID_COLUMNS:
                    yield ctx.at(
                        located,
                        (*loc, "row"),
                        "E214",
                        f"这一行各栏 span 合计 {total}，超过一行的 {GRID_COLUMNS} 格：打印时会被截掉，请调小 span 或分成两行",
                    )

    for located, form in ctx.loaded.forms:
        yield from ctx.in_file(located, "row_spans_fit", partial(find, located, form))


def _form_blocks(blocks: list[Any], loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for i, block in enumerate(blocks):
        yield (*loc, i), block
        if isinstance(block, SectionBlock):
            yield from _form_blocks(block.blocks, (*loc, i, "blocks"))
