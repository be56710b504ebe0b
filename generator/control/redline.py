"""Redlines: what changed between two versions of a document, node by node, cited by clause path.

A document is read as the list of its clauses in order (each clause: its title, text, the rules of its
targets and deadlines, its roles), plus its intro and the rows of its matrix. Two versions are aligned
on those texts (difflib), so a clause inserted before others shows as one addition, not as every later
clause renumbered; a clause changed in place is "reworded", with the characters inserted and deleted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from generator.catalog.views import DocumentView, Section

REWORDED_MIN = 0.4
"""Two aligned clauses at least this similar (difflib ratio) are one clause reworded, else a removal
and an addition."""

EditKind = Literal["added", "removed", "reworded"]
EDIT_NAMES: dict[str, str] = {"added": "新增", "removed": "删除", "reworded": "改写"}
EDIT_SIGNS: dict[str, str] = {"added": "+", "removed": "-", "reworded": "~"}


@dataclass(frozen=True)
class Item:
    """One unit of a document compared between versions: where it is, what it says."""

    where: str
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Piece:
    text: str
    mark: Literal["", "ins", "del"] = ""


@dataclass(frozen=True)
class Edit:
    kind: EditKind
    where: str
    old: str
    new: str
    pieces: tuple[Piece, ...]
    anchor: str = ""

    @property
    def name(self) -> str:
        return EDIT_NAMES[self.kind]

    @property
    def sign(self) -> str:
        return EDIT_SIGNS[self.kind]

    def plain(self) -> str:
        """The edit as one line of text: deletions in [-…-], insertions in {+…+}."""
        if self.kind == "added":
            return self.new
        if self.kind == "removed":
            return self.old
        return "".join(
            f"[-{p.text}-]" if p.mark == "del" else f"{{+{p.text}+}}" if p.mark == "ins" else p.text
            for p in self.pieces
        )


def _section_text(section: Section) -> str:
    parts = [section.title or ""]
    parts += [p.text for p in section.paragraphs]
    parts += [p.text for p in section.after]
    parts += [f"目标：{t.rule}" for t in section.targets]
    parts += [f"期限：{d.rule}" for d in section.deadlines]
    if section.roles:
        parts.append("责任：" + "、".join(r.title for r in section.roles))
    return " ".join(p for p in parts if p)


def items(view: DocumentView) -> list[Item]:
    """The document as comparable items, in reading order."""
    doc = view.document
    out = [
        Item("文件名称", doc.title),
        Item("负责部门与批准人", f"{view.owner.title}；{view.approver.title}"),
    ]
    out += [Item("引言", p.text) for p in view.intro]
    for section in view.walk():
        out.append(Item(section.full_title or section.path or "（无编号条款）", _section_text(section), section.anchor))
    for row in view.matrix:
        letters = "；".join(f"{k}：{'、'.join(r.title for r in v)}" for k, v in row.letters.items() if v)
        out.append(Item("职责矩阵", f"{row.activity.text}（{letters}）", "matrix"))
    if view.records:
        out.append(Item("记录与表单", "、".join(r.title for r in view.records), "records"))
    if view.related:
        out.append(Item("相关文件", "、".join(r.title for r in view.related), "related"))
    if view.audience:
        out.append(Item("须知晓的岗位", "、".join(r.title for r in view.audience)))
    return out


def pieces(old: str, new: str) -> tuple[Piece, ...]:
    """``new`` against ``old`` character by character: kept, deleted and inserted runs."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[Piece] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Piece(new[b1:b2]))
            continue
        if a2 > a1:
            out.append(Piece(old[a1:a2], "del"))
        if b2 > b1:
            out.append(Piece(new[b1:b2], "ins"))
    return tuple(out)


def compare(old: list[Item], new: list[Item]) -> list[Edit]:
    """The edits that turn ``old`` into ``new``, in the order of the new document."""
    matcher = difflib.SequenceMatcher(None, [i.text for i in old], [i.text for i in new], autojunk=False)
    edits: list[Edit] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        before, after = old[a1:a2], new[b1:b2]
        while before and after:
            a, b = before[0], after[0]
            if difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio() >= REWORDED_MIN:
                where = b.where if a.where == b.where else f"{b.where}（原 {a.where}）"
                edits.append(Edit("reworded", where, a.text, b.text, pieces(a.text, b.text), b.anchor))
                before, after = before[1:], after[1:]
            elif len(before) >= len(after):
                edits.append(Edit("removed", a.where, a.text, "", (Piece(a.text, "del"),)))
                before = before[1:]
            else:
                edits.append(Edit("added", b.where, "", b.text, (Piece(b.text, "ins"),), b.anchor))
                after = after[1:]
        edits += [Edit("removed", a.where, a.text, "", (Piece(a.text, "del"),)) for a in before]
        edits += [Edit("added", b.where, "", b.text, (Piece(b.text, "ins"),), b.anchor) for b in after]
    return edits


def redline(old: DocumentView | None, new: DocumentView | None) -> list[Edit]:
    """Edits from one version of a document to the next (a document new or withdrawn is all one way)."""
    return compare(items(old) if old else [], items(new) if new else [])
