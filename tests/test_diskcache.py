"""The check's cache on disk (generator/source/diskcache.py, loader.FileCache): reused by the next run, invalidated by
a byte change, a corrupt or unreadable entry is a miss, a cache that cannot be written is no cache, two checks at
once both succeed; the history's blob facts give the same version rule as reading the blobs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import build_repo
from test_control import DOC, codes, edit, repo  # noqa: F401 - the fixture too

import generator.source.loader as loader
from generator.check.run import check
from generator.source.diskcache import Store, Table, code_version, key_of
from generator.source.problems import Problem

pytestmark = pytest.mark.usefixtures("fixed_today")

FIXTURE_DOC = "procedures/01-return-visit.yml"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the loader parses from their bytes (not from a cache), in a fresh process's state."""
    monkeypatch.setattr(loader, "_LATEST", {})
    seen: list[str] = []
    real = loader._load_uncached

    def counting(path: str, raw: bytes):  # noqa: ANN202
        seen.append(path)
        return real(path, raw)

    monkeypatch.setattr(loader, "_load_uncached", counting)
    return seen


def _problems(root: Path) -> list[tuple[str, int, int, str, str]]:
    return [(p.path, p.line, p.col, p.code, p.message) for p in check(root).problems]


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".cache" / "check").rglob("*") if p.is_file())


def test_a_second_run_reads_every_file_from_the_cache(tmp_path: Path, parses: list[str]) -> None:
    root = build_repo(tmp_path / "r")
    first = _problems(root)
    parsed = len(parses)
    assert parsed >= 6 and len(_entries(root)) >= parsed - 1  # vocabulary.yml is read apart
    loader._LATEST.clear()  # as a new process would start
    parses.clear()
    assert _problems(root) == first
    assert parses == [] or parses == ["procedures/vocabulary.yml"]


def test_a_byte_change_parses_that_file_alone(tmp_path: Path, parses: list[str]) -> None:
    root = build_repo(tmp_path / "r")
    _problems(root)
    loader._LATEST.clear()
    parses.clear()
    path = root / "forms" / "visit-record.yml"
    path.write_bytes(path.read_bytes() + b"# a comment changes the bytes, not the data\n")
    check(root)
    assert [p for p in parses if p != "procedures/vocabulary.yml"] == ["forms/visit-record.yml"]


def test_a_cached_file_reports_its_problems_at_their_lines(tmp_path: Path, parses: list[str]) -> None:
    root = build_repo(tmp_path / "r")
    edit(root, FIXTURE_DOC, "owner: project-office", "owner: project-offic")
    first = _problems(root)
    assert any(code == "E204" for _, _, _, code, _ in first)
    loader._LATEST.clear()
    parses.clear()
    assert _problems(root) == first  # positions come back from the cache, unpickled when a problem needs them
    assert FIXTURE_DOC not in parses


def test_what_a_rule_found_in_one_file_comes_back_with_the_file(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that reads one file alone keeps what it found with the file's cached data (registry.in_file): the
    next run reports it at its line without walking the file again; a change of the file walks it again."""
    from generator.check.registry import Context

    worked_out: list[tuple[str, str]] = []
    real = Context.in_file

    def counting(self: Context, located: loader.Located, rule: str, find: Callable[[], Iterable[Problem]]):  # noqa: ANN202
        def counted() -> Iterable[Problem]:
            worked_out.append((located.path, rule))
            return find()

        return real(self, located, rule, counted)

    monkeypatch.setattr(Context, "in_file", counting)
    root = build_repo(tmp_path / "r")
    edit(root, FIXTURE_DOC, 'value: 100, unit: "%"', 'value: 950, unit: "%"')
    first = _problems(root)
    assert [(path, code) for path, _, _, code, _ in first if code == "E213"] == [(FIXTURE_DOC, "E213")]
    assert (FIXTURE_DOC, "target_values") in worked_out
    loader._LATEST.clear()
    parses.clear()
    worked_out.clear()
    assert _problems(root) == first and FIXTURE_DOC not in parses
    assert worked_out == []  # every file's findings came back with it
    edit(root, FIXTURE_DOC, 'value: 950, unit: "%"', 'value: 960, unit: "%"')
    loader._LATEST.clear()
    assert [message for _, _, _, code, message in _problems(root) if code == "E213"] == [
        "目标「投诉事件回访率」为百分比，数值 960 须在 0 到 100 之间"
    ]
    assert {path for path, _ in worked_out} == {FIXTURE_DOC}


def test_a_lost_positions_entry_is_parsed_again_from_the_same_bytes(tmp_path: Path, parses: list[str]) -> None:
    root = build_repo(tmp_path / "r")
    edit(root, FIXTURE_DOC, "owner: project-office", "owner: project-offic")
    first = _problems(root)
    located = [p for p in _entries(root) if p.name.endswith("-located")]
    assert located and len(located) * 2 == len(_entries(root))  # each file: its memo, its data and positions
    for entry in located:
        entry.unlink()  # pruned by another run, say
    loader._LATEST.clear()
    parses.clear()
    assert _problems(root) == first
    assert parses == [FIXTURE_DOC]  # only the file with a problem to place, and its entry written again
    loader._LATEST.clear()
    parses.clear()
    assert _problems(root) == first and parses == []


def test_corrupt_or_unreadable_entries_are_misses(tmp_path: Path, parses: list[str]) -> None:
    root = build_repo(tmp_path / "r")
    first = _problems(root)
    entries = _entries(root)
    for i, entry in enumerate(entries):
        if i % 3 == 0:
            entry.write_bytes(b"not a pickle")
        elif i % 3 == 1:
            entry.write_bytes(entry.read_bytes()[:40])  # truncated
        else:
            entry.chmod(0)
    loader._LATEST.clear()
    parses.clear()
    assert _problems(root) == first
    if os.geteuid() != 0:  # root reads a mode-0 file anyway
        assert len(parses) >= len(entries) - 1
    # rewritten: the next run reads them back
    for entry in entries:
        entry.chmod(0o644)
    loader._LATEST.clear()
    parses.clear()
    assert _problems(root) == first
    assert [p for p in parses if p != "procedures/vocabulary.yml"] == []


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path: Path) -> None:
    root = build_repo(tmp_path / "r")
    (root / ".cache").write_text("a file where the folder would be", encoding="utf-8")
    loader._LATEST.clear()
    assert check(root).ok


def test_store_get_and_put(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    key = key_of("x", b"bytes")
    assert store.get(key) is None
    assert store.put(key, {"a": [1, 2]}) and store.get(key) == {"a": [1, 2]}
    assert key != key_of("x", b"bytes2") and key != key_of("xb", b"ytes")  # parts are length-prefixed
    assert code_version() in (code_version(),) and len(code_version()) == 64
    assert not store.put(key_of("y"), lambda: 1)  # not picklable: not cached, no exception
    assert not list((tmp_path / "s").rglob(".*.tmp"))


def test_a_table_with_a_limit_keeps_the_entries_added_last(tmp_path: Path) -> None:
    path = tmp_path / "t" / "table.pickle"
    table = Table(path, limit=3)
    for key in "abc":
        table.put(key, key.upper())
    table.save()
    later = Table(path, limit=3)
    assert later.get("a") == "A"
    later.put("d", "D")
    later.put("e", "E")
    later.save()
    assert Table(path).items == {"c": "C", "d": "D", "e": "E"}
    path.write_bytes(b"not a pickle")
    assert Table(path).items == {}  # corrupt: empty, no exception


def test_two_checks_at_once_both_succeed(tmp_path: Path) -> None:
    root = build_repo(tmp_path / "r")
    command = [sys.executable, "-m", "generator", "check", str(root)]
    env = dict(os.environ, PROCGEN_TODAY="2024-06-01")
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    again = subprocess.run(command, capture_output=True, env=env, timeout=120)
    assert again.returncode == 0 and again.stdout == outputs[0][0]
    assert not list((root / ".cache").rglob(".*.tmp"))


def test_the_version_rule_reads_cached_blob_facts(repo: Path, parses: list[str]) -> None:  # noqa: F811
    edit(repo, DOC, "title: 物业服务回访管理规范标准", "title: 物业服务回访管理规范")
    first = codes(repo)
    assert [c for _, _, c in first] == ["E235"]
    assert list((repo / ".cache" / "history").glob("blobs-*.pickle"))
    loader._LATEST.clear()
    assert codes(repo) == first
    edit(repo, DOC, "title: 物业服务回访管理规范", "title: 物业服务回访管理规范标准")  # back as committed
    assert codes(repo) == []


def test_kept_basis_findings_follow_the_documents_their_quotes_come_from(
    repo: Path,  # noqa: F811 - the fixture imported above
    parses: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import generator.catalog.provenance as provenance

    first = _problems(repo)
    walked: list[str] = []
    real = provenance.Walker.document_reading
    monkeypatch.setattr(
        provenance.Walker, "document_reading", lambda self, doc: walked.append(doc.id) or real(self, doc)
    )
    loader._LATEST.clear()
    assert _problems(repo) == first and walked == []  # every file's findings read back with its entry
    # the form quotes its document: the document's words changed, the form's kept findings no longer hold
    edit(repo, DOC, "统一交由项目处存档保管两年", "统一交由项目处存档保管三年")
    loader._LATEST.clear()
    found = _problems(repo)
    assert any(p == "forms/return-visit-record.yml" and code == "E291" for p, _, _, code, _ in found)
    assert walked == ["return-visit"]  # the edited document; the form's statements are not a document's
    monkeypatch.setenv("PROCGEN_CACHE", "off")
    loader._LATEST.clear()
    assert _problems(repo) == found  # the same as worked out from nothing
