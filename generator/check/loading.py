"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.catalog.vocabulary import VOCABULARY_FILE
from generator.model.document import Document
from generator.model.form import FormSchema
from generator.model.registry import CompanyFile, ExternalFile, RolesFile
from generator.model.validate import validate
from generator.source.discover import COMPANY_FILE, DOCUMENT_FILE, ROLES_FILE, _rel, discover, unread
from generator.source.limits import limit_problems
from generator.source.loader import FileCache, Located, load_text, read_definition
from generator.source.problems import Problem


@dataclass
class Loaded:
    """Validated definitions with the located data they came from."""

    root: Path
    documents: list[tuple[Located, Document]] = field(default_factory=list)
    forms: list[tuple[Located, FormSchema]] = field(default_factory=list)
    roles: tuple[Located, RolesFile] | None = None
    external: tuple[Located, ExternalFile] | None = None
    company: tuple[Located, CompanyFile] | None = None
    files: list[str] = field(default_factory=list)
    # Files that failed validation still name ids and titles others may refer to; counting
    # them avoids a cascade of "undefined" errors caused by one mistake elsewhere.
    salvaged_ids: dict[str, set[str]] = field(
        default_factory=lambda: {"document": set(), "form": set(), "external": set()}
    )
    salvaged_titles: set[str] = field(default_factory=set)
    # Kinds with a file whose titles (or, for external.yml, ids) cannot be known, and that file.
    opaque: dict[str, str] = field(default_factory=dict)


def texts_of(value: Any) -> list[str]:
    """The text(s) a value holds: a string, or the strings of a list (what a broken file still names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _salvage(loaded: Loaded, kind: str, file: Path, located: Located | None, blank: bool = False) -> None:
    """Remember what a file that failed validation (or to load) still tells about its ids and titles.

    Ids of documents and forms are known from their file names whatever the file holds. Titles are
    not: when a file that has content cannot be read, or names no title, a 《mention》 elsewhere may
    be its title, so mentions are not judged until it is fixed, and a warning (W242) says so. An
    empty file states nothing and hides nothing.
    """
    data = located.data if located is not None else None
    if kind == "external":
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            if not blank:
                loaded.opaque[kind] = located.path if located is not None else _rel(loaded.root, file)
            return
        for item in data["documents"]:
            if isinstance(item, dict):
                loaded.salvaged_ids[kind].update(texts_of(item.get("id")))
                loaded.salvaged_titles.update(texts_of(item.get("title")) + texts_of(item.get("aliases")))
        return
    if kind not in loaded.salvaged_ids:
        return
    match = DOCUMENT_FILE.match(file.name)
    loaded.salvaged_ids[kind].add(match.group(2) if match and kind == "document" else file.stem)
    titles: list[str] = []
    if isinstance(data, dict):
        loaded.salvaged_ids[kind].update(texts_of(data.get("id")))
        titles = texts_of(data.get("title")) + texts_of(data.get("aliases"))
    if not titles and not blank:
        loaded.opaque[kind] = _rel(loaded.root, file)
    loaded.salvaged_titles.update(titles)


def validated(located: Located, kind: str, model: Any) -> tuple[Any, list[Problem]]:
    """One loaded file through the limits, then (within them) its schema: the object, or None, and
    the problems. The loader caches a file's data by its bytes; what follows from the data alone is
    kept with it."""
    if ("limits", kind) not in located.memo:
        located.memo[("limits", kind)] = limit_problems(located, kind)
    limited = located.memo[("limits", kind)]
    if any(p.code == "E111" for p in limited):
        return None, list(limited)  # too large or too deep to validate safely
    if ("model", model) not in located.memo:
        located.memo[("model", model)] = validate(model, located)
    obj, found = located.memo[("model", model)]
    return obj, [*limited, *found]


def load_all(root: Path, cache: FileCache | None = None) -> tuple[Loaded, list[Problem]]:  # noqa: C901 - one pass over every file, a branch per kind of file (company, roles, external, documents, forms) and per way a file can fail
    """Load and validate every file; schema problems are collected, not raised. With ``cache``, a file
    whose bytes were checked before is read back from ``.cache/check/`` instead of parsed."""
    loaded = Loaded(root=root)
    problems: list[Problem] = []
    procedures, forms = discover(root)
    if not procedures and not forms:
        problems.append(
            Problem(".", 1, 1, "E010", f"在 {root.name or root} 下没有找到 procedures/ 或 forms/ 中的 YAML 文件")
        )
    for file in [*procedures, *forms]:
        shown = _rel(root, file)
        loaded.files.append(shown)
        if file.parent.name == "forms":
            model: Any = FormSchema
            kind = "form"
        elif file.name == "roles.yml":
            model, kind = RolesFile, "roles"
        elif file.name == "external.yml":
            model, kind = ExternalFile, "external"
        elif file.name == "company.yml":
            model, kind = CompanyFile, "company"
        elif DOCUMENT_FILE.match(file.name):
            model, kind = Document, "document"
        elif shown == VOCABULARY_FILE:
            continue  # read with its own rules (generator/catalog/vocabulary.py), in _check
        else:
            problems.append(
                Problem(
                    shown,
                    1,
                    1,
                    "W240",
                    "无法识别的文件：procedures/ 中的文件须命名为 NN-id.yml、roles.yml、external.yml、company.yml 或 vocabulary.yml，此文件未被使用",
                )
            )
            continue
        raw, found = read_definition(file, shown, root)
        if raw is not None:
            located, found = load_text(shown, raw, cache)
        else:
            located = None
        problems.extend(found)
        if located is None:
            _salvage(loaded, kind, file, None, blank=any(p.code == "E009" for p in found))
            continue
        obj, found = validated(located, kind, model)
        problems.extend(found)
        if obj is None:
            _salvage(loaded, kind, file, located)
            continue
        if isinstance(obj, FormSchema):
            loaded.forms.append((located, obj))
        elif isinstance(obj, RolesFile):
            loaded.roles = (located, obj)
        elif isinstance(obj, ExternalFile):
            loaded.external = (located, obj)
        elif isinstance(obj, CompanyFile):
            loaded.company = (located, obj)
        else:
            loaded.documents.append((located, obj))
    problems.extend(unread(root))
    if loaded.roles is None and not any(p.path.endswith("roles.yml") for p in problems):
        problems.append(Problem(ROLES_FILE, 1, 1, "E010", f"缺少 {ROLES_FILE}：角色与部门须在此定义"))
    if loaded.company is None and not any(p.path.endswith("company.yml") for p in problems):
        problems.append(
            Problem(COMPANY_FILE, 1, 1, "E010", f"缺少 {COMPANY_FILE}：公司名称、简称、手册名称与编号规则须在此定义")
        )
    return loaded, problems
