"""Typed models of the YAML files: documents, roles, external documents and forms.

Every model forbids unknown keys, so a misspelt key is an error at its line rather than
silently ignored. Numbering is never stored: it is derived from the nesting (see
``numbering.py``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StringConstraints,
)

from generator.model.base import Basis, Ref, Slug, Strict, Text
from generator.source.problems import ADJUSTABLE, Level


class Department(Strict):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    parent: Ref | None = None
    description: Text
    basis: Basis | None = Field(
        default=None, description="Only for a department no document names: a proposal (who proposes it and why)."
    )


class Role(Strict):
    id: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    department: Ref | None = None
    reports_to: Ref | None = None
    external: StrictBool = Field(default=False, description="An outside party (业主, 装修公司): no training pack.")
    front_line: StrictBool = Field(
        default=False,
        description="Serves residents day to day (物管员, 前台服务员 …): first among the home page's entry points.",
    )
    description: Text
    basis: Basis | None = Field(
        default=None, description="Only for a role no document names: a proposal (who proposes it and why)."
    )


class RolesFile(Strict):
    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    departments: list[Department] = Field(default_factory=list)
    roles: list[Role] = Field(min_length=1)


class ExternalDocument(Strict):
    id: Slug
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    status: Literal["external", "planned"] = Field(
        description="external: issued outside the company; planned: an internal document not yet written."
    )
    issuer: Text | None = None
    owner: Ref | None = None
    note: Text | None = None


def _adjustable(code: str) -> str:
    """A code company.yml may set the severity of (problems.ADJUSTABLE)."""
    if code not in ADJUSTABLE:
        raise ValueError(f"{code} 不可调整（文件、结构、引用与版本规则总是错误）；可调整的规则见 procgen explain")
    return code


CODE_SCHEME = r"^[A-Z]{2,}(-[A-Z]+)*(-\{doc\})(-\{nn\})?$"


class CompanyFile(Strict):
    """The company's settings, in one place (procedures/company.yml): every PDF and the site use them."""

    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    name: Text = Field(description="Full name, printed at the head of every form and controlled copy.")
    short_name: Text = Field(description="Short name, for running headers.")
    system: Text = Field(default="品质管理体系文件", description="What the documents are, beside the company name.")
    manual_title: Text = Field(description="Title of the manual: the site's name and the cover of manual.pdf.")
    document_code: Annotated[str, StringConstraints(pattern=CODE_SCHEME)] = Field(
        default="WY-GL-{doc}", description="Document numbers: {doc} is the two-digit number of the file (01-…yml)."
    )
    form_code: Annotated[str, StringConstraints(pattern=CODE_SCHEME)] = Field(
        default="WY-JL-{doc}-{nn}", description="Form numbers: {doc} is the owning document's number, {nn} two digits."
    )
    checks: dict[Annotated[str, AfterValidator(_adjustable)], Level] = Field(
        default_factory=dict,
        description=(
            "Severity of a rule by its code: off, warning or error, e.g. {W231: off}. Only warnings and rules of"
            " policy may change (procgen explain lists them); the file, schema, reference and version rules stay errors."
        ),
    )
    people: dict[Ref, Text] = Field(
        default_factory=dict,
        description="Names of the people who hold roles, by role id, e.g. {president: 张三}: procgen approve records the approver's name.",
    )
    controlled_from: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{7,40}$")] | None = Field(
        default=None,
        description=(
            "The git commit at which the documents came under control (the manual's first release): content"
            " committed before it counts as drafting, so the version rule compares with it at the latest."
        ),
    )


class ExternalFile(Strict):
    schema_: str | None = Field(default=None, alias="$schema", exclude=True)
    documents: list[ExternalDocument] = Field(min_length=1)
