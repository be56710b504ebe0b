"""A form's layout for both renderers: rows merged into a 12-column grid, the cells of each blank
table row (numbers or pre-printed labels), column widths, and the retention note.

The site's HTML preview and the printed PDF lay out the same views, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.catalog.views import FormView
from generator.catalog.wording import duration_text
from generator.model.form import FormBlock, FormField, NoteBlock, RowBlock, RuledTable, SectionBlock, TableBlock
from generator.model.kinds import GRID_COLUMNS

# --------------------------------------------------------------------------- forms


@dataclass
class FieldView:
    field: FormField
    name: str  # unique within the form: the AcroForm field name when fillable
    value: str = ""  # printed in the box (a training pack's sign-in sheet names its subject)


@dataclass
class GridRow:
    fields: list[FieldView]
    filler: int  # empty grid columns after the last field


@dataclass
class GridBlock:
    rows: list[GridRow]
    kind: Literal["grid"] = "grid"


@dataclass
class TableCell:
    text: str  # pre-printed: a row number or a row label; "" for a blank cell
    name: str


@dataclass
class TableView:
    title: str | None
    columns: list[tuple[str, str]]  # (label, width as a CSS percentage)
    rows: list[list[TableCell]]
    numbered: bool
    labelled: bool
    kind: Literal["table"] = "table"


@dataclass
class NoteView:
    text: str
    kind: Literal["note"] = "note"
    proposed: bool = False
    """A rule the seed does not state (拟定·待批准): printed with that mark."""


@dataclass
class SectionView:
    title: str
    blocks: list[GridBlock | TableView | NoteView | SectionView | CardView]
    kind: Literal["section"] = "section"


@dataclass
class CardView:
    """A card-size pass to cut out: the photo box beside one line per field on the front, the notes
    on the back (a form with ``card: true``, its first section)."""

    title: str
    photo: FieldView | None
    fields: list[FieldView]
    notes: list[str]
    kind: Literal["card"] = "card"


Block = GridBlock | TableView | NoteView | SectionView | CardView


class Names:
    """Unique field names within one form (the AcroForm names when fillable)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, prefix: str = "f") -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def table_view(table: RuledTable, names: Names) -> TableView:
    total = sum(c.width for c in table.columns)
    columns = [(c.label, f"{100 * c.width / total:.3f}%") for c in table.columns]
    rows = []
    for index in range(table.rows):
        if index < len(table.row_labels):
            first = table.row_labels[index]
        elif table.numbered and not table.row_labels:
            first = str(index + 1)
        else:
            first = ""
        cells = [TableCell(first, names("t"))]
        cells.extend(TableCell("", names("t")) for _ in table.columns[1:])
        rows.append(cells)
    return TableView(
        title=table.title,
        columns=columns,
        rows=rows,
        numbered=table.numbered and not table.row_labels,
        labelled=bool(table.row_labels),
    )


def card_view(section: SectionBlock, names: Names) -> CardView:
    photo, fields, notes = None, [], []
    for block in section.blocks:
        if isinstance(block, RowBlock):
            for field in block.row:
                if field.type == "photo" and photo is None:
                    photo = FieldView(field, names())
                else:
                    fields.append(FieldView(field, names()))
        elif isinstance(block, NoteBlock):
            notes.append(block.note)
    return CardView(section.section, photo, fields, notes)


def blocks(layout: list[FormBlock], names: Names, *, card: bool = False) -> list[Block]:
    """The layout's views; with ``card`` its first section is a card-size pass (``CardView``)."""
    out: list[Block] = []
    for block in layout:
        if card and isinstance(block, SectionBlock):
            out.append(card_view(block, names))
            card = False
        elif isinstance(block, RowBlock):
            fields = [FieldView(f, names()) for f in block.row]
            row = GridRow(fields, max(0, GRID_COLUMNS - sum(f.span for f in block.row)))
            if out and isinstance(out[-1], GridBlock):
                out[-1].rows.append(row)
            else:
                out.append(GridBlock([row]))
        elif isinstance(block, TableBlock):
            out.append(table_view(block.table, names))
        elif isinstance(block, NoteBlock):
            out.append(NoteView(block.note, proposed=block.basis is not None and block.basis.proposed is not None))
        elif isinstance(block, SectionBlock):
            out.append(SectionView(block.section, blocks(block.blocks, names)))
    return out


def retention_note(view: FormView) -> str:
    """保存期限：2年 · 保管：项目处 (the place where it is kept, else the keeper)."""
    retention = view.form.retention
    period = "永久" if retention.permanent else duration_text(retention.period or "")
    mark = "（拟定·待批准）" if view.retention_proposed else ""
    return f"保存期限：{period}{mark} · 保管：{retention.location or view.keeper.title}"


def filled(items: list[Block], values: dict[str, str]) -> list[Block]:
    """``items`` with the fields labelled as the keys of ``values`` printed filled in; every key must
    name a field of the grid (a typo is a programming error, not a blank box)."""
    left = dict(values)

    def fill(block: Block) -> Block:
        if isinstance(block, GridBlock):
            rows = []
            for row in block.rows:
                fields = [FieldView(fv.field, fv.name, left.pop(fv.field.label, fv.value)) for fv in row.fields]
                rows.append(GridRow(fields, row.filler))
            return GridBlock(rows)
        if isinstance(block, SectionView):
            return SectionView(block.title, [fill(b) for b in block.blocks])
        return block

    out = [fill(b) for b in items]
    if left:
        raise KeyError(f"no field labelled {', '.join(left)}")
    return out
