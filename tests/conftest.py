"""Shared fixtures: a fixed "today", and throw-away repositories built from the valid fixture."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
TODAY = dt.date(2024, 6, 1)
"""Fixed "today" of the checks of the synthetic fixtures (tests/fixtures/valid, invalid …, dated 2024):
they are neither in the future nor overdue."""
MANUAL_TODAY = dt.date(2026, 12, 8)
"""Fixed "today" of every test that checks, renders or edits the real manual (procedures/, forms/):
the day after its latest release (the audit's 1.1 and 1.2 versions of 2026-12-07). Move it when a new
release is dated later: the check reports a later date as E230 (in the future). A test that writes a
revision entry into a real document dates it from the document's own latest entry (`release`)."""
MANUAL_PRINTED = dt.datetime.combine(MANUAL_TODAY, dt.time(), dt.UTC)
"""The date the real manual's PDFs, Word copies and calendars are made in the tests: MANUAL_TODAY."""
MANUAL_EPOCH = str(int(MANUAL_PRINTED.timestamp()))
"""SOURCE_DATE_EPOCH of the real manual's builds and renders (MANUAL_PRINTED)."""

EXPECT = re.compile(rb"^#\s*expect:\s*([EW]\d{3})\s+at\s+(\d+)\s*$")

Expected = set[tuple[str, str, int]]
"""(path relative to the repository, code, line)."""

Files = Mapping[str, "str | bytes | None"]


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """PROCGEN_TODAY for `check()` without ``when`` and for `procgen` run in-process.

    Modules that want it say ``pytestmark = pytest.mark.usefixtures("fixed_today")``.
    """
    monkeypatch.setenv("PROCGEN_TODAY", TODAY.isoformat())


@pytest.fixture
def manual_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """PROCGEN_TODAY = MANUAL_TODAY, for tests that run `check()` or `procgen` on the real manual."""
    monkeypatch.setenv("PROCGEN_TODAY", MANUAL_TODAY.isoformat())
    return MANUAL_TODAY


@dataclass(frozen=True)
class Release:
    """A real document's or form's current version and its latest revision entry, read from its file."""

    version: str
    effective: dt.date | None
    latest: dt.date
    """The date of its latest revision entry (a review's included)."""

    @property
    def next(self) -> str:
        """The next version after the current one: 1.1 -> 1.2 (as `procgen approve` raises it)."""
        major, minor = self.version.split(".")
        return f"{major}.{int(minor) + 1}"

    @property
    def after(self) -> dt.date:
        """The first day after the latest entry: the date a test gives a new entry or review."""
        day = self.latest + dt.timedelta(days=1)
        assert day <= MANUAL_TODAY, f"MANUAL_TODAY ({MANUAL_TODAY}) must come after the latest entry ({self.latest})"
        return day


def release(path: Path) -> Release:
    """The `Release` of a document or form file (of the real manual or a copy of it)."""
    from generator.model.document import Document
    from generator.model.form import FormSchema
    from generator.model.validate import validate
    from generator.source.loader import load_file

    model_type = Document if path.parent.name == "procedures" else FormSchema
    located, problems = load_file(path, f"{path.parent.name}/{path.name}")
    assert located is not None, problems
    model, problems = validate(model_type, located)
    assert model is not None, problems
    dates = [r.date for r in model.revisions]
    return Release(model.version, getattr(model, "effective", None), max(dates))


def build_repo(target: Path, overlay: Path | None = None, files: Files | None = None) -> Path:
    """Copy the valid fixture to ``target``, then lay ``overlay``'s files and ``files`` over it.

    In ``files`` a value of ``None`` deletes the file; ``str`` is written as UTF-8, ``bytes`` as is.
    """
    shutil.copytree(VALID, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".cache"))  # a fresh cache
    if overlay is not None:
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    for rel, content in (files or {}).items():
        path = target / rel
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return target


def expectations(case: Path) -> Expected:
    """The ``# expect: CODE at LINE`` comments at the top of each file of an invalid case."""
    found: Expected = set()
    for file in sorted(p for p in case.rglob("*") if p.is_file()):
        rel = file.relative_to(case).as_posix()
        for raw in file.read_bytes().splitlines():
            match = EXPECT.match(raw.strip())
            if not match:
                break
            found.add((rel, match.group(1).decode(), int(match.group(2))))
    return found


def invalid_cases() -> list[Path]:
    return sorted(p for p in INVALID.iterdir() if p.is_dir())


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """``make_repo(files={...}, overlay=...)`` -> the root of a fresh repository under tmp_path."""
    counter = iter(range(1000))

    def make(files: Files | None = None, overlay: Path | None = None) -> Path:
        return build_repo(tmp_path / f"repo{next(counter)}", overlay, files)

    return make


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's), started once for every browser test."""
    if CHROMIUM is None:
        pytest.fail("chromium 未安装：运行 make test 会自动安装（scripts/system-deps.sh）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


REPORTS: list[str] = []
"""Lines a test wants shown after the run whatever its outcome (e.g. search precision@3)."""


def report(request: pytest.FixtureRequest, line: str) -> None:
    """Show ``line`` in the 报告 section after the run; travels from a pytest-xdist worker with the
    test's report (user_properties), so it is shown however the tests ran."""
    request.node.user_properties.append(("procgen-report", line))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        REPORTS.extend(value for name, value in report.user_properties if name == "procgen-report")


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest's own type
    if REPORTS:
        terminalreporter.section("报告")
        for line in REPORTS:
            terminalreporter.write_line(line)


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder made once per test run, whether the tests run in one process or in several
    (pytest-xdist workers share the parent of their base temp folder; a lock file serialises them)."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    target = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / ".made").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            make(target)
            (target / ".made").touch()
    return target


def _build_manual(target: Path, *, pdf: bool, offline: bool = False) -> None:
    from sitebuild import build, copy_repo

    project = copy_repo(ROOT, target / "project")
    result = build(
        project, target / "site", pdf=pdf, offline=offline, today=MANUAL_TODAY.isoformat(), epoch=MANUAL_EPOCH
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="session")
def manual_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real manual with every PDF, built once per run: ``project/`` (a copy of the repository, its
    PDF cache in ``project/.cache/pdf``) and ``site/``. Checked on MANUAL_TODAY and dated EPOCH (the
    same day), as the `rendered` PDFs are."""
    return shared(tmp_path_factory, "manual", lambda target: _build_manual(target, pdf=True))


@pytest.fixture(scope="session")
def manual_site(manual_build: Path) -> Path:
    """The real manual's site (PDFs included), for every test that reads or browses it."""
    return manual_build / "site"


@pytest.fixture(scope="session")
def offline_manual_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline variant of the real manual (file:// URLs, inlined search index), built once."""
    return (
        shared(tmp_path_factory, "manual-offline", lambda target: _build_manual(target, pdf=False, offline=True))
        / "site"
    )


# --------------------------------------------------------------------------- the rendered PDFs (test_pdf, test_paper)

EPOCH = MANUAL_EPOCH  # 2026-12-08T00:00:00Z: the real manual's PDFs are printed on MANUAL_TODAY
DOCUMENT = "return-visit"
ROLE = "property-officer"
DEPARTMENT_MEMBER = "site-officer"
"""A trained role whose department (管理处) has duties of its own (客户服务员 was this example until the audit
made it a proposed role, which has no training pack)."""


@pytest.fixture(scope="session")
def manual():  # noqa: ANN201 - generator.manual.Manual, imported late to keep collection fast
    from generator.check.run import check

    result = check(ROOT, when=MANUAL_TODAY)
    assert result.manual is not None, [p.text() for p in result.problems]
    return result.manual


@pytest.fixture(scope="session")
def catalog(manual):  # noqa: ANN001, ANN201 - the real manual's catalog
    return manual.catalog


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, manual, manual_build: Path):  # noqa: ANN001, ANN201
    """Every form, the manual, one document and two training packs of the repository, written out
    once per session. They are the PDFs the manual's build rendered (same content, same date):
    taken from its cache, so each PDF is rendered once per run."""
    from generator.render.pdf.build import build

    out = tmp_path_factory.mktemp("pdf")
    only = [f.form.id for f in manual.catalog.forms] + ["manual", DOCUMENT, ROLE, DEPARTMENT_MEMBER]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = build(manual, ROOT, out, only=only, cache_dir=manual_build / "project" / ".cache" / "pdf")
    yield out, result


# --------------------------------------------------------------------------- tiers (make test-fast)

HEAVY_FIXTURES = frozenset({"manual_build", "manual_site", "offline_manual_site", "rendered", "browser"})
"""A test that needs one of these builds the real manual (with its PDFs), or drives Chromium."""
HEAVY_MODULES = frozenset(
    {"test_serve", "test_properties", "test_site", "test_site_search", "test_pages", "test_browser"}
)
"""Modules whose tests start servers, build sites or run hypothesis at length."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that builds a site, renders PDFs, serves or drives a browser is marked ``slow``:
    ``make test-fast`` (``-m "not slow"``) leaves them out for the edit-test loop; ``make test`` runs all."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & HEAVY_FIXTURES or module in HEAVY_MODULES or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
