"""Typed models of the YAML files: documents, roles, external documents and forms.

Every model forbids unknown keys, so a misspelt key is an error at its line rather than
silently ignored. Numbering is never stored: it is derived from the nesting (see
``numbering.py``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    Tag,
    model_validator,
)

from generator.model.base import Basis, Duration, Ref, Slug, Strict, Text, Version
from generator.model.document import Deadline, Revision
from generator.model.kinds import GRID_COLUMNS
from generator.source.limits import MAX_TABLE_ROWS  # noqa: E402 - after the pydantic imports, kept with the other constants


class _FieldBase(Strict):
    label: Text
    span: StrictInt = Field(default=1, ge=1, le=GRID_COLUMNS, description="Grid columns this field spans.")
    hint: Text | None = None


class TextField(_FieldBase):
    type: Literal["text"]


class DateField(_FieldBase):
    type: Literal["date"]


class DateTimeField(_FieldBase):
    type: Literal["datetime"]


class NumberField(_FieldBase):
    type: Literal["number"]
    unit: Text | None = None


class ChoiceField(_FieldBase):
    type: Literal["choice"]
    options: list[Text] = Field(min_length=2)
    multiple: StrictBool = False


class CheckboxField(_FieldBase):
    type: Literal["checkbox"]


class TextareaField(_FieldBase):
    type: Literal["textarea"]
    lines: StrictInt = Field(ge=1, le=40)


class PhotoField(_FieldBase):
    type: Literal["photo"]


class SignatureField(_FieldBase):
    type: Literal["signature"]
    date: StrictBool = Field(default=True, description="Print a date box beside the signature.")


def _field_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        return v.get("type")
    return getattr(v, "type", None)


FormField = Annotated[
    Annotated[TextField, Tag("text")]
    | Annotated[DateField, Tag("date")]
    | Annotated[DateTimeField, Tag("datetime")]
    | Annotated[NumberField, Tag("number")]
    | Annotated[ChoiceField, Tag("choice")]
    | Annotated[CheckboxField, Tag("checkbox")]
    | Annotated[TextareaField, Tag("textarea")]
    | Annotated[SignatureField, Tag("signature")]
    | Annotated[PhotoField, Tag("photo")],
    Discriminator(_field_tag),
]


class Column(Strict):
    label: Text
    width: StrictInt = Field(default=1, ge=1, le=GRID_COLUMNS, description="Relative width.")


class RuledTable(Strict):
    """A ruled table with a header row and a number of blank rows to fill in by hand."""

    title: Text | None = None
    columns: list[Column] = Field(min_length=1)
    rows: StrictInt = Field(ge=1, le=MAX_TABLE_ROWS, description="Number of blank rows.")
    numbered: StrictBool = Field(default=False, description="Print 1, 2, 3 … in the first column.")
    row_labels: list[Text] = Field(default_factory=list, description="Pre-printed first-column labels.")


class RowBlock(Strict):
    row: list[FormField] = Field(min_length=1)


class TableBlock(Strict):
    table: RuledTable


class NoteBlock(Strict):
    note: Text
    basis: Basis | None = Field(
        default=None, description="Where the seed states the rule (quote) or a proposal; the check asks for one."
    )


class SectionBlock(Strict):
    section: Text
    blocks: list[FormBlock] = Field(min_length=1)


def _block_tag(v: Any) -> str | None:
    if isinstance(v, dict):
        for key in ("row", "table", "note", "section"):
            if key in v:
                return key
        return None
    for key, cls in (("row", RowBlock), ("table", TableBlock), ("note", NoteBlock)):
        if isinstance(v, cls):
            return key
    return "section" if isinstance(v, SectionBlock) else None


FormBlock = Annotated[
    Annotated[RowBlock, Tag("row")]
    | Annotated[TableBlock, Tag("table")]
    | Annotated[NoteBlock, Tag("note")]
    | Annotated[SectionBlock, Tag("section")],
    Discriminator(
        _block_tag,
        custom_error_type="form_block",
        custom_error_message="表单块须以 row、table、note 或 section 之一为键",
    ),
]


class Retention(Strict):
    """How long a filled form is kept, by whom, where."""

    period: Duration | None = Field(default=None, description="ISO 8601, e.g. P2Y.")
    permanent: StrictBool = False
    keeper: Ref = Field(description="Role or department id that keeps the record.")
    location: Text | None = Field(default=None, description="Where it is kept, e.g. 项目处.")
    handover: Deadline | None = Field(default=None, description="When filled forms are handed in.")
    basis: Basis | None = Field(
        default=None, description="Where the seed states the period (quote) or a proposal; the check asks for one."
    )

    @model_validator(mode="after")
    def _period_or_permanent(self) -> Retention:
        if bool(self.period) == self.permanent:
            raise ValueError("保存期限须二选一：period（如 P2Y）或 permanent: true")
        return self


class FormSchema(Strict):
    """A blank form or record sheet."""

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    id: Slug
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,}(-[A-Z0-9]+)+$")]
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    version: Version
    procedure: Ref = Field(description="Id of the document that owns this form.")
    retention: Retention
    orientation: Literal["portrait", "landscape"] = "portrait"
    filled_by: list[Ref] = Field(default_factory=list, description="Roles that fill in this form.")
    numbered: StrictBool = Field(default=True, description="Print a No.: box in the header.")
    card: StrictBool = Field(
        default=False,
        description="The first section is a card-size pass (ISO/IEC 7810 ID-1, 85.6 × 54 mm) with cut marks, its note on the back; the rest is the stub.",
    )
    layout: list[FormBlock] = Field(min_length=1)
    design: Basis | None = Field(
        default=None,
        description="Where the seed gives the form's fields (quote), or a proposal of the layout; the check asks for one.",
    )
    revisions: list[Revision] = Field(
        default_factory=list,
        description="Revision entries: one for each version after the first (the version rule asks for it).",
    )
