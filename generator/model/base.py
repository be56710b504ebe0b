"""Typed models of the YAML files: documents, roles, external documents and forms.

Every model forbids unknown keys, so a misspelt key is an error at its line rather than
silently ignored. Numbering is never stored: it is derived from the nesting (see
``numbering.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    model_validator,
)

from generator.model.kinds import SLUG_PATTERN

DURATION_PATTERN = r"^P((\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?)?)$"


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
"""An id: lower-case a-z, 0-9 and single '-' between words, e.g. ``return-visit``."""


Ref = Annotated[str, StringConstraints(min_length=1)]
"""A reference to an id defined elsewhere; existence is checked across files."""


Text = Annotated[str, StringConstraints(min_length=1)]


Duration = Annotated[str, StringConstraints(pattern=DURATION_PATTERN)]
"""ISO 8601 duration: P3D (3 days), PT24H (24 hours), P1W, P1M, P6M, P2Y."""


Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+$")]


Number = StrictInt | StrictFloat


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True, defer_build=True)


class Proposal(Strict):
    """Something the seed does not state, put forward for the company's approval (拟定·待批准)."""

    by: Ref = Field(description="Role that proposes it, e.g. quality-dept.")
    reason: Text = Field(
        description="Why, and what it rests on. An editor's doubt goes here, never in a revision record."
    )
    approver: Ref | None = Field(
        default=None, description="Role that must approve it; without it, the document's approver."
    )


class Approval(Strict):
    """A proposal the company approved: the revision entry of `version` records what, by whom and when
    (roles.yml has no versions: there the date, and the commit that wrote it, are the record)."""

    version: Version | None = Field(
        default=None, description="The version whose revision entry (approvals) records the approval."
    )
    date: dt.date | None = Field(default=None, description="roles.yml only: the day the role was approved.")

    @model_validator(mode="after")
    def _one(self) -> Approval:
        if (self.version is None) == (self.date is None):
            raise ValueError("approved 须写 version（文件与表单）或 date（roles.yml 中的岗位）之一")
        return self


class Basis(Strict):
    """Where a statement comes from when it is not stated by the clause it stands in.

    Exactly one of: ``quote`` (words of the seed, found in `document`'s text — the clause that holds
    them is the citation, derived, never typed), ``proposed`` (not in the seed: who proposes it and
    why) or ``approved`` (a proposal the company approved in a later version).
    """

    quote: Text | None = Field(
        default=None, description="Words of the seed that state it, copied exactly from one clause."
    )
    document: Ref | None = Field(
        default=None, description="Document id holding the quote; without it, this document (a form: its procedure)."
    )
    proposed: Proposal | None = None
    approved: Approval | None = None

    @model_validator(mode="after")
    def _one(self) -> Basis:
        if sum(x is not None for x in (self.quote, self.proposed, self.approved)) != 1:
            raise ValueError(
                "出处须三选一：quote（原文）、proposed（拟定，写 by 与 reason）或 approved（已批准，写 version）"
            )
        if self.document and not self.quote:
            raise ValueError("document 只与 quote 一起使用")
        return self


RoleBasis = Annotated[
    dict[Ref, Basis],
    Field(
        default_factory=dict,
        description="For each role the clause itself does not name: where the seed gives it to the role (quote), or a proposal.",
    ),
]


def _check_date(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        raise ValueError("须为日期（YYYY-MM-DD），不含时间")
    return v


DURATION_RE = re.compile(DURATION_PATTERN)
