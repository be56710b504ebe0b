"""Benchmark: check, site and PDFs on synthetic catalogs of about 12, 100 and 1,000 documents,
each beside its limit (plain MkDocs + Material on the same pages; bare WeasyPrint on the same HTML).

    .venv/bin/python bench/run.py [--sizes 1,8,84] [--pdf-sizes 1,8] [--out bench/RESULTS.md]

Sizes are copies of the real content (bench/synth.py): 1 → 12 documents, 8 → 96, 84 → 1,008.
Everything runs in a temporary folder; the results table is written to bench/RESULTS.md (and printed).
Targets are ratios, so they hold on a busy machine; the script exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import synth  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
CONTENT_DATE = max(
    dt.date.fromisoformat(d)
    for path in (REPO / "procedures").glob("*.yml")
    for d in re.findall(r"^\s*(?:effective|date): (\d{4}-\d{2}-\d{2})\s*$", path.read_text(encoding="utf-8"), re.M)
)
"""The real content's latest effective or revision date: the benchmark's history and "today" come after it
(a fixed date before it would make every copy an error, E230)."""
TODAY = CONTENT_DATE + dt.timedelta(days=60)
ENV = dict(os.environ, PROCGEN_TODAY=TODAY.isoformat(), SOURCE_DATE_EPOCH="1708646400", NO_MKDOCS_2_WARNING="1")

ANALYSIS = "<!-- analysis: kept when the table above is measured again -->"

TARGETS = {
    "site": 1.2,  # site build without PDFs ÷ plain MkDocs on the same pages
    "site-again": 1.2,  # no-change rebuild ÷ plain
    "site-one": 1.3,  # rebuild after one document changed ÷ plain
    "check-seconds": 2.0,  # procgen check at ~1,000 documents
    "check-mb": 300,
    "growth": 1.3,  # per-page cost at 1,000 ÷ at 100
    "pdf": 1.1,  # procgen pdf ÷ bare WeasyPrint on the same HTML
    "pdf-mb": 1024,
}


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall time (s), peak resident memory (MB) of the process tree's largest member, and output."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, env=env or ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    return seconds, peak, done.stdout


def median_run(cmd: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    results = [run(cmd, cwd)[:2] for _ in range(runs)]
    return statistics.median(t for t, _ in results), max(m for _, m in results)


# --------------------------------------------------------------------------- the limits


def plain_project(site: Path, project: Path, dest: Path) -> Path:
    """The same pages as plain MkDocs + Material Markdown: each page's rendered content as the page's
    Markdown (raw HTML passes through), the same navigation, theme features and search plugin."""
    import yaml

    sys.path.insert(0, str(REPO))
    from generator.check.run import load_manual
    from generator.render.site.pages import build_pages, navigation

    manual = load_manual(project)
    catalog = manual.catalog
    docs = dest / "docs"
    for page in build_pages(manual):
        url = page.src_uri.removesuffix(".md")
        url = "" if url == "index" else url.removesuffix("/index")
        built = site / url / "index.html"
        text = built.read_text(encoding="utf-8")
        start = text.index('<article class="md-content__inner md-typeset">') + len(
            '<article class="md-content__inner md-typeset">'
        )
        body = text[start : text.index("</article>", start)]
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f'---\ntitle: {json.dumps(page.title, ensure_ascii=False)}\n---\n\n<div markdown="0">\n{body}\n</div>\n',
            encoding="utf-8",
        )

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    ours = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - SafeLoader
    config = {
        "site_name": catalog.company.manual_title,
        "theme": {"name": "material", "language": "zh", "features": ours["theme"]["features"]},
        "plugins": ["search"],
        "nav": navigation(catalog),
        "use_directory_urls": True,
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return dest


BARE = r"""
import concurrent.futures, multiprocessing, sys, pickle
from pathlib import Path

def render(item):
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    global FONTS
    try:
        FONTS
    except NameError:
        FONTS = FontConfiguration()
    html, base = item
    return len(HTML(string=html, base_url=base).write_pdf(font_config=FONTS))

if __name__ == "__main__":
    jobs = pickle.loads(Path(sys.argv[1]).read_bytes())
    with concurrent.futures.ProcessPoolExecutor(int(sys.argv[2]), mp_context=multiprocessing.get_context("spawn")) as pool:
        sizes = list(pool.map(render, sorted(jobs, key=lambda j: -len(j[0]))))
    print(sum(sizes))
"""


def bare_jobs(project: Path, dest: Path) -> Path:
    """The HTML of every PDF of ``project`` (with its parts), pickled for the bare WeasyPrint run."""
    import pickle

    from generator.check.run import load_manual
    from generator.render.pdf import TEMPLATES
    from generator.render.pdf.build import source_date
    from generator.render.pdf.html import HtmlPages

    manual = load_manual(project)
    pages = HtmlPages(manual, source_date(manual.catalog, project))
    base = TEMPLATES.as_uri() + "/"
    jobs = []
    for kind, key in pages.select():
        job = pages.job(kind, key)
        jobs.append((job.html, base))
        jobs.extend((part.html, base) for part in job.parts)
    path = dest / "jobs.pickle"
    path.write_bytes(pickle.dumps(jobs))
    return path


# --------------------------------------------------------------------------- one size


def touch_one_document(project: Path) -> None:
    """Change one document's text, as an administrator would (a sentence added to its intro)."""
    path = sorted((project / "procedures").glob("[0-9]*-*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"^(body:)", "intro: 本文件经评审后补充一句说明。\n\\1", text, count=1, flags=re.M)
        if "\nintro:" not in text
        else text.replace("\nintro: ", "\nintro: 经评审补充。", 1),
        encoding="utf-8",
    )


def measure_size(copies: int, tmp: Path, pdf: bool) -> dict[str, float]:
    project = synth.make(tmp / f"project-{copies}", copies)
    found = {
        "documents": len(list((project / "procedures").glob("[0-9]*-*.yml"))),
        "forms": len(list((project / "forms").glob("*.yml"))),
    }
    check_cmd = [str(BIN / "procgen"), "check", str(project)]
    found["check"], found["check-mb"] = median_run(check_cmd, project, 3)
    build = [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(tmp / f"site-{copies}")]
    nopdf = dict(ENV, PROCGEN_PDF="false")
    found["site"], found["site-mb"], _ = run(build, project, nopdf)
    found["pages"] = len(list((tmp / f"site-{copies}").rglob("index.html")))
    found["site-again"], _, _ = run(build, project, nopdf)
    plain = plain_project(tmp / f"site-{copies}", project, tmp / f"plain-{copies}")
    plain_build = [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(tmp / f"plain-site-{copies}")]
    found["plain"], found["plain-mb"], _ = run(plain_build, plain, ENV)
    found["plain-again"], _, _ = run(plain_build, plain, ENV)
    touch_one_document(project)
    found["site-one"], _, _ = run(build, project, nopdf)
    found["plain-one"], _, _ = run(plain_build, plain, ENV)  # plain has no definitions to change: a rebuild
    if pdf:
        pdf_cmd = [str(BIN / "procgen"), "pdf", str(project), "--out", str(tmp / f"pdf-{copies}")]
        shutil.rmtree(project / ".cache" / "pdf", ignore_errors=True)
        found["pdf"], found["pdf-mb"], _ = run(pdf_cmd, project)
        found["pdf-again"], _, _ = run(pdf_cmd, project)
        touch_one_document(project)
        found["pdf-one"], _, _ = run(pdf_cmd, project)
        jobs = bare_jobs(project, tmp)
        script = tmp / "bare.py"
        script.write_text(BARE, encoding="utf-8")
        found["bare"], found["bare-mb"], _ = run([PY, str(script), str(jobs), str(os.cpu_count() or 1)], tmp)
    return found


# --------------------------------------------------------------------------- report


def report(results: dict[int, dict[str, float]], started: str, seconds: float) -> tuple[str, int]:
    lines = [
        "# Benchmark results",
        "",
        f"`make bench` (bench/run.py), {started}, {platform.node() and 'this machine'}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {seconds / 60:.0f} min in all. Synthetic catalogs are copies of the real "
        "content (bench/synth.py); every one passes `procgen check`. Times are wall-clock seconds of one run "
        "(check: median of 3); memory is the peak resident size of the largest process.",
        "",
        "| | " + " | ".join(f"{int(r['documents'])} documents" for r in results.values()) + " |",
        "|---|" + "---:|" * len(results),
    ]
    missed: list[str] = []

    def row(name: str, values: list[str]) -> None:
        lines.append(f"| {name} | " + " | ".join(values) + " |")

    def ratio(r: dict[str, float], ours: str, limit: str, target: float, label: str) -> str:
        if ours not in r or limit not in r:
            return "—"
        value = r[ours] / r[limit]
        ok = value <= target
        if not ok:
            missed.append(f"{label} at {int(r['documents'])} documents: {value:.2f}× (target ≤ {target}×)")
        return f"{value:.2f}×{'' if ok else ' ✗'}"

    rs = list(results.values())
    row("forms / site pages", [f"{int(r['forms'])} / {int(r['pages'])}" for r in rs])
    row("`procgen check`", [f"{r['check']:.2f} s, {r['check-mb']:.0f} MB" for r in rs])
    row("site without PDFs", [f"{r['site']:.1f} s, {r['site-mb']:.0f} MB" for r in rs])
    row("plain MkDocs + Material, same pages", [f"{r['plain']:.1f} s, {r['plain-mb']:.0f} MB" for r in rs])
    row("**site ÷ plain** (≤ 1.2×)", [ratio(r, "site", "plain", TARGETS["site"], "site") for r in rs])
    row(
        "no-change rebuild ÷ plain (≤ 1.2×)",
        [ratio(r, "site-again", "plain-again", TARGETS["site-again"], "no-change rebuild") for r in rs],
    )
    row(
        "one document changed ÷ plain (≤ 1.3×)",
        [ratio(r, "site-one", "plain-one", TARGETS["site-one"], "one document changed") for r in rs],
    )
    row("site, per page", [f"{1000 * r['site'] / r['pages']:.1f} ms" for r in rs])
    row("PDFs cold (`procgen pdf`)", [f"{r['pdf']:.1f} s, {r['pdf-mb']:.0f} MB" if "pdf" in r else "—" for r in rs])
    row("bare WeasyPrint, same HTML, same cores", [f"{r['bare']:.1f} s" if "bare" in r else "—" for r in rs])
    row("**PDFs ÷ bare** (≤ 1.1×)", [ratio(r, "pdf", "bare", TARGETS["pdf"], "PDFs") for r in rs])
    row(
        "PDFs, no change / one document changed",
        [f"{r['pdf-again']:.1f} s / {r['pdf-one']:.1f} s" if "pdf" in r else "—" for r in rs],
    )
    by_docs = {int(r["documents"]): r for r in rs}
    small = next((r for d, r in sorted(by_docs.items()) if d >= 90), None)
    big = by_docs.get(max(by_docs)) if by_docs else None
    lines.append("")
    if small is not None and big is not None and big is not small:
        growth = (big["site"] / big["pages"]) / (small["site"] / small["pages"])
        ok = growth <= TARGETS["growth"]
        if not ok:
            missed.append(
                f"per-page growth {int(small['documents'])} → {int(big['documents'])}: {growth:.2f}× (target ≤ 1.3×)"
            )
        lines.append(
            f"Growth {int(small['documents'])} → {int(big['documents'])} documents: site per page {growth:.2f}× (target ≤ 1.3×){'' if ok else ' ✗'}."
        )
        if big["check"] > TARGETS["check-seconds"] or big["check-mb"] > TARGETS["check-mb"]:
            missed.append(
                f"`procgen check` at {int(big['documents'])} documents: {big['check']:.1f} s, {big['check-mb']:.0f} MB (target < 2 s, < 300 MB)"
            )
    lines.append("")
    lines.append("Missed targets: " + ("none." if not missed else ""))
    lines.extend(f"- {m}" for m in missed)
    return "\n".join(lines) + "\n", len(missed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,8,84", help="copies of the real content (12 documents each)")
    parser.add_argument("--pdf-sizes", default="1,8", help="sizes whose PDFs are built too")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    pdf_sizes = {int(x) for x in args.pdf_sizes.split(",") if x}
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    start = time.perf_counter()
    results = {}
    with tempfile.TemporaryDirectory(prefix="procgen-bench-") as scratch:
        for copies in sizes:
            print(f"… {copies * 12} documents", flush=True)
            results[copies] = measure_size(copies, Path(scratch), pdf=copies in pdf_sizes)
    text, missed = report(results, started, time.perf_counter() - start)
    out = Path(args.out)
    # The analysis written by hand below the marker (what the numbers mean, the profile of a missed
    # target) is kept when the table is measured again.
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if ANALYSIS in old:
        text += "\n" + old[old.index(ANALYSIS) :]
    out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
