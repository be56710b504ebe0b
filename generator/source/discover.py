"""`procgen check`: load every definition, validate it, apply the rules across files.

Each rule is one small function that yields located problems. The checker collects all of
them before reporting, so an administrator fixes a whole batch in one pass.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator.source.problems import Problem

DOCUMENT_FILE = re.compile(r"^(\d{2,4})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yml$")


DEFINITION_FOLDERS = ("procedures", "forms")

ROLES_FILE = "procedures/roles.yml"
"""The roles and departments."""
COMPANY_FILE = "procedures/company.yml"
"""The company's name, the manual's title, the numbering scheme, people, check severities."""
EXTERNAL_FILE = "procedures/external.yml"
"""External and planned documents."""


def discover(root: Path) -> tuple[list[Path], list[Path]]:
    """The YAML files under procedures/ and forms/, in a stable order."""
    found = []
    for folder in DEFINITION_FOLDERS:
        base = root / folder
        found.append(sorted(base.glob("*.yml")) if base.is_dir() else [])
    return found[0], found[1]


def unread(root: Path) -> list[Problem]:
    """Files that look like definitions but are not read: ``.yaml`` files and sub-folders (W241).

    Passes: forms/key-receipt.yml. Warns: forms/key-receipt.yaml, forms/old/key-receipt.yml.
    """
    problems = []
    for folder in DEFINITION_FOLDERS:
        base = root / folder
        try:
            entries = sorted(os.scandir(base), key=lambda entry: entry.name)  # names, not Paths: 1,000s of files
        except OSError:  # no such folder (or not one)
            continue
        for entry in entries:
            if _is_dir(entry) and not entry.name.startswith("."):
                if any(Path(entry.path).rglob("*.y*ml")):
                    problems.append(
                        Problem(
                            _rel(root, Path(entry.path)),
                            1,
                            1,
                            "W241",
                            f"子文件夹中的文件不会被读取：定义须直接放在 {folder}/ 下",
                        )
                    )
            elif entry.name.endswith(".yaml") and entry.name != ".yaml":
                path = Path(entry.path)
                problems.append(
                    Problem(_rel(root, path), 1, 1, "W241", f"扩展名 .yaml 的文件不会被读取：请改名为 {path.stem}.yml")
                )
    return problems


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder (a link to one too); a link that loops or leads nowhere is not (``Path.is_dir`` alike): the
    loader reports it, E010."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _rel(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()
