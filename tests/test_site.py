"""The MkDocs plugin: a small fixture catalog built into a site, read back page by page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import shared
from sitebuild import REPO, build, copy_repo, parse, resolve

from generator.render.site.search import read_index

FIXTURE = REPO / "tests" / "fixtures" / "site"


def _build_fixture_site(target: Path) -> None:
    project = copy_repo(FIXTURE, target / "project")
    result = build(project, target / "site", pdf=False)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture catalog's site, built once per run (shared by pytest-xdist workers)."""
    return shared(tmp_path_factory, "fixture-site", _build_fixture_site) / "site"


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_page_of_the_contract_exists(site: Path) -> None:
    for path in [
        "index.html",
        "procedures/alpha/index.html",
        "roles/officer/index.html",
        "roles/office/index.html",
        "roles/index.html",
        "forms/index.html",
        "forms/visit-log/index.html",
        "standards/index.html",
        "matrix/index.html",
        "records/index.html",
        "documents/index.html",
    ]:
        assert (site / path).is_file(), path


def test_nothing_is_written_into_docs() -> None:
    assert [p.name for p in (FIXTURE / "docs").iterdir()] == [".gitkeep"]


def test_text_from_yaml_is_escaped_everywhere(site: Path) -> None:
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in text, html_file
        assert "<b>粗</b>" not in text and "<i>姓名</i>" not in text and "<b>工作</b>" not in text, html_file
    doc = page(site, "procedures/alpha/index.html")
    assert "回访&lt;script&gt;alert(1)&lt;/script&gt;规范" in doc
    assert "**加粗**" in doc and "{{ x }}" in doc and "&lt;b&gt;粗&lt;/b&gt;" in doc
    assert "<strong>加粗</strong>" not in doc


def test_document_page_has_control_block_numbering_matrix_and_history(site: Path) -> None:
    doc = page(site, "procedures/alpha/index.html")
    for text in ("TS-GL-01", "2024-02-23", "2025-02-23", "首次发布", "回访测试规范"):
        assert text in doc
    assert re.search(r'<span class="pm-label">一、</span>职责', doc)
    assert re.search(r'<span class="pm-label">1、</span>物管员负责回访工作', doc)
    assert "目标 回访率 100%" in doc  # a whole 100% is printed as the text says it, never "≥ 100%" (target_rule)
    assert "期限 投诉处理完毕后3天内" in doc
    assert 'id="matrix"' in doc and "pm-raci" in doc
    assert 'href="../../pdf/procedures/alpha.pdf"' in doc
    assert 'class="pm-flow-body"' in doc and "mermaid" not in doc  # the chart is drawn at build time


def test_mentions_link_to_forms_and_external_documents(site: Path) -> None:
    doc = page(site, "procedures/alpha/index.html")
    assert '<a class="pm-mention" href="../../forms/visit-log/">《<span>回访登记表</span>》</a>' in doc
    assert '<a class="pm-mention" href="../../documents/#ext-city-rules">《<span>城市物业条例</span>》</a>' in doc
    assert "待编写" in doc and "外来文件" in doc


def test_role_page_gathers_duties_targets_deadlines_and_forms(site: Path) -> None:
    officer = page(site, "roles/officer/index.html")
    assert "物管员负责回访工作" in officer
    assert "投诉处理完毕后3天内" in officer
    assert "回访登记表" in officer
    assert 'href="../../pdf/training/officer.pdf"' in officer
    assert "所在部门的职责" in officer and "管理处负责保存回访登记表" in officer
    manager = page(site, "roles/manager/index.html")
    assert "回访率 100%" in manager and "≥ 100%" not in manager  # a whole, as the seed says it


def test_form_preview_and_registers(site: Path) -> None:
    form = page(site, "forms/visit-log/index.html")
    assert 'href="../../pdf/forms/visit-log.pdf"' in form
    assert '<table class="ruled' in form  # the printed form's own markup (templates/pdf/_form.html.j2)
    assert form.count('<td class="num">') == 30 and '<td class="num">30</td>' in form  # numbered blank rows
    assert '<span class="box"></span>' in form and "回访人签名" in form
    assert "客户&lt;i&gt;姓名&lt;/i&gt;" in form
    records = page(site, "records/index.html")
    assert "TS-JL-01" in records and "保存2年" in records and "管理处" in records
    docs = page(site, "documents/index.html")
    assert "TS-GL-01" in docs and "城市物业条例" in docs and "服务指南" in docs
    assert "回访率 100%" in page(site, "standards/index.html")


def test_home_lists_documents_by_kind_and_roles(site: Path) -> None:
    home = page(site, "index.html")
    assert "程序文件" in home and "TS-GL-01" in home
    assert "我是物管员…" in home
    assert 'href="pdf/manual.pdf"' in home


def test_every_internal_link_resolves(site: Path) -> None:
    broken = []
    for html_file in site.rglob("*.html"):
        for _tag, _attr, url in parse(html_file).urls:
            target = resolve(site, html_file, url)
            if target is None:
                continue
            path, fragment = target
            if "/pdf/" in path.as_posix():
                continue  # PDFs are not rendered in this build (see test_browser for the full site)
            if not path.exists():
                broken.append(f"{html_file.relative_to(site)}: {url}")
            elif fragment and path.suffix == ".html" and fragment not in parse(path).ids:
                if not fragment.startswith("__"):
                    broken.append(f"{html_file.relative_to(site)}: {url} (no #{fragment})")
    assert not broken, "\n".join(broken[:20])


def test_no_page_references_an_outside_host(site: Path) -> None:
    outside = []
    for html_file in site.rglob("*.html"):
        for tag, attr, url in parse(html_file).urls:
            if re.match(r"^(https?:)?//", url) and tag in ("script", "link", "img", "iframe", "source"):
                outside.append(f"{html_file.relative_to(site)}: <{tag} {attr}={url}>")
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\((['\"]?)(https?://[^)'\"]+)", css.read_text(encoding="utf-8")):
            outside.append(f"{css.relative_to(site)}: {url[1]}")
    assert not outside, "\n".join(outside)


def test_search_index_has_an_entry_per_clause_titled_by_its_path(site: Path) -> None:
    index = read_index(site)
    docs = {d["location"]: d for d in index["docs"]}
    clause = next(
        d for loc, d in docs.items() if loc.startswith("procedures/alpha/#") and "物管员负责回访工作" in d["text"]
    )
    assert clause["title"].startswith("一、1 ")  # cited without the enumeration comma its label ends with
    assert "\u200b" not in clause["text"]
    for catalog_page in ("matrix/", "standards/", "records/", "documents/", "roles/", "forms/"):
        entries = [d for loc, d in docs.items() if loc.split("#")[0] == catalog_page]
        assert len(entries) == 1 and len(entries[0]["text"]) < 200, entries  # a title, not the list it shows
    assert "index.html" not in docs and "" not in docs  # home lists, it does not answer
    form = docs["forms/visit-log/"]
    assert "保存：" in form["text"]
    words = index["config"]["procgen"]["words"]
    assert "回访测试规范" in words and "物管员" in words  # the catalog's own names are whole words
    home = (site / "index.html").read_text(encoding="utf-8")
    # Material's own setting as Material wrote it; the adapter loaded before its bundle points it at our worker
    assert re.search(r'"search": "assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"', home)
    assert re.search(r'search-adapter\.js" data-worker="assets/procedures/search-worker\.[0-9a-f]{8}\.js"', home)


def test_errors_fail_the_build_with_located_messages(tmp_path: Path) -> None:
    project = copy_repo(FIXTURE, tmp_path / "project")
    doc = project / "procedures" / "01-alpha.yml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("roles: [officer]", "roles: [oficer]"), encoding="utf-8")
    result = build(project, tmp_path / "site", pdf=False)
    assert result.returncode == 1
    assert "procedures/01-alpha.yml:21:17: error E204" in result.stderr and "E204" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site" / "procedures").exists()


def test_offline_variant_works_from_disk(tmp_path: Path) -> None:
    project = copy_repo(FIXTURE, tmp_path / "project")
    out = tmp_path / "site"
    result = build(project, out, pdf=False, offline=True)
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert (out / "procedures" / "alpha.html").is_file()  # no directory URLs: file:// works
    assert "unpkg.com" not in home and 'src="assets/procedures/iframe-worker-shim.js"' in home
    inlined = (out / "search" / "search_index.js").read_text(encoding="utf-8")  # Material's stub, config only
    assert inlined.startswith("var __index = ") and '"docs":[]' in inlined and len(inlined) < 2000
    assert '"procgen"' in (out / "search" / "procedures_index.js").read_text(encoding="utf-8")  # the manual's index
    assert 'href="procedures/alpha.html"' in home
    for html_file in out.rglob("*.html"):
        for _tag, _attr, url in parse(html_file).urls:
            assert not re.match(r"^(https?:)?//", url), f"{html_file}: {url}"
