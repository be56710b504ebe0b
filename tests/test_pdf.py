"""The printable PDFs, read back: page sizes, fonts, text, outline, cache, safety, glyph check.

Rendering is slow, so the real content is rendered once per session (every form, the manual,
one document and one training pack) and each test reads what it needs; the tests that change
the definitions work on a copy of the repository's procedures/ and forms/ under tmp_path.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DEPARTMENT_MEMBER, DOCUMENT, EPOCH, MANUAL_PRINTED, ROLE
from pypdf import PdfReader

from generator.catalog.views import Catalog
from generator.check.run import check, load_manual
from generator.cli.main import main as cli_main
from generator.manual import Manual
from generator.render.pdf import TEMPLATES
from generator.render.pdf.build import BuildResult, build, build_pdfs, source_date, warn_if_slow
from generator.render.pdf.html import HtmlPages
from generator.text.glyphs import coverage, font_file

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
A4 = (595.28, 841.89)
KANGXI = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")

pytestmark = pytest.mark.usefixtures("manual_today")
"""Every test here renders the real manual or a copy of it."""


def text_of(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def copy_repo(target: Path, *fixtures: str) -> Path:
    """The repository's definitions under ``target``, plus fixture forms from tests/fixtures/pdf."""
    for folder in ("procedures", "forms"):
        shutil.copytree(ROOT / folder, target / folder)
    for name in fixtures:
        shutil.copy(FIXTURES / f"{name}.yml", target / "forms" / f"{name}.yml")
    return target


# --------------------------------------------------------------------------- fast: no rendering


def test_every_pdf_is_planned_at_its_path(manual: Manual) -> None:
    catalog = manual.catalog
    pages = HtmlPages(manual, MANUAL_PRINTED)
    selected = pages.select()
    assert len([k for k in selected if k[0] == "form"]) == len(catalog.forms) == 29
    assert len([k for k in selected if k[0] == "document"]) == len(catalog.documents) == 12
    assert ("manual", "manual") in selected
    packs = {key for kind, key in selected if kind == "training"}
    assert packs == {r.id for r in catalog.roles if r.trained}
    assert "customer" not in packs  # an outside party gets no training pack
    assert pages.form("return-visit-record").output == "forms/return-visit-record.pdf"
    assert pages.document(DOCUMENT).output == f"procedures/{DOCUMENT}.pdf"
    assert pages.training(ROLE).output == f"training/{ROLE}.pdf"


def test_html_is_chinese_and_escaped(tmp_path: Path) -> None:
    root = copy_repo(tmp_path / "repo", "escaping")
    pages = HtmlPages(load_manual(root), MANUAL_PRINTED)
    html = pages.form("escaping").html
    assert '<html lang="zh-CN">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** {{ x }}" in html
    assert "<script>" not in html
    assert f'<meta name="dcterms.created" content="{MANUAL_PRINTED:%Y-%m-%dT%H:%M:%SZ}">' in html


def test_font_is_set_on_every_page_margin_box() -> None:
    css = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    boxes = re.findall(r"@(?:top|bottom)-(?:left|center|right)\s*\{([^}]*)\}", css)
    assert boxes
    for body in boxes:
        assert 'font-family: "Noto Sans CJK SC"' in body, body
    assert re.search(r'body\s*\{[^}]*font-family: "Noto Sans CJK SC"', css)


def test_fetcher_serves_only_own_assets() -> None:
    from generator.render.pdf.fetcher import AssetFetcher, RefusedURL

    fetcher = AssetFetcher()
    css = fetcher.fetch((TEMPLATES / "print.css").as_uri())
    assert css.content_type == "text/css"
    assert b"Noto Sans CJK SC" in css.read()
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    for url in (
        "https://fonts.googleapis.com/css2?family=Noto+Sans+SC",
        "http://127.0.0.1/logo.png",
        "file:///etc/passwd",
        (TEMPLATES / ".." / ".." / "catalog.py").as_uri(),
        "ftp://example.com/x.css",
        "file://example.com/etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_missing_glyph_is_caught_by_the_checker_located(tmp_path: Path) -> None:
    assert 0xE000 not in coverage(font_file())
    root = copy_repo(tmp_path / "repo", "glyph-missing")
    found = [p for p in check(root).problems if p.code == "E301"]
    assert [(p.path, p.line) for p in found] == [("forms/glyph-missing.yml", 16)]
    assert "U+E000" in found[0].message


def test_missing_glyph_stops_procgen_pdf_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_repo(tmp_path / "repo", "glyph-missing")
    out = tmp_path / "out"
    assert cli_main(["pdf", str(root), "--out", str(out), "--only", "glyph-missing"]) == 1
    printed = capsys.readouterr().out
    assert re.search(r"^forms/glyph-missing\.yml:16:\d+: error E301 .*U\+E000", printed, re.M), printed
    assert not out.exists()


def test_missing_glyph_fails_the_pdf_build_even_past_the_checker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build keeps its own guard (text from templates, or a catalog built without checks).
    import generator.check.run as check_module

    monkeypatch.setattr(check_module, "RULES", [r for r in check_module.RULES if r.__name__ != "glyphs_exist"])
    root = copy_repo(tmp_path / "repo", "glyph-missing")
    out = tmp_path / "out"
    code = build_pdfs(load_manual(root), root, out, only=["glyph-missing"], cache_dir=tmp_path / "cache")
    printed = capsys.readouterr().out
    assert code == 1
    assert re.search(r"^forms/glyph-missing\.yml:16:\d+: error E301 .*U\+E000", printed, re.M), printed
    assert "forms/glyph-missing.pdf" in printed
    assert "Traceback" not in printed
    assert not out.exists()


def test_unknown_only_id_is_a_usage_error(tmp_path: Path, manual: Manual, capsys: pytest.CaptureFixture[str]) -> None:
    assert build_pdfs(manual, ROOT, tmp_path / "out", only=["no-such-id"], cache_dir=tmp_path / "c") == 2
    assert "no-such-id" in capsys.readouterr().err


def test_harfbuzz_subset_missing_warns_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import generator.render.pdf.build as build_module

    monkeypatch.setattr(build_module.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(build_module, "_warned_harfbuzz", False)
    warn_if_slow()
    warn_if_slow()
    err = capsys.readouterr().err
    assert err.count("libharfbuzz-subset0") == 1


def test_pdf_date_comes_from_source_date_epoch_or_the_content_never_the_clock(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2030, 1, 2, tzinfo=dt.UTC).timestamp())))
    assert source_date(catalog) == dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert source_date(catalog) == dt.datetime(
        2026, 12, 7, tzinfo=dt.UTC
    )  # newest effective/revision date (the 1.1 versions)


# --------------------------------------------------------------------------- the real content, rendered


ANNEXES = ("职责矩阵", "流程图", "记录与表单", "相关文件", "修订记录")


def _outline(reader: PdfReader) -> list[str]:
    def walk(items: list, depth: int = 0) -> list[str]:
        titles = []
        for item in items:
            titles += walk(item, depth + 1) if isinstance(item, list) else ["  " * depth + item.title]
        return titles

    return walk(reader.outline)


def test_every_pdf_is_tagged_titled_and_chinese(rendered: tuple[Path, BuildResult]) -> None:
    """Tagged (StructTreeRoot, MarkInfo), Title/Subject/Keywords, Lang zh-CN, the title shown by the
    reader (DisplayDocTitle); the copies kept as records are PDF/A-2b with an sRGB output intent."""
    out, _ = rendered
    # the archive copies of superseded versions (WY-GL-11 1.0, from the repository's history) are records too
    archival = {out / "manual.pdf", out / "procedures" / f"{DOCUMENT}.pdf", *(out / "archive").rglob("*.pdf")}
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) > 30 and archival <= set(pdfs)
    for pdf in pdfs:
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "zh-CN", pdf.name
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], pdf.name
        assert root["/ViewerPreferences"]["/DisplayDocTitle"], pdf.name
        info = reader.metadata
        assert info.title and info.subject and info["/Keywords"], pdf.name
        xmp = root["/Metadata"].get_object().get_data().decode() if "/Metadata" in root else ""
        intents = [intent.get_object() for intent in root.get("/OutputIntents", [])]
        if pdf in archival:
            assert re.search(r'pdfaid:part="2"', xmp) and re.search(r'pdfaid:conformance="B"', xmp), pdf.name
            assert reader.pdf_header == "%PDF-1.7"
            (intent,) = intents
            assert intent["/S"] == "/GTS_PDFA1"
            profile = intent["/DestOutputProfile"].get_object()
            assert profile["/N"] == 3 and b"sRGB" in profile.get_data()[:400], pdf.name
        else:
            assert "pdfaid" not in xmp and not intents, pdf.name


def test_bookmarks_for_every_part(rendered: tuple[Path, BuildResult], manual: Manual) -> None:
    out, _ = rendered
    copy = _outline(PdfReader(out / "procedures" / f"{DOCUMENT}.pdf"))
    # a document in a later version ends with its redline against the version before (1.0 → 1.1)
    current = manual.versions[DOCUMENT][0]
    redline = [f"  修订对照（{current.previous} 版 → {current.version} 版）"] if current.previous else []
    annexes = [f"  {a}" for a in ANNEXES] + redline
    assert copy[0] == "WY-GL-11 物业服务回访管理规范标准" and annexes == copy[-len(annexes) :]
    assert _outline(PdfReader(out / "training" / f"{ROLE}-quiz.pdf"))[1].startswith("  题目（共")
    assert _outline(PdfReader(out / "training" / f"{ROLE}-quiz-key.pdf"))[1].startswith("  答案与出处条款")
    pack = _outline(PdfReader(out / "training" / f"{ROLE}.pdf"))
    assert pack[0].startswith("岗位培训资料：") and len(pack) > 3


def test_copies_kept_as_records_are_pdfa_archive_copies_included(manual: Manual) -> None:
    from generator.render.pdf.html import ARCHIVAL, HtmlPages

    pages = HtmlPages(manual, MANUAL_PRINTED)
    assert ARCHIVAL == "pdf/a-2b"
    assert pages.document(DOCUMENT).archival and pages.manual_pdf().archival
    assert not pages.form("return-visit-record").archival and not pages.quiz(ROLE).archival
    assert ARCHIVAL in pages.document(DOCUMENT).source  # a change of level renders anew


@pytest.mark.slow
def test_page_sizes_are_a4(rendered: tuple[Path, BuildResult], catalog: Catalog) -> None:
    out, _ = rendered
    for view in catalog.forms:
        for page in PdfReader(out / "forms" / f"{view.form.id}.pdf").pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            expected = A4 if view.form.orientation == "portrait" else A4[::-1]
            assert size == pytest.approx(expected, abs=1), view.form.id
    for name in ("manual.pdf", f"procedures/{DOCUMENT}.pdf", f"training/{ROLE}.pdf"):
        sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(out / name).pages}
        assert sizes <= {(595, 842), (842, 595)}, name
    landscape = [v.form.id for v in catalog.forms if v.form.orientation == "landscape"]
    assert landscape, "the seed has wide forms"


@pytest.mark.slow
def test_fonts_are_embedded_noto_only(rendered: tuple[Path, BuildResult]) -> None:
    out, _ = rendered
    for name in ("forms/return-visit-record.pdf", "manual.pdf", f"training/{ROLE}.pdf"):
        reader = PdfReader(out / name)
        fonts = {}
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                fonts[str(font["/BaseFont"])] = font
        assert fonts, name
        for base, font in fonts.items():
            assert "Noto-Sans-CJK-SC" in base, (name, base)
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), (name, base)
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", out / "manual.pdf"], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), listing


@pytest.mark.slow
def test_form_text_reads_back(rendered: tuple[Path, BuildResult], catalog: Catalog) -> None:
    out, _ = rendered
    pages = text_of(out / "forms" / "return-visit-record.pdf")
    text = squeeze("".join(pages))
    for expected in (
        "回访记录表",
        "WY-JL-11-02",
        "版本1.1",
        "北京市恒瑞物业管理有限公司",
        "回访内容",
        "客户签名",
        "回访人签名",
        "项目经理意见",
        "签名/日期",
        "第1页共1页",
        "保存期限：2年·保管：项目处",
    ):
        assert expected in text, expected
    for view in catalog.forms:
        for page in text_of(out / "forms" / f"{view.form.id}.pdf"):
            assert not KANGXI.search(page), (view.form.id, KANGXI.findall(page))


@pytest.mark.slow
def test_form_choices_tables_and_row_labels(rendered: tuple[Path, BuildResult]) -> None:
    out, _ = rendered
    survey = squeeze("".join(text_of(out / "forms" / "resident-evaluation.pdf")))
    for expected in (
        "业户评议表",
        "服务质量评议",
        "评议项目",
        "维修保养服务",
        "公益性活动",
        "满意",
        "基本满意",
        "不满意",
    ):
        assert expected in survey, expected
    sign_in = text_of(out / "forms" / "training-sign-in.pdf")
    assert "培训签到表" in sign_in[0]
    numbers = re.findall(r"^(\d+)$", "\n".join(sign_in), re.M)
    assert [int(n) for n in numbers] == list(range(1, len(numbers) + 1)) and len(
        numbers
    ) >= 15  # grown to fill the page


@pytest.mark.slow
def test_controlled_copy(rendered: tuple[Path, BuildResult], catalog: Catalog) -> None:
    out, _ = rendered
    view = catalog.document(DOCUMENT)
    effective, due = view.document.effective, view.next_review  # 1.1 of 2026-12-07, review due 2027-12-07
    pages = text_of(out / "procedures" / f"{DOCUMENT}.pdf")
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        flat = squeeze(page)
        assert f"第{number}页共{total}页" in flat
        assert "打印件为非受控文件" in flat
        assert "WY-GL-11" in flat and "物业服务回访管理规范标准" in flat and f"生效日期{effective}" in flat
    text = squeeze("".join(pages))
    for expected in (
        "文件编号",
        "批准",
        "总裁",
        "下次评审",
        str(due),
        "4.1.1",
        "投诉事件的回访率要求达到100%",
        "职责矩阵",
        "负责（R）",
        "记录与表单",
        "WY-JL-11-02",
        "相关文件",
        "待编制",
        "修订记录",
        "首次发布",
        '"重大投拆"改为"重大投诉"',
        "编制项目处审核批准总裁",
        "签名签名签名",
        f"版本生成日期{MANUAL_PRINTED.date()}",
        "本文件以网站最新版为准",
    ):
        assert expected in text, expected
    assert due > MANUAL_PRINTED.date() and "评审已逾期" not in text  # printed on MANUAL_TODAY, before the review is due
    # the approved wording only: the 目标/期限 tags stay on the site
    # (4.1.2 a) is 投诉事件回访率 = 100% since 1.1, printed as a whole: 投诉事件回访率 100%)
    assert "目标投诉事件回访率100%" not in text and "期限投诉处理完毕后3天内" not in text
    assert not KANGXI.search("".join(pages))


@pytest.mark.slow
def test_manual_outline_contents_and_appendix(rendered: tuple[Path, BuildResult], catalog: Catalog) -> None:
    out, _ = rendered
    reader = PdfReader(out / "manual.pdf")
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"  # opens with the outline shown
    outline = reader.outline
    top = [item for item in outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    documents = [f"{d.document.code} {d.document.title}" for d in catalog.documents]
    assert [t for t in titles if t in documents] == documents  # "WY-GL-11 物业服务回访管理规范标准"
    assert "目录" in titles and "附录　表单" in titles
    # a document's top sections are bookmarked by their headings, never by a sentence
    by_title = {f"{d.document.code} {d.document.title}": d for d in catalog.documents}
    for index, item in enumerate(outline):
        if isinstance(item, list) or item.title not in by_title:
            continue
        headings = [s.heading for s in by_title[item.title].sections if s.title]
        children = outline[index + 1] if index + 1 < len(outline) and isinstance(outline[index + 1], list) else []
        titles_below = [child.title for child in children]
        assert titles_below[: len(headings)] == headings, item.title
        # a document in a later version adds its redline annex: 修订对照（1.0 版 → 1.1 版）
        assert {t for t in titles_below[len(headings) :] if not t.startswith("修订对照（")} <= set(ANNEXES), item.title
        assert not any(child.title.endswith("…") for child in children)
    # the contents give the page each document starts on
    contents = reader.pages[1].extract_text()
    for item in top:
        if item.title in by_title:
            page = reader.get_destination_page_number(item) + 1
            found = re.search(re.escape(by_title[item.title].document.title) + r"[\s.]*?(\d+)\s*$", contents, re.M)
            assert found and int(found.group(1)) == page, item.title
    # every form follows in the appendix, under the appendix bookmark, by code and title
    index = outline.index(top[titles.index("附录　表单")])
    forms = [item.title for item in outline[index + 1]]
    assert forms == [f"{f.form.code} {f.form.title}" for f in catalog.forms]
    # … and the contents give the page of the whole PDF each form starts on
    contents = "".join(page.extract_text() for page in reader.pages[1:4])
    for item, view in zip(outline[index + 1], catalog.forms, strict=True):
        page = reader.get_destination_page_number(item) + 1
        found = re.search(re.escape(view.form.title) + r"[\s.]*?(\d+)\s*$", contents, re.M)
        assert found and int(found.group(1)) == page, view.form.id
    # one page count for the whole PDF, on the documents' pages as on the forms'
    assert f"共{len(reader.pages)}页" in squeeze(reader.pages[len(reader.pages) // 3].extract_text())
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    assert "物业服务程序文件手册" in text  # procedures/company.yml's manual_title
    assert not KANGXI.search(text)


@pytest.mark.slow
def test_manual_forms_keep_their_own_head_and_page_numbers(
    rendered: tuple[Path, BuildResult], catalog: Catalog
) -> None:
    """A form in the appendix is the form as printed alone: its own head, its own 第 x 页 共 y 页; a
    landscape form is turned onto a portrait page (/Rotate 270), bound along its top edge."""
    out, _ = rendered
    reader = PdfReader(out / "manual.pdf")
    outline = reader.outline
    appendix = outline[
        outline.index(next(i for i in outline if not isinstance(i, list) and i.title == "附录　表单")) + 1
    ]
    starts = [reader.get_destination_page_number(item) for item in appendix] + [len(reader.pages)]
    views = list(catalog.forms)
    for view, first, end in zip(views, starts, starts[1:], strict=False):
        pages = reader.pages[first:end]
        alone = PdfReader(out / "forms" / f"{view.form.id}.pdf")
        head = squeeze(pages[0].extract_text())
        assert view.form.title in head and f"表单编号{view.form.code}" in head, view.form.id
        for number, page in enumerate(pages, start=1):
            text = squeeze(page.extract_text())
            assert f"本表第{number}页共{len(pages)}页" in text, (view.form.id, number)
            assert f"全册第{first + number}页共{len(reader.pages)}页" in text, (view.form.id, number)
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            if view.form.orientation == "landscape":
                assert (page.rotation, width > height) == (270, True), view.form.id
            else:
                assert (page.rotation, width < height) == (0, True), view.form.id
        assert len(pages) <= len(alone.pages) + 1, view.form.id
        if view.form.orientation == "portrait":  # grown as the form alone is: the same pages
            assert len(pages) == len(alone.pages), view.form.id


@pytest.mark.slow
def test_training_pack(rendered: tuple[Path, BuildResult]) -> None:
    out, _ = rendered
    pages = text_of(out / "training" / f"{ROLE}.pdf")
    text = squeeze("".join(pages))
    for expected in (
        "岗位培训资料",
        "物管员",
        "项目处",
        "岗位职责",
        "物业服务回访管理规范标准",
        "物管员负责依照本规范实施具体回访工作",
        "职责矩阵中的活动",
        "负责（R）",
        "应知文件",
        "使用的表单",
        "回访统计表",
        "目标与期限",
        "下一季度10日前",
    ):
        assert expected in text, expected
    # The sign-in sheet is not bound into every trainee's copy: the pack points to it.
    assert "培训日期" not in text and f"另行打印{ROLE}-sign-in.pdf" in text
    assert PdfReader(out / "training" / f"{ROLE}.pdf").trailer["/Root"]["/PageMode"] == "/UseOutlines"


@pytest.mark.slow
def test_training_sign_in_sheet_is_filled_in_for_the_pack(rendered: tuple[Path, BuildResult], catalog: Catalog) -> None:
    out, _ = rendered
    role = catalog.role(ROLE)
    pages = text_of(out / "training" / f"{ROLE}-sign-in.pdf")
    assert len(pages) == 1
    text = squeeze(pages[0])
    documents = "、".join(f"{d.document.code}《{d.document.title}》" for d in role.documents)
    assert f"培训主题{role.role.name}岗位培训：{documents}" in text
    assert f"组织部门{role.department.title}" in text
    for expected in ("培训签到表", "培训日期", "培训讲师", "序号", "签到", "第1页共1页"):
        assert expected in text, expected


def test_training_pack_of_a_department_member_has_the_department_duties(rendered: tuple[Path, BuildResult]) -> None:
    out, _ = rendered
    text = squeeze("".join(text_of(out / "training" / f"{DEPARTMENT_MEMBER}.pdf")))
    assert "所在部门的职责" in text and "对较复杂或较严重的问题，由管理处填写" in text  # 管理处's duty (WY-GL-01)


@pytest.mark.slow
def test_unchanged_session_build_renders_nothing(
    rendered: tuple[Path, BuildResult],
    manual: Manual,
    manual_build: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, first = rendered
    assert len(first.rendered) + len(first.cached) == len(first.written) > 30
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = build(
        manual,
        ROOT,
        tmp_path / "out",
        only=["return-visit-record", "manual"],
        cache_dir=manual_build / "project" / ".cache" / "pdf",
    )
    assert again.rendered == []
    assert sorted(again.cached) == ["forms/return-visit-record.pdf", "manual.pdf"]
    assert (tmp_path / "out" / "manual.pdf").read_bytes() == (out / "manual.pdf").read_bytes()


# --------------------------------------------------------------------------- changed definitions


@pytest.mark.slow
def test_long_table_repeats_its_header_on_every_page_and_text_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_repo(tmp_path / "repo", "long-sign-in", "escaping")
    out = tmp_path / "out"
    build(load_manual(root), root, out, only=["long-sign-in", "escaping"], cache_dir=tmp_path / "cache")
    pages = text_of(out / "forms" / "long-sign-in.pdf")
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "序号 姓名 部门 签到时间" in page
        assert f"第{number}页共{len(pages)}页" in squeeze(page)
    numbers = re.findall(r"^\d+$", "\n".join(pages), re.M)
    assert (
        numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 60
    )  # and more to fill the last page
    escaped = "".join(text_of(out / "forms" / "escaping.pdf"))
    assert "<script>alert(1)</script> **bold** {{ x }}" in escaped
    assert "<b>不加粗</b> & {% if true %}模板{% endif %}" in escaped


@pytest.mark.slow
def test_cache_renders_exactly_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = copy_repo(tmp_path / "repo")
    out, cache = tmp_path / "out", tmp_path / "cache"
    only = ["return-visit-receipt", "return-visit-statistics", DOCUMENT]
    first = build(load_manual(root), root, out, only=only, jobs=1, cache_dir=cache)
    assert sorted(r.output for r in first.rendered) == [
        "forms/return-visit-receipt.pdf",
        "forms/return-visit-statistics.pdf",
        f"procedures/{DOCUMENT}.pdf",
    ]
    assert build_pdfs(load_manual(root), root, out, only=only, jobs=1, cache_dir=cache) == 0
    assert "PDF：0 个需要重新生成，3 个未变（缓存）" in capsys.readouterr().out
    form = root / "forms" / "return-visit-statistics.yml"
    form.write_text(form.read_text(encoding="utf-8").replace("回访宗数", "回访总宗数"), encoding="utf-8")
    third = build(load_manual(root), root, out, only=only, jobs=1, cache_dir=cache)
    assert [r.output for r in third.rendered] == ["forms/return-visit-statistics.pdf"]
    assert sorted(third.cached) == ["forms/return-visit-receipt.pdf", f"procedures/{DOCUMENT}.pdf"]
    assert "回访总宗数" in "".join(text_of(out / "forms" / "return-visit-statistics.pdf"))
    assert not list(out.rglob("*.tmp"))


@pytest.mark.slow
def test_same_inputs_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    manual = load_manual(ROOT)
    for run in ("a", "b"):  # separate caches: both really render
        build(manual, ROOT, tmp_path / run, only=["return-visit-receipt"], jobs=1, cache_dir=tmp_path / f"cache-{run}")
    first = (tmp_path / "a" / "forms" / "return-visit-receipt.pdf").read_bytes()
    assert first == (tmp_path / "b" / "forms" / "return-visit-receipt.pdf").read_bytes()
    metadata = PdfReader(tmp_path / "a" / "forms" / "return-visit-receipt.pdf").metadata
    assert metadata["/CreationDate"] == metadata["/ModDate"] == f"D:{MANUAL_PRINTED:%Y%m%d%H%M%S}Z"


@pytest.mark.slow
def test_two_builds_give_identical_pdfs(manual_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same commit, same bytes: a controlled copy (PDF/A) with its archived versions, rendered twice in fresh
    worker processes with caches of their own; and the whole manual (its forms bound in, numbered in the
    whole) rendered afresh beside the one the session's `mkdocs build` made of the same definitions."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # WY-GL-11's earlier versions in the repository's history are archived with it (1.0, superseded by 1.1)
    archived = [v.archive for v in load_manual(ROOT).versions["return-visit"] if v.archive]
    for run in ("a", "b"):
        result = build(
            load_manual(ROOT), ROOT, tmp_path / run, only=["return-visit"], jobs=2, cache_dir=tmp_path / f"cache-{run}"
        )
        assert sorted(r.output for r in result.rendered) == sorted(["procedures/return-visit.pdf", *archived])
    for name in ("procedures/return-visit.pdf", *archived):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    project = manual_build / "project"
    result = build(
        load_manual(project), project, tmp_path / "c", only=["manual"], jobs=2, cache_dir=tmp_path / "cache-c"
    )
    assert [r.output for r in result.rendered] == ["manual.pdf"]
    assert (tmp_path / "c" / "manual.pdf").read_bytes() == (manual_build / "site" / "pdf" / "manual.pdf").read_bytes()


def test_there_is_no_fillable_option() -> None:
    """Removed (issue 27): WeasyPrint's AcroForm fields embed the whole CJK font and take no names or tooltips."""
    from generator.cli.main import main

    assert main(["pdf", "--fillable"]) == 2  # an unknown argument


def _descendants(pid: int) -> set[int]:
    """Processes started by ``pid``, by its children, and so on (from /proc): the fork server and the workers
    it forked."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    wanted = {pid}
    while wanted:
        wanted = {child for child, parent in parents.items() if parent in wanted} - found
        found |= wanted
    return found


def _cmdline(pid: int) -> str:
    """The command line of ``pid``; empty once it has ended (a short-lived child, as git, may end between
    being listed and being read)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_procgen_pdf_is_killed(tmp_path: Path) -> None:
    """SIGKILL runs no clean-up in procgen: its fork server and the workers forked from it must still end on
    their own."""
    import os
    import signal
    import sys
    import time

    project = tmp_path / "repo"
    for folder in ("procedures", "forms"):
        shutil.copytree(ROOT / folder, project / folder)
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "pdf", str(project), "--jobs", "2", "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 3:  # the server and two workers
            workers = (
                {pid for pid in _descendants(process.pid) if "multiprocessing" in _cmdline(pid)}
                if process.poll() is None
                else workers
            )
            time.sleep(0.2)
        assert len(workers) >= 3, "no fork server and workers started"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "workers outlived their parent"


@pytest.mark.slow
def test_the_starting_script_is_imported_once_by_the_fork_server_not_by_each_worker(tmp_path: Path) -> None:
    """A worker imports its parent's __main__ first (the procgen script, and so the whole command line: 0.3 s
    of CPU before its first PDF); the fork server does it once for all of them (render.import_main)."""
    import sys
    import textwrap

    log = tmp_path / "imported.log"
    script = tmp_path / "starter.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            sys.path.insert(0, {str(ROOT)!r})
            with open({str(log)!r}, "a") as f:
                f.write(__name__ + "\\n")
            import concurrent.futures
            from generator.render.pdf import build

            def where(_):
                return os.getpid(), sys.modules["__main__"].__file__

            if __name__ == "__main__":
                build.start_workers()
                with concurrent.futures.ProcessPoolExecutor(2, mp_context=build._context()) as pool:
                    print(len({{pid for pid, _ in pool.map(where, range(16))}}), *{{main for _, main in pool.map(where, [0])}})
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    workers, main = done.stdout.split()
    assert int(workers) >= 1 and main == str(script)  # the workers' __main__ is the script, with its functions
    assert log.read_text().split() == ["__main__", "__mp_main__"]  # here, and once in the server


def test_what_the_binding_waits_for_renders_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks added ``first`` (manual.pdf's parts, then its stamps and front matter) go ahead of the others, in
    the order added; the others go longest first."""
    from generator.render.pdf import build as module
    from generator.render.pdf.render import RenderResult, RenderTask

    order: list[str] = []

    def fake(task: RenderTask) -> RenderResult:
        order.append(task.key)
        return RenderResult(task.output, task.key, 0.0, 1)

    monkeypatch.setattr(module, "render", fake)
    renderer = module._Renderer(1)
    renderer.add([RenderTask(k, k, "x" * n, "") for k, n in (("short", 1), ("long", 9), ("middle", 5))])
    renderer.add([RenderTask(k, k, "x" * n, "") for k, n in (("stamps", 2), ("front", 8))], first=True)
    assert [r.key for r in renderer.wait(["front"])] == ["front"]
    assert order == ["stamps", "front"]
    renderer.wait(["short"])
    assert order == ["stamps", "front", "long", "middle", "short"]
    with pytest.raises(RuntimeError):  # never queued: an error of ours, not a wait for ever
        renderer.wait(["missing"])


def test_a_copy_printed_after_its_review_date_says_the_review_is_overdue(manual: Manual) -> None:
    catalog = manual.catalog
    due = catalog.document(DOCUMENT).next_review  # its latest entry + review_months (2027-12-07 for 1.1 of 2026-12-07)
    late, early = (
        dt.datetime.combine(day, dt.time(), dt.UTC) for day in (due + dt.timedelta(days=6), due - dt.timedelta(days=22))
    )
    late_html = HtmlPages(manual, late).document(DOCUMENT).html
    early_html = HtmlPages(manual, early).document(DOCUMENT).html
    assert "评审已逾期" in late_html and "评审已逾期" not in early_html
    assert late.date().isoformat() in late_html  # the print date


def test_pdfs_are_dated_by_the_commit_of_a_repository(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.render.pdf.build import commit_time

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo = tmp_path / "repo"
    repo.mkdir()
    assert commit_time(repo) is None  # not a repository: the content's date
    env = {"GIT_AUTHOR_DATE": "2025-05-06T07:08:09Z", "GIT_COMMITTER_DATE": "2025-05-06T07:08:09Z"}
    for args in (
        ["init", "-q"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env={**__import__("os").environ, **env})
    assert commit_time(repo) == dt.datetime(2025, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert source_date(catalog, repo) == dt.datetime(2025, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert commit_time(repo / "sub") is None  # only the top of a work tree
