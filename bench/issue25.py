"""Benchmark: the targets of issue 25, each measured, in one table of bench/RESULTS.md (what `make bench` runs).

    .venv/bin/python bench/issue25.py [--sizes 8,84] [--site-sizes 8] [--runs 5] [--repeat 3] [--saves 8]

1. `procgen check` at 1,008 documents in git, `.cache/` filled: < 2 s and < 300 MB (CPU time beside wall
   time: the machine is shared);
2. in git ≤ 1.2 × outside git at 96 and 1,008 documents: `procgen check`, `procgen check --format json`
   (retraining: the previous version of every changed document) and the site without PDFs
   (bench/git_history.py; the site only at ``--site-sizes``, minutes per build at 1,008);
3. the preview after a save ≤ 1.2 × plain MkDocs serve and ≤ 1.5 s (bench/preview.py);
4. one changed form or document: its PDF and manual.pdf bound from cached parts ≤ 2 s (bench/manual_bench.py).

Then the profile of what is left of the check at 1,008 documents in git (one warm `check --format json`,
CPU seconds by step). The section between the markers in RESULTS.md is replaced; everything else is kept.
Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import git_history  # noqa: E402
import manual_bench  # noqa: E402
import preview  # noqa: E402
from run import ENV, PY  # noqa: E402

BEGIN = "<!-- issue-25 targets: written by bench/issue25.py -->"
END = "<!-- /issue-25 targets -->"
CHECK_SECONDS, CHECK_MB, IN_GIT, PDF_SECONDS = 2.0, 300, git_history.TARGET, manual_bench.TARGET

STEPS = (
    ("load_all", "reading every file (its `.cache/check/` entry: memo and model; data and positions left on disk)"),
    ("read_history", "`git log` and the history's blob facts (`.cache/history/`)"),
    ("statements_have_a_basis", "rule: statements have a basis (kept findings checked against their sources)"),
    ("glyphs_exist", "rule: glyphs in the font (the files' characters, once)"),
    ("build_catalog", "the catalog (JSON only: reviews and retraining read it)"),
    ("retraining_after_changes", "retraining: previous versions' facts (`.cache/history/facts/`) against today's"),
    ("reviews_json", "review states"),
)


def profile_check(project: Path) -> tuple[list[tuple[str, float]], float]:
    """CPU seconds of the steps of one warm `procgen check --format json` (cProfile, CPU clock), the rules
    not listed apart summed, and the imports; and the run's total."""
    out = project / ".." / "check.prof"
    code = (
        "import cProfile, sys, time\n"
        "sys.argv = ['procgen', 'check', '--format', 'json', '.']\n"
        "profile = cProfile.Profile(time.process_time)\n"
        "profile.enable()\n"
        "from generator.cli import main as cli\n"
        "try:\n"
        "    cli.main()\n"
        "finally:\n"
        "    profile.disable()\n"
        f"    profile.dump_stats({str(out)!r})\n"
    )
    subprocess.run([PY, "-c", code], cwd=project, env=ENV, capture_output=True, check=False)
    stats = pstats.Stats(str(out))
    by_name: dict[str, float] = {}
    total = 0.0
    for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name in dict(STEPS) and "generator" in file:
            by_name[name] = max(by_name.get(name, 0.0), cumulative)
        if name == "_find_and_load":  # the outermost import's cumulative time holds the nested ones
            by_name["imports"] = max(by_name.get("imports", 0.0), cumulative)
        if name == "main" and file.endswith("generator/cli/main.py"):
            total = cumulative
        if name == "_check" and file.endswith("generator/check/run.py"):
            by_name["_check"] = cumulative
    rules = [
        cumulative
        for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items()  # type: ignore[attr-defined]
        if "generator/check/rules/" in file and name in {r.__name__ for r in _rules()}
    ]
    rows = [(label, by_name.get(name, 0.0)) for name, label in STEPS]
    listed = {"statements_have_a_basis", "glyphs_exist"}
    rows.insert(3, ("the other rules", sum(rules) - sum(by_name.get(n, 0.0) for n in listed)))
    rows.insert(0, ("imports (the largest: `generator.check.run` and what it needs)", by_name.get("imports", 0.0)))
    return rows, total


def _rules() -> list:
    sys.path.insert(0, str(REPO))
    from generator.check.rules import ALL

    return list(ALL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,84", help="copies of the real content: 8 → 96 documents, 84 → 1,008")
    parser.add_argument("--site-sizes", default="8", help="sizes whose site is built in and out of git")
    parser.add_argument("--runs", type=int, default=5, help="runs of each check on each side, in turns (median)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of manual_bench's rebuilds")
    parser.add_argument("--saves", type=int, default=8, help="paired saves of the preview")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    begun = time.perf_counter()
    load = os.getloadavg()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    site_sizes = {int(x) for x in args.site_sizes.split(",") if x}
    rows: list[tuple[str, str, str, bool | None]] = []  # target, measured, limit, met (None: shown, no target)
    profile: list[tuple[str, float]] = []
    total = measured = 0.0
    with tempfile.TemporaryDirectory(prefix="procgen-issue25-") as scratch:
        tmp = Path(scratch)
        for copies in sizes:
            print(f"… history: {copies * 12} documents", flush=True)
            r = git_history.measure(copies, tmp, args.runs, site=copies in site_sizes)
            n = int(r["documents"])
            if copies == max(sizes):
                ok = r["check-git-cpu"] < CHECK_SECONDS and r["check-git-mb"] < CHECK_MB
                rows.append(
                    (
                        f"1. `procgen check`, {n} documents in git, `.cache/` filled",
                        f"{r['check-git-cpu']:.2f} s CPU ({r['check-git']:.2f} s wall), {r['check-git-mb']:.0f} MB",
                        f"< {CHECK_SECONDS:.0f} s, < {CHECK_MB} MB",
                        ok,
                    )
                )
                print("… profile of the check", flush=True)
                profile, total = profile_check(tmp / f"git-{copies}")
                measured = r["json-git-cpu"]
            for key, label in (
                ("check", "`procgen check`"),
                ("json", "`check --format json`"),
                ("site", "site, no PDFs"),
            ):
                if f"{key}-git" not in r:
                    continue
                wall = r[f"{key}-git"] / r[f"{key}-plain"]
                if f"{key}-git-cpu" in r:
                    ratio = r[f"{key}-git-cpu"] / r[f"{key}-plain-cpu"]
                    shown = (
                        f"{ratio:.2f}× CPU ({r[f'{key}-git-cpu']:.2f} / {r[f'{key}-plain-cpu']:.2f} s); "
                        f"{wall:.2f}× wall ({r[f'{key}-git']:.2f} / {r[f'{key}-plain']:.2f} s)"
                    )
                else:
                    ratio = wall
                    shown = f"{wall:.2f}× wall ({r[f'{key}-git']:.1f} / {r[f'{key}-plain']:.1f} s)"
                rows.append((f"2. {label} in git ÷ outside, {n} documents", shown, f"≤ {IN_GIT}×", ratio <= IN_GIT))
            for name in ("plain", "git"):
                shutil.rmtree(tmp / f"{name}-{copies}", ignore_errors=True)
                shutil.rmtree(tmp / f"site-{name}-{copies}", ignore_errors=True)
    print("… preview", flush=True)
    saves = preview.measure(args.saves)
    ours = statistics.median(w for w, _ in saves["ours"])
    plain = statistics.median(w for w, _ in saves["plain"])
    ratio = statistics.median(o[0] / p[0] for o, p in zip(saves["ours"], saves["plain"], strict=True))
    ours_cpu = statistics.median(c for _, c in saves["ours"])
    rows.append(
        (
            "3. preview after a save ÷ plain MkDocs serve (paired)",
            f"{ratio:.2f}× (ours {ours:.2f} s, plain {plain:.2f} s wall)",
            f"≤ {preview.RATIO}×",
            ratio <= preview.RATIO,
        )
    )
    rows.append(
        (
            "3. preview after a save, real manual",
            f"{ours:.2f} s wall ({ours_cpu:.2f} s CPU of the server)",
            f"≤ {preview.SECONDS} s",
            ours <= preview.SECONDS,
        )
    )
    print("… manual.pdf", flush=True)
    rebuilds = manual_bench.measure(args.repeat)
    for name in ("one form changed", "one document changed", "one document grown by pages"):
        values = rebuilds[name]
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        pages = "/".join(str(v[3]) for v in values)
        parts = "/".join(str(v[4]) for v in values)
        rows.append(
            (
                f"4. {name}: its PDF + manual.pdf from cached parts",
                f"{wall:.2f} s wall ({cpu:.2f} s CPU); {values[0][2]} PDFs rendered and {parts} parts of "
                f"manual.pdf ({pages} pages) in the rounds",
                f"≤ {PDF_SECONDS:.0f} s",
                wall <= PDF_SECONDS,
            )
        )
    print("… procgen pdf", flush=True)
    runs = manual_bench.command(args.repeat)
    rows.append(
        (
            "4. (not a target) `procgen pdf` as a new process after one document changed: what an administrator "
            "waits for, Python's start, the imports and the check included",
            f"{statistics.median(w for w, _ in runs):.2f} s wall (median of {len(runs)}: "
            + ", ".join(f"{w:.2f}" for w, _ in runs)
            + ")",
            "—",
            None,
        )
    )
    rows.sort(key=lambda row: row[0][:2])  # by target, sizes in order within each
    minutes = (time.perf_counter() - begun) / 60
    missed = [r for r in rows if r[3] is False]
    lines = [
        BEGIN,
        "## Issue 25 targets",
        "",
        f"`make bench` (bench/issue25.py), {started}: {os.cpu_count()} cores, load average {load[0]:.1f} at the start, "
        f"{minutes:.0f} min in all. Sizes {', '.join(str(c * 12) for c in sizes)} documents (bench/synth.py, kept in git by "
        f"bench/git_history.py: three versions of every document, a renumbering, a withdrawal); the checks are the "
        f"median of {args.runs} runs on each side, taken in turns, with `.cache/` filled; the site in and out of git built (3 times each, in turns) at "
        f"{', '.join(str(c * 12) for c in sorted(site_sizes)) or 'no size'} documents only. Preview: {args.saves} paired saves; "
        f"manual.pdf: {args.repeat} rounds (bench/manual_bench.py: the real content, one warm process). The machine is "
        "shared: CPU time (user + system) is given beside wall time, and ratios use CPU time where both are measured.",
        "",
        "| target | measured | limit | |",
        "|---|---|---|---|",
        *(
            f"| {target} | {measured} | {limit} | {'·' if ok is None else '✓' if ok else '✗'} |"
            for target, measured, limit, ok in rows
        ),
        "",
        f"Missed: {len(missed)}" + ("." if not missed else ": " + "; ".join(r[0] for r in missed) + "."),
        "",
        f"What is left of a warm `procgen check --format json` at {max(sizes) * 12} documents in git: one run under "
        f"cProfile (CPU clock; {total:.1f} s with the profiler's overhead), each step's share, and that share of the "
        f"{measured:.2f} s of CPU the same check takes without the profiler (the profiler slows small Python calls "
        "most, so the shares are approximate):",
        "",
        "| step | share | ≈ CPU s |",
        "|---|---:|---:|",
        *(
            f"| {label} | {100 * seconds / total:.0f} % | {measured * seconds / total:.2f} |"
            for label, seconds in profile
            if total
        ),
        END,
    ]
    section = "\n".join(lines) + "\n"
    out = Path(args.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if BEGIN in old and END in old:
        text = old[: old.index(BEGIN)] + section + old[old.index(END) + len(END) + 1 :]
    else:
        text = old.rstrip("\n") + "\n\n" + section
    out.write_text(text, encoding="utf-8")
    print(section)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
