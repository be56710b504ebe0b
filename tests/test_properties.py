"""Property-based tests (hypothesis) on the real manual: mutate its YAML at random, then

1. `procgen check` never raises: it exits 0 or 1 and every problem is located in a real file, at a
   line the file has;
2. whatever the check accepts renders: every site page, the PDF HTML of every job, and the PDF of
   the file that changed.

Examples are derandomized, so a commit always runs the same cases; a failure prints the mutation.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MANUAL_TODAY, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check.run import check
from generator.cli.main import main

pytestmark = pytest.mark.usefixtures("manual_today")

SOURCES = sorted(
    [p.relative_to(ROOT).as_posix() for p in (ROOT / "procedures").glob("*.yml")]
    + [p.relative_to(ROOT).as_posix() for p in (ROOT / "forms").glob("*.yml")]
)
TEXTS = {rel: (ROOT / rel).read_text(encoding="utf-8") for rel in SOURCES}
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (error|warning) [EW]\d{3} \S")

SNIPPETS = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "'",
    '"',
    "\t",
    "#",
    "|",
    ">",
    "---\n",
    "<<: *a\n",
    "\u202e",
    "\u200b",
    "《",
    "》",
    "《不存在》",
    "9" * 40,
    ".nan",
    "-.inf",
    "1e999",
    "~",
    "null",
    "true",
    "2024-13-45",
    "P",
    "PT",
    "index",
    "   ",
    "回访",
    "\x00",
    "\ufeff",
    "\r",
]
VALUES = ["", "[]", "{}", "[1, 2]", "{a: 1}", "3.5", "-1", "0", "P3D", "true", "null", "index", '"  "', "2024-02-30"]

Mutation = tuple[str, int, int, str]


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, list[Mutation]]:
    rel = draw(st.sampled_from(SOURCES))
    steps = draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["delete", "duplicate", "swap", "indent", "insert", "retype", "truncate", "reorder-key"]
                ),
                st.integers(min_value=0, max_value=10_000),
                st.integers(min_value=0, max_value=10_000),
                st.one_of(st.sampled_from(SNIPPETS + VALUES), st.text(max_size=6)),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return rel, steps


TEXT_LINE = re.compile(
    r"^(\s*(?:- )?(?:text|title|label|note|description|summary|content|activity|name|hint): )(\S.*)$"
)
PIECES = [
    "<b>粗</b>",
    "<script>alert(1)</script>",
    "{{ x }}",
    "{% if true %}",
    "**粗**",
    "&amp;",
    "$1",
    "%(x)s",
    "\\",
    "回访" * 40,
    "A" * 60,
    "《服务的提供》",
    "«",
    "①",
    "㎡",
    "ｆｕｌｌ",
    " ",
    "≥95%",
]


@st.composite
def text_edits(draw: st.DrawFn) -> tuple[str, list[Mutation]]:
    """Edits that keep the YAML valid: a piece of odd text inside the value of a text line."""
    rel = draw(st.sampled_from(SOURCES))
    lines = TEXTS[rel].splitlines()
    candidates = [
        n
        for n, line in enumerate(lines)
        if TEXT_LINE.match(line) and not TEXT_LINE.match(line)[2].startswith(("[", "{", '"', "'", "|", ">"))
    ]
    if not candidates:
        return rel, []
    line = draw(st.sampled_from(candidates))
    piece = draw(st.sampled_from(PIECES))
    return rel, [("in-text", line, draw(st.integers(min_value=0, max_value=200)), piece)]


def apply(text: str, steps: list[Mutation]) -> str:
    lines = text.splitlines(keepends=True) or [""]
    for op, a, b, piece in steps:
        if not lines:
            lines = [""]
        i, j = a % len(lines), b % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[j])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = " " * (b % 7) + lines[i].lstrip(" ")
        elif op == "insert":
            pos = b % (len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + piece + lines[i][pos:]
        elif op == "retype":
            key, sep, _ = lines[i].partition(":")
            if sep:
                lines[i] = f"{key}: {piece}\n"
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: b % (len(lines[-1]) + 1)]
        elif op == "reorder-key" and i != j:
            lines.insert(j, lines.pop(i))
        elif op == "in-text":
            match = TEXT_LINE.match(lines[a].rstrip("\n"))
            if match:
                value = match[2]
                pos = b % (len(value) + 1)
                lines[a] = match[1] + value[:pos] + piece + value[pos:] + "\n"
    return "".join(lines)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("manual")
    for folder in ("procedures", "forms"):
        shutil.copytree(ROOT / folder, root / folder)
    yield root


class Mutated:
    """The repository with one file changed, restored afterwards."""

    def __init__(self, root: Path, rel: str, text: str) -> None:
        self.root, self.rel, self.text = root, rel, text

    def __enter__(self) -> Path:
        (self.root / self.rel).write_bytes(self.text.encode("utf-8", "surrogatepass"))
        return self.root

    def __exit__(self, *exc: object) -> None:
        (self.root / self.rel).write_text(TEXTS[self.rel], encoding="utf-8")


def _line_count(root: Path, rel: str) -> int:
    try:
        raw = (root / rel).read_bytes()
    except OSError:
        return 1
    return raw.count(b"\n") + 1


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=mutations())
def test_check_never_raises_and_every_problem_is_located(
    repo: Path, mutation: tuple[str, list[Mutation]], capsys: pytest.CaptureFixture[str]
) -> None:
    rel, steps = mutation
    with Mutated(repo, rel, apply(TEXTS[rel], steps)) as root:
        code = main(["check", str(root)])
        out, err = capsys.readouterr()
        assert code in (0, 1), err
        assert "Traceback" not in err
        lines = out.splitlines()
        assert lines and re.match(r"^(检查通过|共 \d+ 个错误)", lines[-1])
        for line in lines[:-1]:
            match = LINE.match(line)
            assert match, line
            path = match["path"]
            assert (root / path).exists() or path == "procedures/roles.yml", line
            if (root / path).is_file():
                assert 1 <= int(match["line"]) <= _line_count(root, path), line
            assert int(match["col"]) >= 1


def test_the_manual_as_it_is_is_accepted(repo: Path) -> None:
    """Else every example below returns before rendering anything (as each did while these tests checked
    the manual of 2026-12-07 on a day of 2024: E230 for every document)."""
    result = check(repo, when=MANUAL_TODAY)
    assert result.catalog is not None, [p.text() for p in result.errors]


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=st.one_of(mutations(), text_edits(), text_edits()))
def test_whatever_the_check_accepts_renders(
    repo: Path, mutation: tuple[str, list[Mutation]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from generator.render.pdf.build import build, source_date
    from generator.render.pdf.html import HtmlPages
    from generator.render.site.pages import build_pages
    from generator.render.site.render import Urls, environment, render

    rel, steps = mutation
    with Mutated(repo, rel, apply(TEXTS[rel], steps)) as root:
        result = check(root, when=MANUAL_TODAY)
        if result.manual is None:
            return

        catalog = result.manual.catalog
        pages = build_pages(result.manual)
        urls = Urls(
            {
                p.src_uri: p.src_uri.removesuffix(".md").removesuffix("index")
                + ("/" if not p.src_uri.endswith("index.md") else "")
                for p in pages
            }
        )
        env = environment(urls)
        for page in pages:
            assert str(render(env, page, urls.of_page(page.src_uri)))
        html = HtmlPages(result.manual, source_date(catalog))
        for kind, key in html.select():
            job = html.job(kind, key)
            assert all("<html" in text for text in [job.html] if not job.parts) and all(
                "<html" in p.html for p in job.parts
            )
        changed = [f.form.id for f in catalog.forms if f.path == rel] + [
            d.id for d in catalog.documents if d.path == rel
        ]
        if changed:
            out = tmp_path_factory.mktemp("pdf")
            built = build(result.manual, root, out, only=changed[:1], jobs=1, cache_dir=out / ".cache")
            assert built.outputs and all((out / name).stat().st_size > 1000 for name in built.outputs)
