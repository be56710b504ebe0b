"""Synthetic catalogs for the benchmark: the real content copied N times, every copy valid.

    .venv/bin/python bench/synth.py DEST COPIES      (12 × COPIES documents)

Copy n of each document and form gets its id suffixed ``-c{n}``, its title (and aliases, and every
《mention》 of them) suffixed （{n}）, and its number from the company's scheme (documents 0001…, so
WY-GL-0001 and WY-JL-0001-02). Forms grow in proportion (29 per 12 documents); roles and departments
too (40 and 16 per copy) up to ROLE_SETS copies, which the copies share in turn; external.yml and
company.yml are shared.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted((REPO / "procedures").glob("[0-9][0-9]-*.yml"))
FORMS = sorted((REPO / "forms").glob("*.yml"))


ROLE_SETS = 20
"""At most this many copies of the roles (a roles file holds at most 1,000 entries, limits.py): the
copies of the documents share them in turn, so roles still grow with the catalog up to that."""


def _ids_and_titles() -> tuple[list[str], list[str], list[str]]:
    """Every own id of a document or form, of a role or department, and every own title or alias."""
    ids: list[str] = []
    titles: set[str] = set()
    for path in [*DOCUMENTS, *FORMS]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids.append(data["id"])
        titles |= {data["title"], *data.get("aliases", [])}
    roles = yaml.safe_load((REPO / "procedures" / "roles.yml").read_text(encoding="utf-8"))
    role_ids = [entry["id"] for entry in [*roles["departments"], *roles["roles"]]]
    # longest first, so that a title containing another is replaced whole
    return (
        sorted(set(ids), key=len, reverse=True),
        sorted(set(role_ids), key=len, reverse=True),
        sorted(titles, key=len, reverse=True),
    )


def _word(ids: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(i) for i in ids) + r")(?![A-Za-z0-9_-])")


IDS, ROLE_IDS, TITLES = _ids_and_titles()
ID, ROLE_ID = _word(IDS), _word(ROLE_IDS)
MENTION = re.compile("《(" + "|".join(re.escape(t) for t in TITLES) + ")》")
NAME_LINE = re.compile(r"^(\s*(?:- )?(?:title|name): )([\"']?)(.+?)\2$", re.M)
ALIASES_LINE = re.compile(r"^(\s*(?:- )?aliases: )\[(.*)\]$", re.M)


def _copy_text(text: str, n: int, numbers: dict[str, str], roles: int, names: bool = True) -> str:
    """One file's text as copy ``n`` using role set ``roles``: ids, codes, titles, aliases and mentions renamed.
    ``names=False`` (roles.yml) keeps the names: the copied clauses name their roles by them (E292)."""
    text = ID.sub(lambda m: f"{m.group(1)}-c{n}", text)
    text = ROLE_ID.sub(lambda m: f"{m.group(1)}-r{roles}", text)
    text = MENTION.sub(lambda m: f"《{m.group(1)}（{n}）》", text)
    if names:
        text = NAME_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}（{n}）{m.group(2)}", text)

    def aliases(m: re.Match[str]) -> str:
        items = [a.strip().strip("\"'") for a in m.group(2).split(",") if a.strip()]
        return m.group(1) + "[" + ", ".join(f'"{a}（{n}）"' for a in items) + "]"

    if names:
        text = ALIASES_LINE.sub(aliases, text)
    text = re.sub(r"^code: WY-GL-(\d\d)$", lambda m: f"code: WY-GL-{numbers[m.group(1)]}", text, flags=re.M)
    return re.sub(
        r"^code: WY-JL-(\d\d)-(\d\d)$", lambda m: f"code: WY-JL-{numbers[m.group(1)]}-{m.group(2)}", text, flags=re.M
    )


def make(dest: Path, copies: int) -> Path:
    """A repository under ``dest`` with ``copies`` copies of the real content (12 × copies documents)."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "procedures").mkdir(parents=True)
    (dest / "forms").mkdir()
    (dest / "docs").mkdir()
    external = (REPO / "procedures" / "external.yml").read_text(encoding="utf-8")  # owners: the first role set
    (dest / "procedures" / "external.yml").write_text(
        ROLE_ID.sub(lambda m: f"{m.group(1)}-r0", external), encoding="utf-8"
    )
    sets = min(copies, ROLE_SETS)
    shutil.copy(REPO / "procedures" / "company.yml", dest / "procedures")
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    roles = (REPO / "procedures" / "roles.yml").read_text(encoding="utf-8")
    head, _, body = roles.partition("departments:\n")
    departments, _, people = body.partition("roles:\n")
    all_departments, all_roles = [], []
    for n in range(copies):
        numbers = {path.name[:2]: f"{n * len(DOCUMENTS) + i + 1:04d}" for i, path in enumerate(DOCUMENTS)}
        role_set = n * sets // copies
        for path in DOCUMENTS:
            number, _, rest = path.name.partition("-")
            target = dest / "procedures" / f"{numbers[number]}-{rest.removesuffix('.yml')}-c{n}.yml"
            target.write_text(_copy_text(path.read_text(encoding="utf-8"), n, numbers, role_set), encoding="utf-8")
        for path in FORMS:
            target = dest / "forms" / f"{path.stem}-c{n}.yml"
            target.write_text(_copy_text(path.read_text(encoding="utf-8"), n, numbers, role_set), encoding="utf-8")
        if n * sets // copies != (n - 1) * sets // copies or n == 0:  # the first copy of a new role set
            all_departments.append(_copy_text(departments, n, numbers, role_set, names=False))
            all_roles.append(_copy_text(people, n, numbers, role_set, names=False))
    text = head + "departments:\n" + "".join(all_departments) + "roles:\n" + "".join(all_roles)
    (dest / "procedures" / "roles.yml").write_text(text, encoding="utf-8")
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    make(Path(sys.argv[1]), int(sys.argv[2]))
