"""Typed models of the YAML files: documents, roles, external documents and forms.

Every model forbids unknown keys, so a misspelt key is an error at its line rather than
silently ignored. Numbering is never stored: it is derived from the nesting (see
``numbering.py``).
"""

from __future__ import annotations

from pydantic import (
    BaseModel,
)

from generator.model.document import Document
from generator.model.form import FormSchema
from generator.model.registry import CompanyFile, ExternalFile, RolesFile

FILE_MODELS: dict[str, type[BaseModel]] = {
    "document": Document,
    "company": CompanyFile,
    "roles": RolesFile,
    "external": ExternalFile,
    "form": FormSchema,
}
