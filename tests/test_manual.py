"""manual.pdf bound from cached parts (generator/render/pdf/manual.py), read back after real changes.

One copy of the repository's definitions is built once (the manual alone); then a form's label is
changed, then a document grows by pages: each rebuild renders the changed part (and, when a length
changed, the front matter and the page-number stamps) and takes the others from the cache, and the
bound file's contents, footers, bookmarks, links and page labels are those of the whole.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EPOCH
from pypdf import PdfReader

from generator.check.run import load_manual
from generator.render.pdf.build import BuildResult, build
from generator.render.pdf.manual import numbered_front, stamp_html, stamp_texts, starts

ROOT = Path(__file__).parents[1]
FORM = "return-visit-statistics"
DOCUMENT = "procedures/11-return-visit.yml"
SENTENCE = "text: 规范回访工作，及时验证管理服务工作的质量和效果，确保管理服务工作质量。"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- fast: the numbering


def test_parts_start_where_the_ones_before_end() -> None:
    assert starts([3, 19, 1, 2]) == [1, 4, 23, 24]


def test_stamps_number_the_whole_and_a_form_in_itself() -> None:
    from generator.render.pdf.html import Part

    parts = [Part("front", ""), Part("doc-a", "", anchor="doc-a"), Part("form-x", "", anchor="form-x")]
    metas = [
        {"pages": 2, "names": ["cover", "front"]},
        {"pages": 2, "names": ["doc", "doc-landscape"]},
        {"pages": 2, "names": ["form-portrait", "form-portrait"]},
    ]
    assert stamp_texts(parts, metas) == [
        ("cover", ""),
        ("front", "第 2 页 共 6 页"),
        ("doc", "第 3 页 共 6 页"),
        ("doc-landscape", "第 4 页 共 6 页"),
        ("form-portrait", "本表第 1 页 共 2 页　全册第 5 页 共 6 页"),
        ("form-portrait", "本表第 2 页 共 2 页　全册第 6 页 共 6 页"),
    ]
    html = stamp_html(stamp_texts(parts, metas))
    assert html.count('class="stamp"') == 6 and 'style="page: doc-landscape"' in html
    front = Part("front", "<html><head></head><body></body></html>")
    assert 'ol.toc a[href="#form-x"]::after { content: "5" !important; }' in numbered_front(front, parts[1:], [3, 5])


# --------------------------------------------------------------------------- rendered


def _build(root: Path, out: Path, cache: Path) -> BuildResult:
    return build(load_manual(root), root, out, only=["manual"], jobs=2, cache_dir=cache)


def _check_whole(path: Path) -> None:
    """The contents give each bookmarked part's first page; every page's foot counts the whole; the
    page labels are the printed numbers; the contents' links land on those pages."""
    reader = PdfReader(path)
    total = len(reader.pages)
    assert reader.page_labels == [str(n) for n in range(1, total + 1)]
    contents = "".join(page.extract_text() for page in reader.pages[1:4])
    top = [item for item in reader.outline if not isinstance(item, list)]
    appendix = reader.outline[reader.outline.index(next(i for i in top if i.title == "附录　表单")) + 1]
    checked = 0
    for item in [*top, *appendix]:
        if item.title == "目录":
            continue
        title = item.title.split(" ", 1)[-1]
        page = reader.get_destination_page_number(item) + 1
        found = re.search(re.escape(title) + r"[\s.]*?(\d+)\s*$", contents, re.M)
        assert found and int(found.group(1)) == page, item.title
        checked += 1
    assert checked > 40
    for number, page in enumerate(reader.pages[1:], start=2):
        assert f"第{number}页共{total}页" in squeeze(page.extract_text()), number
    # the contents' entries link to named destinations held by the parts they name
    names = reader.named_destinations
    links = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    assert len(links) > 10
    for link in links:
        dest = names[str(link["/Dest"])]
        assert dest.page is not None and reader.get_page_number(dest.page) + 1 > 2


def test_a_changed_part_renders_alone_and_the_numbers_follow_a_grown_one(
    manual_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Starts from the PDF cache of the session's build of the same definitions (its manual.pdf was bound
    cold there, and is read back by test_pdf): the same parts are found by their content, nothing renders."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "repo"
    for folder in ("procedures", "forms"):
        shutil.copytree(ROOT / folder, root / folder)
    out, cache = tmp_path / "out", tmp_path / "cache"
    shutil.copytree(manual_build / "project" / ".cache" / "pdf", cache)
    first = _build(root, out, cache)
    assert first.parts == [] and first.rendered == [] and first.cached == ["manual.pdf"]
    assert (out / "manual.pdf").read_bytes() == (manual_build / "site" / "pdf" / "manual.pdf").read_bytes()
    _check_whole(out / "manual.pdf")
    before = PdfReader(out / "manual.pdf")
    length = len(before.pages)

    # one form's label: its part alone (no length changed: the front and the stamps are reused)
    form = root / "forms" / f"{FORM}.yml"
    form.write_text(form.read_text(encoding="utf-8").replace("回访宗数", "回访总宗数"), encoding="utf-8")
    second = _build(root, out, cache)
    assert second.parts == [f"form-{FORM}"]
    assert [r.output for r in second.rendered] == ["manual.pdf"]
    text = squeeze("".join(page.extract_text() for page in PdfReader(out / "manual.pdf").pages))
    assert "回访总宗数" in text and "回访宗数" not in text.replace("回访总宗数", "")

    # a document grows by pages: its part, then the contents and every foot are numbered anew
    document = root / DOCUMENT
    grown = SENTENCE.replace("。", "。" + ("一" * 80 + "。") * 30, 1)
    document.write_text(document.read_text(encoding="utf-8").replace(SENTENCE, grown, 1), encoding="utf-8")
    third = _build(root, out, cache)
    assert sorted(third.parts) == ["doc-return-visit", "front", "stamps"]
    after = PdfReader(out / "manual.pdf")
    assert len(after.pages) > length
    _check_whole(out / "manual.pdf")

    # nothing changed: nothing rendered, the bound file from the cache, the same bytes
    data = (out / "manual.pdf").read_bytes()
    fourth = _build(root, out, cache)
    assert fourth.parts == [] and fourth.rendered == [] and fourth.cached == ["manual.pdf"]
    assert (out / "manual.pdf").read_bytes() == data
