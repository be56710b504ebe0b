"""manual.pdf bound from parts rendered and cached on their own, numbered once bound.

The manual is one PDF of ~110 pages: a cover and contents, every document, the forms' appendix, every
form as printed alone. Laid out whole by WeasyPrint it took ~30 s of CPU on one core for any change,
a one-line change in one form included (bench/RESULTS.md, "before"). Here each part (the front matter,
each document, the appendix, each form) is its own cached render (``html.Part``); a changed document
or form re-renders its part alone, in parallel with the other PDFs, and the parts are bound with
pikepdf (qpdf, pinned in pyproject.toml and requirements.lock).

What a part cannot know alone is where it sits: the page numbers of the whole (第 n 页 共 N 页 on every
page, 本表第 k 页 共 m 页　全册第 n 页 共 N 页 on a form's) and the contents' page numbers. The choices,
measured on this machine at the real size (bench/manual_bench.py, bench/RESULTS.md):

* render each part with its page offset and the total in its CSS (as the single render did): any change
  of one part's length changes the total printed on every page, so every part renders again — the
  whole manual (~30 s of CPU) each time a document grows or shrinks by a page;
* draw the numbers into the content streams directly (a font of our own, widths and positions computed
  here): a few milliseconds, but a second typesetter beside the stylesheet, to be kept in step with it
  by hand (sizes, colours, margins of five page types), for half a second saved only when a length
  changes — not worth it;
* **what is done**: each part is laid out with its page-number box empty (``render.NO_PAGE_NUMBER``),
  and the numbers are laid out by WeasyPrint too, as one *stamp* PDF with a page per page of the manual
  — the same @page rules (``doc``, ``front``, ``form-portrait``, ``form-landscape-bound`` …, so the
  same size, margins, font, colour and alignment as before), every other margin box empty — overlaid
  onto the bound pages as form XObjects marked as artifacts. The stamp PDF is cached by its text: it
  renders again only when a part's length changes (0.45 s for 93 near-empty pages in a warm worker),
  never for a change that keeps every length; binding and stamping take 0.3 s.

The front matter (cover and contents) is rendered with the parts' first pages written into the
contents (``numbered_front``): cached by those numbers too, so it renders again only when a length
changes. Its own length is learnt from a render with every number 0 (cached by its HTML), and checked.

What binding keeps: every page in order (a landscape form turned, /Rotate 270, as before); the
bookmarks of every part, the forms' under 附录　表单; the links across parts (the contents, a document's
《mention》 of another, the appendix's table): each part keeps its links to anchors it does not hold
(``render.borrow_anchors``) and the bound file's named destinations are the parts' real anchors; the
tag trees of the parts under one Document element with their parent trees renumbered; PDF/A-2b (the
front part's XMP, output intent and document information, version 1.7); page labels 1…N, the printed
全册 number; ``/PageMode /UseOutlines``. Same parts, same bytes (qpdf's deterministic /ID).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.render.pdf import STYLESHEET
from generator.render.pdf.html import Part, PdfJob
from generator.render.pdf.paper import css_variables

if TYPE_CHECKING:
    import pikepdf

FRONT = "front"
STAMPS = "stamps"


def part_jobs(job: PdfJob) -> list[PdfJob]:
    """The render of each part of the manual ``job``; the front matter's with every contents number 0
    (its length is what counts: the numbered one is rendered once the parts' lengths are known)."""
    front, *others = job.parts
    return [
        PdfJob(
            "manual",
            f"{job.id}:{part.name}",
            job.output,
            numbered_front(front, others, None) if part is front else part.html,
            grow=part.grow,
            archival=True,
            part=True,
        )
        for part in job.parts
    ]


def starts(lengths: Sequence[int]) -> list[int]:
    """The first page (1-based, in the whole) of each part, from the parts' lengths in order."""
    found, at = [], 1
    for length in lengths:
        found.append(at)
        at += length
    return found


def numbered_front(front: Part, parts: Sequence[Part], first_pages: Sequence[int] | None) -> str:
    """The front matter's HTML with each part's first page written into the contents (``None``: every
    number 0, the render whose length is the front's)."""
    numbers = first_pages or [0] * len(parts)
    css = "".join(
        f'ol.toc a[href="#{part.anchor}"]::after {{ content: "{number}" !important; }}'
        for part, number in zip(parts, numbers, strict=True)
        if part.anchor
    )
    return front.html.replace("</head>", f"<style>{css}</style></head>", 1)


def stamp_texts(parts: Sequence[Part], metas: Sequence[dict]) -> list[tuple[str, str]]:
    """(the @page name, the page number text) of every page of the bound manual: 第 n 页 共 N 页, or on a
    form's pages 本表第 k 页 共 m 页　全册第 n 页 共 N 页; nothing on the cover."""
    lengths = [int(meta["pages"]) for meta in metas]
    total = sum(lengths)
    texts = []
    for part, meta, first in zip(parts, metas, starts(lengths), strict=True):
        length = int(meta["pages"])
        for k, name in enumerate(meta["names"], start=1):
            n = first + k - 1
            if name == "cover":
                text = ""
            elif part.name.startswith("form-"):
                text = f"本表第 {k} 页 共 {length} 页　全册第 {n} 页 共 {total} 页"
            else:
                text = f"第 {n} 页 共 {total} 页"
            texts.append((name or "", text))
    return texts


_STAMP_CSS = (
    "@page { border: none !important;"
    + "".join(
        f" @{box} {{ content: none !important; }}"
        for box in ("top-left", "top-center", "top-right", "bottom-left", "bottom-center")
    )
    + " @bottom-right { content: string(stamp) !important; } }"
    + " div.stamp { break-before: page; string-set: stamp attr(data-n); height: 0; }"
)


def stamp_html(texts: Sequence[tuple[str, str]]) -> str:
    """One page per page of the manual, of the same @page type, holding only its page number."""
    pages = "".join(
        f'<div class="stamp" style="page: {name}" data-n="{html_lib.escape(text)}"></div>\n'
        if name
        else f'<div class="stamp" data-n="{html_lib.escape(text)}"></div>\n'
        for name, text in texts
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>页码</title>\n'
        f'<style>{css_variables()}</style>\n<link rel="stylesheet" href="{STYLESHEET}">\n'
        f'<style>{_STAMP_CSS}</style>\n</head>\n<body class="manual stamps">\n{pages}</body>\n</html>\n'
    )


def stamp_job(job: PdfJob, texts: Sequence[tuple[str, str]]) -> PdfJob:
    return PdfJob("manual", f"{job.id}:{STAMPS}", job.output, stamp_html(texts), tags=False)


def bound_key(inputs: str, keys: Sequence[str]) -> str:
    """The bound manual's cache key: its parts' keys, the stamps', this code and pikepdf's version."""
    digest = hashlib.sha256()
    digest.update(f"bound manual\npikepdf {version('pikepdf')}\n{inputs}\n".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update("\n".join(keys).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Bound:
    path: Path  # the part's PDF
    part: Part
    borrowed: tuple[str, ...]  # anchors it links to and holds only as stand-ins


def bind(parts: Sequence[Bound], stamps: Path, texts: Sequence[tuple[str, str]]) -> bytes:
    """The parts (the numbered front first) bound into one PDF, numbered by the ``stamps`` PDF."""
    import pikepdf

    binder = _Binder(pikepdf.new())
    try:
        for bound in parts:
            binder.add(bound)
        binder.number(stamps, texts)
        binder.turn(parts)
        return binder.finish()
    finally:
        for pdf in binder.opened:
            pdf.close()


class _Binder:
    """One manual.pdf being bound: its pages, the one structure tree (every part's tags under one
    Document element, the parent tree renumbered), the named destinations and the bookmarks."""

    def __init__(self, out: pikepdf.Pdf) -> None:
        from pikepdf import Array, Dictionary, Name  # lazy: pikepdf, only where a manual is bound

        self.out = out
        self.opened: list[pikepdf.Pdf] = []  # kept open until saved: qpdf copies stream data when writing
        self.document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([self.document])))
        self.document.P = self.tree
        self.nums = Array()
        self.next_key = 0
        self.destinations: dict[str, pikepdf.Array] = {}
        self.outline: list[pikepdf.OutlineItem] = []

    def add(self, bound: Bound) -> None:
        """A part's pages, tags, destinations and bookmarks, after those already bound."""
        import pikepdf
        from pikepdf import Array, Dictionary

        out = self.out
        src = pikepdf.open(bound.path)
        self.opened.append(src)
        first = len(out.pages)
        with warnings.catch_warnings():  # named destinations are rebuilt below, from every part's
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(src.pages)
        pages = {src.pages[i].obj.objgen: out.pages[first + i].obj for i in range(len(src.pages))}

        def mapped(dest: Array) -> Array | None:
            target = pages.get(dest[0].objgen) if len(dest) and isinstance(dest[0], Dictionary) else None
            return None if target is None else Array([target, *[_plain(x) for x in list(dest)[1:]]])

        self._tags(src, first)
        self._destinations(src, bound, mapped)
        # bookmarks: a form's go under the appendix's (the last one before it)
        items = [_outline_item(item, mapped) for item in src.open_outline().root]
        if bound.part.name.startswith("form-") and self.outline:
            self.outline[-1].children.extend(items)
        else:
            self.outline.extend(items)

    def _tags(self, src: pikepdf.Pdf, first: int) -> None:
        """The part's elements under the one Document element, its parent tree renumbered."""
        from pikepdf import Array, Name

        if Name.StructTreeRoot not in src.Root:
            return
        copied = self.out.copy_foreign(src.Root.StructTreeRoot)
        for top in copied.get(Name.K, Array()):
            for kid in top.get(Name.K, Array()):
                kid.P = self.document
                self.document.K.append(kid)
        parent = copied.get(Name.ParentTree)
        used = -1
        if parent is not None:
            flat = list(parent.get(Name.Nums, Array()))
            for key, value in zip(flat[::2], flat[1::2], strict=True):
                self.nums.append(int(key) + self.next_key)
                self.nums.append(value)
                used = max(used, int(key))
        for page in self.out.pages[first:]:
            if Name.StructParents in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + self.next_key
            for annotation in page.obj.get(Name.Annots, Array()):
                if Name.StructParent in annotation:
                    annotation.StructParent = int(annotation.StructParent) + self.next_key
        self.next_key += used + 1

    def _destinations(
        self, src: pikepdf.Pdf, bound: Bound, mapped: Callable[[pikepdf.Array], pikepdf.Array | None]
    ) -> None:
        """The part's own anchors (a stand-in gives way to the part holding it)."""
        from pikepdf import Array, Dictionary, Name, NameTree

        if Name.Names not in src.Root or Name.Dests not in src.Root.Names:
            return
        borrowed = set(bound.borrowed)
        for raw, dest in NameTree(src.Root.Names.Dests).items():
            name = raw if isinstance(raw, str) else raw.decode()
            if name in borrowed or name in self.destinations:
                continue
            where = dest.get(Name.D) if isinstance(dest, Dictionary) else dest
            target = mapped(where) if isinstance(where, Array) else None
            if target is not None:
                self.destinations[name] = target

    def number(self, stamps: Path, texts: Sequence[tuple[str, str]]) -> None:
        """Page numbers, stamped as artifacts."""
        import pikepdf
        from pikepdf import Name

        stamp = pikepdf.open(stamps)
        self.opened.append(stamp)
        for index, (page, (_, text)) in enumerate(zip(self.out.pages, texts, strict=True)):
            if not text:
                continue
            xobject = self.out.copy_foreign(stamp.pages[index].as_form_xobject())
            # one name per page: the pages of a part share one /Resources dictionary (WeasyPrint), and
            # add_resource's prefix= picks a random name (not the same bytes twice)
            resource = Name(f"/ProcgenPageNumber{index + 1}")
            page.add_resource(xobject, Name.XObject, resource)
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"\nQ\n/Artifact BMC\nq " + str(resource).encode() + b" Do Q\nEMC\n")

    def turn(self, parts: Sequence[Bound]) -> None:
        """The landscape forms turned onto their side."""
        at = 0
        for bound, src in zip(parts, self.opened, strict=False):
            length = len(src.pages)
            if bound.part.rotate:
                for page in self.out.pages[at : at + length]:
                    page.obj.Rotate = bound.part.rotate
            at += length

    def finish(self) -> bytes:
        """The front matter's metadata, the tags, destinations and bookmarks in place; the bytes."""
        import pikepdf
        from pikepdf import Array, Dictionary, Name, NameTree

        out = self.out
        front = self.opened[0]
        root = out.Root
        for key in (Name.Metadata, Name.OutputIntents, Name.Lang):
            if key in front.Root:
                value = front.Root[key]
                root[key] = out.copy_foreign(value) if value.is_indirect else _copy_direct(out, value)
        if Name.Info in front.trailer:
            out.trailer.Info = out.copy_foreign(front.trailer.Info)
        root.MarkInfo = Dictionary(Marked=True)
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        root.PageMode = Name.UseOutlines
        root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))  # the printed 全册 numbers
        self.tree.ParentTree = out.make_indirect(Dictionary(Nums=self.nums))
        self.tree.ParentTreeNextKey = self.next_key
        root.StructTreeRoot = self.tree
        names = NameTree.new(out)
        for name in sorted(self.destinations):
            names[name] = self.destinations[name]
        root.Names = Dictionary(Dests=names.obj)
        with out.open_outline() as bookmarks:
            bookmarks.root.extend(self.outline)
        buffer = io.BytesIO()
        out.save(
            buffer,
            deterministic_id=True,
            fix_metadata_version=False,
            force_version="1.7",
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
        )
        return buffer.getvalue()


def _plain(value: Any) -> object:
    """A direct scalar of a foreign PDF, as a plain value (a name, number or null)."""
    import pikepdf

    if isinstance(value, pikepdf.Name):
        return pikepdf.Name(str(value))
    if value is None:
        return None
    try:
        return float(value) if not isinstance(value, bool) else value
    except (TypeError, ValueError):
        return value


def _copy_direct(out: pikepdf.Pdf, value: Any) -> object:
    """A direct object of a foreign PDF copied into ``out`` (its indirect members copied too)."""
    import pikepdf

    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([out.copy_foreign(v) if v.is_indirect else _copy_direct(out, v) for v in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary(
            {k: (out.copy_foreign(v) if v.is_indirect else _copy_direct(out, v)) for k, v in value.items()}
        )
    if isinstance(value, pikepdf.String):
        return pikepdf.String(bytes(value))
    return _plain(value)


def _outline_item(
    item: pikepdf.OutlineItem, mapped: Callable[[pikepdf.Array], pikepdf.Array | None]
) -> pikepdf.OutlineItem:
    from pikepdf import Array, OutlineItem

    dest = item.destination
    target = mapped(dest) if isinstance(dest, Array) else None
    copy = OutlineItem(item.title, destination=target)
    copy.is_closed = item.is_closed
    copy.children.extend(_outline_item(child, mapped) for child in item.children)
    return copy
