# ruff: noqa: F811 - `repo` is the fixture imported from test_control
"""Document history keyed by document id: renames and renumbering with `git mv`, withdrawals, versions
that only go up, versions read from parsed YAML, submodules. Each test makes a real git repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MANUAL_EPOCH, MANUAL_TODAY, release
from pypdf import PdfReader
from test_control import DOC, DOC_NOW, bump, codes, edit, git, line_of, repo  # noqa: F401 - the fixture too

from generator.catalog.vocabulary import VOCABULARY_FILE
from generator.check.run import check
from generator.cli.main import main

MOVED = "procedures/07-mission-philosophy.yml"  # no form and no other document refers to it
RENUMBERED = "procedures/13-mission-philosophy.yml"
WITHDRAWN = "procedures/12-building-service-scope.yml"


def renumber(root: Path) -> None:
    git(root, "mv", MOVED, RENUMBERED)
    edit(root, RENUMBERED, "code: WY-GL-07", "code: WY-GL-13")


def test_git_mv_with_a_new_code_and_the_same_version_is_e235(repo: Path) -> None:
    renumber(repo)
    assert codes(repo) == [(RENUMBERED, line_of(repo, RENUMBERED, r"^version:"), "E235")]
    message = next(p.message for p in check(repo).problems if p.code == "E235")
    assert "code" in message


def test_a_renumbered_document_keeps_its_versions_redline_and_archive(repo: Path) -> None:
    renumber(repo)
    was = bump(repo, RENUMBERED, summary="重新编号", change="编号由 WY-GL-07 改为 WY-GL-13。")
    assert codes(repo) == []
    git(repo, "commit", "-qam", "重新编号")
    result = check(repo)
    assert result.ok and result.catalog is not None
    versions = result.manual.versions["mission-philosophy"]
    assert [(v.version, v.current, v.code) for v in versions] == [
        (was.next, True, "WY-GL-13"),
        (was.version, False, "WY-GL-07"),
    ]
    assert versions[0].previous == was.version and versions[0].edits is not None
    assert versions[1].view is not None and versions[1].archive == f"archive/mission-philosophy/{was.version}.pdf"
    # after it, a content edit of the renumbered file compares with 1.1, not with a first version
    edit(repo, RENUMBERED, "title: 恒瑞物业管理服务宗旨经营理念", "title: 恒瑞物业管理服务宗旨与经营理念")
    assert [c for _, _, c in codes(repo)] == ["E235"]


def test_a_version_never_goes_down(repo: Path) -> None:
    bump(repo, to="0.9", effective=False)  # below the committed version, and never used
    assert [c for _, _, c in codes(repo) if c != "E232"] == ["E238"]
    assert (DOC, line_of(repo, DOC, r"^version:"), "E238") in codes(repo)


@pytest.mark.parametrize("written", ['"version": "{v}"', 'version: &v "{v}"', "version: '{v}'  # 注释"])
def test_versions_are_read_from_parsed_yaml(repo: Path, written: str) -> None:
    edit(repo, DOC, f'version: "{DOC_NOW.version}"', written.format(v=DOC_NOW.version))
    git(repo, "commit", "-qam", "只改写法")
    edit(repo, DOC, "# yaml-language-server", "# 又一行注释\n# yaml-language-server")
    assert codes(repo) == []


def test_a_withdrawn_document_stays_on_record(repo: Path) -> None:
    git(repo, "rm", "-q", WITHDRAWN, VOCABULARY_FILE)  # its terms name WY-GL-12's clauses too (E280 otherwise)
    assert codes(repo) == []
    git(repo, "commit", "-qm", "撤销 WY-GL-12")
    result = check(repo)
    assert result.ok and result.catalog is not None
    catalog = result.catalog
    assert all(d.id != "building-service-scope" for d in catalog.documents)
    [last] = result.manual.withdrawn
    version = release(Path(__file__).resolve().parents[1] / WITHDRAWN).version  # the version it was withdrawn at
    assert (last.document_id, last.version, last.status, last.retired) == (
        "building-service-scope",
        version,
        "已撤销",
        True,
    )
    assert last.withdrawn is not None and last.view is not None
    assert last in result.manual.changes


@pytest.mark.slow  # builds a site or runs real processes for seconds: not in make test-fast
def test_the_withdrawn_document_is_on_the_site_and_archived(repo: Path, tmp_path: Path) -> None:
    from sitebuild import build, copy_repo

    git(repo, "rm", "-q", WITHDRAWN, VOCABULARY_FILE)  # its terms name WY-GL-12's clauses too (E280 otherwise)
    git(repo, "commit", "-qm", "撤销 WY-GL-12")
    shutil.copy(Path(__file__).resolve().parents[1] / "mkdocs.yml", repo / "mkdocs.yml")
    (repo / "docs").mkdir(exist_ok=True)
    site = tmp_path / "site"
    done = build(repo, site, pdf=False, today=MANUAL_TODAY.isoformat(), epoch=MANUAL_EPOCH)
    assert done.returncode == 0, done.stderr[-2000:]
    documents = (site / "documents" / "index.html").read_text(encoding="utf-8")
    assert "已撤销的文件" in documents and "WY-GL-12" in documents.split('id="withdrawn"')[1].split('id="planned"')[0]
    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    version = release(Path(__file__).resolve().parents[1] / WITHDRAWN).version  # the version it was withdrawn at
    assert "已撤销" in changes and f"building-service-scope-v{version.replace('.', '-')}" in changes
    assert copy_repo  # the helper module is the one the site tests use
    from generator.render.pdf.build import build as build_pdfs

    out = tmp_path / "pdf"
    result = build_pdfs(check(repo).manual, repo, out, only=["building-service-scope"], jobs=1)
    assert f"archive/building-service-scope/{version}.pdf" in {r.output for r in result.rendered}
    archived = PdfReader(out / "archive" / "building-service-scope" / f"{version}.pdf")
    text = "".join(page.extract_text() for page in archived.pages)
    assert "撤销" in text and "作废" in text
    xmp = archived.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and archived.trailer["/Root"]["/OutputIntents"]  # kept as PDF/A-2b


def test_a_submodule_gives_one_notice(repo: Path, tmp_path: Path) -> None:
    inner = tmp_path / "definitions"
    shutil.move(repo / "procedures", inner)
    git(inner, "init", "-q", "-b", "main")
    git(inner, "add", ".")
    git(inner, "commit", "-qm", "一")
    git(repo, "rm", "-rq", "--cached", "procedures")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", f"file://{inner}", "procedures")
    git(repo, "commit", "-qm", "子模块")
    edit(repo, DOC, "规范回访工作，及时验证", "规范回访工作，及时核实")
    result = check(repo)
    assert result.ok and len(result.notices) == 1 and "子模块" in result.notices[0]
    assert main(["check", str(repo)]) == 0
