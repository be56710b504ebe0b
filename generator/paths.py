"""The one scheme of where things are in the built site: each page's source (MkDocs ``src_uri``), each
PDF (under ``pdf/``), each Word copy and calendar. Every module that names a page or a file asks here, so
that a path is built in one place (the site's links, the PDFs' names, the archive, the plugin's draft
banners, the exports).

Pure functions of ids; the lowest layer, so that document control (an archived copy's name) and the
renderers share it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

PDF_FOLDER = "pdf"
"""Every PDF is under site/pdf/."""
DOCX_FOLDER = "docx"
CALENDAR_FOLDER = "calendar"

PageKind = Literal["document", "form", "role"]
_PAGE_FOLDERS: dict[str, str] = {"document": "procedures", "form": "forms", "role": "roles"}
_PDF_FOLDERS: dict[str, str] = {"document": "procedures", "form": "forms", "role": "training"}

MANUAL_PDF = "manual.pdf"
"""The whole manual, in pdf/."""

_STAGING = re.compile(r"\.(?P<target>.+)\.staging-\d+-[0-9a-f]+")


def staging(target: Path, unique: str) -> Path:
    """The folder a build of ``target`` is made in before it takes its place (render/publish.py):
    ``.<target>.staging-<unique>`` beside it; ``unique`` is ``<pid>-<hex>``, or ``*`` for every one."""
    return target.with_name(f".{target.name}.staging-{unique}")


def published(path: Path) -> Path:
    """Where ``path``, inside a staging folder or one itself, will be once the build is published; any
    other path as it is."""
    parts = [_STAGING.fullmatch(part) for part in path.parts]
    return Path(*(match["target"] if match else part for match, part in zip(parts, path.parts, strict=True)))


def page(kind: PageKind, item_id: str) -> str:
    """The source of a document's, form's or role's page: procedures/<id>.md, forms/<id>.md, roles/<id>.md."""
    return f"{_PAGE_FOLDERS[kind]}/{item_id}.md"


def quiz_page(role_id: str) -> str:
    return f"roles/{role_id}/quiz.md"


def pdf(kind: PageKind, item_id: str, part: str = "") -> str:
    """Inside pdf/: a document's controlled copy (procedures/<id>.pdf), a blank form (forms/<id>.pdf), a
    role's training pack (training/<id>.pdf) or one of its parts (training/<id>-<part>.pdf: sign-in,
    quiz, quiz-key, record)."""
    return f"{_PDF_FOLDERS[kind]}/{item_id}{'-' + part if part else ''}.pdf"


def archive_pdf(document_id: str, version: str) -> str:
    """Inside pdf/: the archived copy of a superseded version, stamped 作废."""
    return f"archive/{document_id}/{version}.pdf"


def site_pdf(inside: str) -> str:
    """A PDF's path from the site's root (``inside``: its path in pdf/)."""
    return f"{PDF_FOLDER}/{inside}"


def docx(document_id: str) -> str:
    """docx/<id>.docx, from the site's root."""
    return f"{DOCX_FOLDER}/{document_id}.docx"


def calendar(name: str) -> str:
    """calendar/<role>.ics, or calendar/index.ics for the whole company."""
    return f"{CALENDAR_FOLDER}/{name}.ics"
