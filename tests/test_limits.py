"""Hardening: inputs an adversarial (or unlucky) administrator can write, each refused at its line.

Each case of HARDENING is a set of files laid over the valid fixture and exactly the problems
`procgen check` must report; the cases that need the file system (FIFOs, links, devices) follow.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MANUAL_TODAY, TODAY, VALID

from generator.check.run import check
from generator.source import limits

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeRepo = Callable[..., Path]
RECORD = (VALID / "forms" / "visit-record.yml").read_text(encoding="utf-8")
RECEIPT = (VALID / "forms" / "visit-receipt.yml").read_text(encoding="utf-8")
RETURN_VISIT = (VALID / "procedures" / "01-return-visit.yml").read_text(encoding="utf-8")


def found(root: Path) -> set[tuple[str, str, int]]:
    return {(p.path, p.code, p.line) for p in check(root, when=TODAY).problems}


def nested(depth: int) -> str:
    """A body whose first node has items nested ``depth`` deep."""
    lines = []
    for level in range(depth):
        pad = "  " * (2 * level)
        lines.append(f"{pad}  - text: 第{level + 1}层")
        lines.append(f"{pad}    items:")
    lines.append(f"{'  ' * (2 * depth)}  - text: 最深")
    return "\n".join(lines) + "\n"


def with_body(body: str) -> str:
    head = RETURN_VISIT[: RETURN_VISIT.index("body:\n")]
    return head + "body:\n" + body


def receipt_rows(rows: int, tables: int = 1) -> str:
    table = "  - table:\n      columns: [{{label: 序号}}, {{label: 签收}}]\n      rows: {rows}\n"
    return RECEIPT[: RECEIPT.index("layout:\n")] + "layout:\n" + "".join(table.format(rows=rows) for _ in range(tables))


PROPOSED = "basis: {proposed: {by: quality-dept, reason: 测试用例}}"
"""A basis for a statement a case adds that its clause does not state: the case is about something else."""

RECORD_MENTIONS = {("procedures/01-return-visit.yml", "E207", line) for line in (56, 68, 84)}
"""《回访记录表》 in the valid fixture: a form whose title is broken no longer answers to it."""

HARDENING: dict[str, tuple[dict[str, str | bytes | None], set[tuple[str, str, int]]]] = {
    # numbers
    "nan-target": (
        {"procedures/01-return-visit.yml": RETURN_VISIT.replace("value: 100,", f"value: .nan, {PROPOSED},")},
        {("procedures/01-return-visit.yml", "E108", 52)},
    ),
    "inf-target": (
        {"procedures/01-return-visit.yml": RETURN_VISIT.replace("value: 0.1,", f"value: -.inf, {PROPOSED},")},
        {("procedures/01-return-visit.yml", "E108", 55)},
    ),
    "huge-integer": (
        {"procedures/01-return-visit.yml": RETURN_VISIT.replace("review_months: 12", "review_months: " + "9" * 5000)},
        {("procedures/01-return-visit.yml", "E108", 11), ("procedures/01-return-visit.yml", "W242", 1)},
    ),
    "large-integer": (
        {
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                "value: 100,", f"value: 10000000000000000, {PROPOSED},"
            )
        },
        {("procedures/01-return-visit.yml", "E108", 52)},
    ),
    # text
    "blank-title": (
        {"forms/visit-record.yml": RECORD.replace("title: 回访记录表", 'title: "   "')},
        {("forms/visit-record.yml", "E109", 4), *RECORD_MENTIONS},
    ),
    "right-to-left-override": (
        {
            "forms/visit-record.yml": RECORD.replace("title: 回访记录表", "title: 回访\u202e记录表", 1).replace(
                "{label: 单位,", "{label: 单\u200b位,"
            )
        },
        {("forms/visit-record.yml", "E110", 4), ("forms/visit-record.yml", "E110", 19), *RECORD_MENTIONS},
    ),
    # C0/C1 control characters written as YAML escapes (a raw one is already a YAML error, E001)
    "escaped-nul": (
        {"forms/visit-record.yml": RECORD.replace("title: 回访记录表", 'title: "回访\\0记录表"')},
        {("forms/visit-record.yml", "E110", 4), *RECORD_MENTIONS},
    ),
    "escaped-esc": (
        {"forms/visit-record.yml": RECORD.replace("{label: 单位,", '{label: "单\\e[31m位",')},
        {("forms/visit-record.yml", "E110", 19)},
    ),
    "escaped-line-separator": (
        {
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                "intro: 本规范规定回访工作的时间、比例和人员。",
                'intro: "本规范\\u2028规定回访工作的时间、比例和人员。"',
            )
        },
        {("procedures/01-return-visit.yml", "E110", 23)},
    ),
    "newline-in-title": (
        {"forms/visit-record.yml": RECORD.replace("title: 回访记录表", 'title: "回访\\n记录表"')},
        {("forms/visit-record.yml", "E110", 4), *RECORD_MENTIONS},
    ),
    "escaped-c1-next-line": (
        {"forms/visit-record.yml": RECORD.replace("{label: 单位,", '{label: "单\\x9b位",')},
        {("forms/visit-record.yml", "E110", 19)},
    ),
    "long-title": (
        {"forms/visit-record.yml": RECORD.replace("title: 回访记录表", "title: " + "回访记录表" * 400)},
        {("forms/visit-record.yml", "E111", 4), *RECORD_MENTIONS},
    ),
    "long-text": (
        {"procedures/01-return-visit.yml": RETURN_VISIT.replace("intro: 本规范规定", "intro: " + "本" * 5000)},
        {("procedures/01-return-visit.yml", "E111", 23)},
    ),
    # structure
    "nested-100-deep": (
        {"procedures/01-return-visit.yml": with_body(nested(100))},
        {("procedures/01-return-visit.yml", "E111", 64)},
    ),
    "nested-9-deep": (
        {"procedures/01-return-visit.yml": with_body(nested(9))},
        {("procedures/01-return-visit.yml", "E111", 42)},
    ),
    "rows-per-table": (
        {"forms/visit-receipt.yml": receipt_rows(500)},
        {("forms/visit-receipt.yml", "E111", 17)},
    ),
    "tables-per-form": (
        {"forms/visit-receipt.yml": receipt_rows(10, tables=20)},
        {("forms/visit-receipt.yml", "E111", 15)},
    ),
    "row-spans": (
        {
            "forms/visit-record.yml": RECORD.replace("span: 3, hint", "span: 12, hint").replace(
                "回访日期, type: date, span: 3", "回访日期, type: date, span: 12"
            )
        },
        {("forms/visit-record.yml", "E214", 19)},
    ),
    # ids and files
    "form-called-index": (
        {
            "forms/index.yml": RECEIPT.replace("id: visit-receipt", "id: index")
            .replace("WY-JL-01-02", "WY-JL-01-09")
            .replace("title: 回访记录签收表", "title: 索引表")
            .replace("aliases: [签收表]", "")
        },
        {("forms/index.yml", "E209", 2)},
    ),
    "yaml-extension": (
        {"forms/visit-copy.yaml": RECEIPT},
        {("forms/visit-copy.yaml", "W241", 1)},
    ),
    "sub-folder": (
        {"forms/old/visit-receipt.yml": RECEIPT},
        {("forms/old", "W241", 1)},
    ),
    "file-too-large": (
        {"forms/big.yml": "id: big\nnote: |\n" + ("  " + "很" * 100 + "\n") * 2000},
        {("forms/big.yml", "E011", 1)},
    ),
    # one file's mistake never hides another's
    "empty-form-hides-nothing": (
        {
            "forms/visit-receipt.yml": "",
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                "records: [visit-record, visit-receipt]", "records: [visit-record, visit-receipt, visit-recrd]"
            ),
        },
        # the empty file, the mention of the form it no longer defines, and the unrelated typo
        {
            ("forms/visit-receipt.yml", "E009", 1),
            ("procedures/01-return-visit.yml", "E207", 56),
            ("procedures/02-communication.yml", "E207", 36),
            ("procedures/01-return-visit.yml", "E205", 0),
        },
    ),
    "ownerless-target": (
        {
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                'unit: "%", role: project-manager-assistant}', 'unit: "%"}'
            ).replace("        roles: [project-manager-assistant]\n        style: decimal", "        style: decimal")
        },
        {("procedures/01-return-visit.yml", "E215", line) for line in (42, 45, 51, 54)},
    ),
    "refs-typed-twice": (
        {
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                "        # the forms named in 《》 above are refs already (derived)", "        refs: [visit-record]"
            )
        },
        {("procedures/01-return-visit.yml", "W243", 60)},
    ),
    "code-outside-the-scheme": (
        {"forms/visit-receipt.yml": RECEIPT.replace("code: WY-JL-01-02", "code: WY-JL-09-02")},
        {("forms/visit-receipt.yml", "E216", 3)},
    ),
    "mention-in-a-form-note": (
        {"forms/visit-receipt.yml": RECEIPT + f"  - note: 按《不存在的规范》填写\n    {PROPOSED}\n"},
        {("forms/visit-receipt.yml", "E207", 22)},
    ),
    "mention-in-a-role": (
        {
            "procedures/roles.yml": (VALID / "procedures/roles.yml")
            .read_text(encoding="utf-8")
            .replace("description: 实施具体回访工作。", "description: 按《不存在的规范》回访。")
        },
        {("procedures/roles.yml", "E207", 37)},
    ),
    "mention-in-a-revision": (
        {
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                "summary: 补充回访率", "summary: 补充《不存在的规范》"
            )
        },
        {("procedures/01-return-visit.yml", "E207", 20)},
    ),
    "mention-in-a-deadline-label": (
        {
            "procedures/01-return-visit.yml": RETURN_VISIT.replace(
                "{label: 三天内,", f"{{label: 《不存在的规范》三天内, {PROPOSED},"
            )
        },
        {("procedures/01-return-visit.yml", "E207", 40)},
    ),
}


def _line_of(expected: set[tuple[str, str, int]], root: Path) -> set[tuple[str, str, int]]:
    """Cases whose line depends on the fixture (line 0): take the line where the text stands."""
    fixed = set()
    for path, code, line in expected:
        if line == 0 and code == "E205":
            text = (root / path).read_text(encoding="utf-8").splitlines()
            line = next(n for n, t in enumerate(text, start=1) if "visit-recrd" in t)
        fixed.add((path, code, line))
    return fixed


@pytest.mark.parametrize("name", sorted(HARDENING))
def test_hardening_case(name: str, make_repo: MakeRepo) -> None:
    files, expected = HARDENING[name]
    root = make_repo(files)
    result = check(root, when=TODAY)
    got = {(p.path, p.code, p.line) for p in result.problems}
    assert got == _line_of(expected, root), "\n".join(p.text() for p in result.problems)
    assert result.catalog is None or all(code.startswith("W") for _, code, _ in expected)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_a_fifo_is_never_read(make_repo: MakeRepo) -> None:
    root = make_repo()
    os.mkfifo(root / "forms" / "f.yml")
    assert found(root) == {("forms/f.yml", "E010", 1)}  # and it returns: a FIFO would block forever


def test_a_link_to_a_device_or_outside_the_repository_is_never_read(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo()
    (root / "forms" / "zero.yml").symlink_to("/dev/zero")
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(RECEIPT, encoding="utf-8")
    (root / "forms" / "outside.yml").symlink_to(outside)
    (root / "forms" / "inside.yml").symlink_to(root / "forms" / "visit-receipt.yml")
    got = found(root)
    assert ("forms/zero.yml", "E010", 1) in got and ("forms/outside.yml", "E010", 1) in got
    assert not any(
        path == "forms/inside.yml" and code == "E010" for path, code, _ in got
    )  # inside is fine (then E202/E203)


def test_the_real_manual_is_well_inside_every_limit() -> None:
    """The limits leave room: the twelve documents and 29 forms use a fraction of each."""
    from generator.check.loading import load_all

    loaded, problems = load_all(Path(__file__).resolve().parents[1])
    assert not [p for p in problems if p.code in ("E011", "E108", "E110", "E111")]
    longest = max(len(n.text) if isinstance(n.text, str) else 0 for _, d in loaded.documents for n in _nodes(d.body))
    assert longest * 5 < limits.MAX_TEXT
    for located, _ in loaded.forms:
        assert located.path and Path(located.path).suffix == ".yml"


def _nodes(nodes: list) -> list:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(_nodes(node.items))
    return out


def test_limits_are_named_constants() -> None:
    for name in (
        "MAX_FILE_BYTES",
        "MAX_DEPTH",
        "MAX_NODE_DEPTH",
        "MAX_TITLE",
        "MAX_TEXT",
        "MAX_TABLE_ROWS",
        "MAX_FORM_TABLES",
        "MAX_DOCUMENT_NODES",
        "MAX_INT",
    ):
        assert isinstance(getattr(limits, name), int), name
    assert sys.getrecursionlimit() > limits.MAX_DEPTH * 4


def test_a_deadline_in_a_service_table_line_is_checked_and_rendered(make_repo: MakeRepo) -> None:
    service = (VALID / "procedures" / "03-customer-service.yml").read_text(encoding="utf-8")
    root = make_repo(
        {"procedures/03-customer-service.yml": service.replace("{label: 每周, every: P1W,", "{label: 每周, every: P,")}
    )
    assert found(root) == {("procedures/03-customer-service.yml", "E105", 33)}
    result = check(VALID, when=TODAY)
    assert result.catalog is not None
    entries = [e for e in result.catalog.deadlines if e.document.id == "customer-service"]
    assert [e.deadline.rule for e in entries] == ["每周"]
    from generator.render.site.pages import build_pages
    from generator.render.site.render import Urls, environment, render

    pages = build_pages(result.manual)
    urls = Urls({p.src_uri: p.src_uri.removesuffix(".md") + "/" for p in pages})
    page = next(p for p in pages if p.src_uri == "procedures/customer-service.md")
    assert "期限 每周" in str(render(environment(urls), page, "procedures/customer-service/"))


# --------------------------------------------------------------------------- the worst accepted input


def write_largest_allowed(root: Path) -> None:
    """Turn 11-return-visit into the largest document the limits accept, and return-visit-record into
    the largest form: every limit at its maximum at once."""
    per_node = min(limits.MAX_TEXT, limits.MAX_DOCUMENT_CHARS // limits.MAX_DOCUMENT_NODES) - 10
    para = ("回访工作应在投诉处理完毕后的三天内进行，确保服务质量。" * 200)[:per_node]
    body = []
    for depth in range(limits.MAX_NODE_DEPTH - 1):  # one chain as deep as allowed
        pad = "    " * depth
        body += [f"{pad}  - title: {'标' * limits.MAX_TITLE}", f"{pad}    text: {para[:200]}", f"{pad}    items:"]
    body.append("    " * (limits.MAX_NODE_DEPTH - 1) + "  - text: 最深")
    body += [f"  - text: {para}"] * (limits.MAX_DOCUMENT_NODES - limits.MAX_NODE_DEPTH)
    doc = root / "procedures" / "11-return-visit.yml"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(
        text[: text.index("body:\n")] + "body:\n" + "\n".join(body) + text[text.index("\nmatrix:") :], encoding="utf-8"
    )
    layout = ["layout:"]
    for _ in range(limits.MAX_FORM_TABLES):
        columns = ", ".join(f"{{label: {'栏' * 30}}}" for _ in range(12))
        layout += [
            "  - table:",
            f"      title: {'表' * limits.MAX_TITLE}",
            f"      columns: [{columns}]",
            f"      rows: {limits.MAX_FORM_ROWS // limits.MAX_FORM_TABLES}",
        ]
    for start in range(0, limits.MAX_FORM_FIELDS, 12):
        fields = ", ".join(
            f"{{label: {'填写' * 20}, type: text}}" for _ in range(min(12, limits.MAX_FORM_FIELDS - start))
        )
        layout.append(f"  - row: [{fields}]")
    form = root / "forms" / "return-visit-record.yml"
    text = form.read_text(encoding="utf-8")
    form.write_text(text[: text.index("layout:")] + "\n".join(layout) + "\n", encoding="utf-8")


SECONDS = 120
"""Ceiling for rendering the largest form and document (about 12 s each on the development machine)."""
MEMORY_MB = 1024


@pytest.mark.slow
def test_the_largest_accepted_document_and_form_render_in_bounded_time_and_memory(tmp_path: Path) -> None:
    import resource
    import shutil
    import subprocess
    import time

    repo = tmp_path / "repo"
    for folder in ("procedures", "forms"):
        shutil.copytree(Path(__file__).resolve().parents[1] / folder, repo / folder)
    write_largest_allowed(repo)
    (
        repo / "procedures" / "vocabulary.yml"
    ).unlink()  # its terms stand in the clauses the largest document replaced (E280)
    # the replaced document's words are gone: what quoted them, or named a role only there, is reported, not fatal
    company = repo / "procedures" / "company.yml"
    company.write_text(
        company.read_text(encoding="utf-8") + "checks: {E291: warning, E292: warning, E296: warning}\n",
        encoding="utf-8",
    )
    result = check(repo, when=MANUAL_TODAY)
    assert result.ok, [p.text() for p in result.errors]
    (doc,) = [d for d in result.catalog.documents if d.id == "return-visit"]
    assert sum(1 for _ in doc.walk()) == limits.MAX_DOCUMENT_NODES
    start = time.monotonic()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "pdf",
            str(repo),
            "--only",
            "return-visit",
            "--only",
            "return-visit-record",
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS * 2,
        env=dict(os.environ, PROCGEN_TODAY=MANUAL_TODAY.isoformat()),
    )
    seconds = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert run.returncode == 0, run.stdout + run.stderr
    assert seconds < SECONDS, f"{seconds:.0f} s"
    assert peak_mb < MEMORY_MB, f"{peak_mb:.0f} MB"
    assert (tmp_path / "out" / "procedures" / "return-visit.pdf").stat().st_size > 100_000
