"""Benchmark: the version history's cost. `procgen check`, `procgen check --format json` (which works out
retraining: each changed document's previous version) and the site (no PDFs) on a synthetic catalog kept
in git with several versions of each document, a renumbering (`git mv`) and a withdrawal, beside the same
files outside git. The checks run with `.cache/` filled (as every run after the first does); the first,
cold run is reported beside them.

    .venv/bin/python bench/git_history.py [--sizes 8,84] [--out bench/GIT_RESULTS.md]

Sizes are copies of the real content (bench/synth.py): 8 → 96 documents, 84 → 1,008. Target: in git
at most 1.2 × outside git, for the check and for the site. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import synth  # noqa: E402
from run import BIN, ENV  # noqa: E402

TARGET = 1.2
from run import CONTENT_DATE  # noqa: E402

STAMP = f"{CONTENT_DATE + dt.timedelta(days=40)}T10:00:00Z"
GIT_ENV = dict(
    ENV,
    GIT_AUTHOR_NAME="质量部",
    GIT_AUTHOR_EMAIL="qa@example.com",
    GIT_COMMITTER_NAME="质量部",
    GIT_COMMITTER_EMAIL="qa@example.com",
    GIT_AUTHOR_DATE=STAMP,
    GIT_COMMITTER_DATE=STAMP,
)
DATES = tuple((CONTENT_DATE + dt.timedelta(days=days)).isoformat() for days in (10, 20, 30))
"""The dates of the versions every document goes through after the committed one (a new effective date and
a revision entry each), then of the renumbered document's: after the real content's latest date."""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


def raise_version(path: Path, date: str) -> None:
    """The file's next minor version (1.1 → 1.2), effective ``date``, with its revision entry."""
    text = path.read_text(encoding="utf-8")
    major, minor = re.search(r'^version: "(\d+)\.(\d+)"$', text, flags=re.M).groups()  # type: ignore[union-attr]
    version = f"{major}.{int(minor) + 1}"
    text = re.sub(r'^version: "[0-9.]+"$', f'version: "{version}"', text, count=1, flags=re.M)
    text = re.sub(r"^effective: \S+$", f"effective: {date}", text, count=1, flags=re.M)
    entry = f'revisions:\n  - version: "{version}"\n    date: {date}\n    summary: 定期修订\n    changes:\n      - 生效日期改为 {date}。\n'
    path.write_text(text.replace("revisions:\n", entry, 1), encoding="utf-8")


def make_git(project: Path) -> dict[str, int]:
    """Commit ``project`` as it is, then every document at each of two next versions; renumber one document that
    nothing refers to and withdraw another. Returns what it did."""
    company = project / "procedures" / "company.yml"  # this repository's controlled_from means nothing there
    company.write_text(re.sub(r"(?m)^controlled_from:.*\n", "", company.read_text(encoding="utf-8")), encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "1.0")
    documents = sorted((project / "procedures").glob("[0-9]*-*.yml"))
    for date in DATES[:2]:
        for path in documents:
            raise_version(path, date)
        git(project, "commit", "-qam", date)
    # The copies of 07 (a policy) and 12 are named by no form and no other document.
    policies = sorted(p for p in documents if "-mission-philosophy-" in p.name)
    scopes = sorted(p for p in documents if "-building-service-scope-" in p.name)
    moved = policies[0]
    number = max(int(p.name[:4]) for p in documents) + 1
    target = moved.with_name(f"{number:04d}{moved.name[4:]}")
    git(project, "mv", str(moved.relative_to(project)), str(target.relative_to(project)))
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"^code: WY-GL-\d+$", f"code: WY-GL-{number:04d}", text, count=1, flags=re.M)
    target.write_text(text, encoding="utf-8")
    raise_version(target, DATES[2])
    git(project, "rm", "-q", str(scopes[0].relative_to(project)))
    git(project, "commit", "-qam", "重新编号一篇、撤销一篇")
    return {"documents": len(documents), "commits": 4}


def once(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak memory (MB) of one run."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], cwd=cwd, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    user, system, peak = done.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(peak) / 1024


def summary(samples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Median wall, median CPU, largest peak memory."""
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def paired(cmd: list[str], plain: Path, in_git: Path, runs: int) -> dict[str, tuple[float, float, float]]:
    """``runs`` runs of ``cmd`` on each side, in turns (plain, git, then git, plain, …): the machine is shared
    (2 cores, other sessions' tests), and a burst of someone else's work then falls on both sides alike
    instead of on every run of one side."""
    samples: dict[str, list[tuple[float, float, float]]] = {"plain": [], "git": []}
    for round_ in range(runs):
        order = (("plain", plain), ("git", in_git)) if round_ % 2 == 0 else (("git", in_git), ("plain", plain))
        for name, project in order:
            samples[name].append(once(cmd, project))
    return {name: summary(values) for name, values in samples.items()}


def measure(copies: int, tmp: Path, runs: int, site: bool = True, site_runs: int = 3) -> dict[str, float]:
    plain = synth.make(tmp / f"plain-{copies}", copies)
    in_git = tmp / f"git-{copies}"
    shutil.copytree(plain, in_git)
    found: dict[str, float] = dict(make_git(in_git))
    # the same files outside git: the state of the last commit
    shutil.rmtree(plain)
    shutil.copytree(in_git, plain, ignore=shutil.ignore_patterns(".git"))
    check = [str(BIN / "procgen"), "check", "."]
    check_json = [str(BIN / "procgen"), "check", "--format", "json", "."]
    result = subprocess.run(check_json, cwd=in_git, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"check in git failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    projects = {"plain": plain, "git": in_git}
    for name, project in projects.items():
        shutil.rmtree(project / ".cache", ignore_errors=True)
        found[f"cold-{name}"], found[f"cold-{name}-cpu"], found[f"cold-{name}-mb"] = once(check_json, project)
    for key, cmd in (("check", check), ("json", check_json)):
        for name, (wall, cpu, mb) in paired(cmd, plain, in_git, runs).items():
            found[f"{key}-{name}"], found[f"{key}-{name}-cpu"], found[f"{key}-{name}-mb"] = wall, cpu, mb
    if site:
        env = dict(ENV, PROCGEN_PDF="false")
        times: dict[str, list[float]] = {"plain": [], "git": []}
        for round_ in range(site_runs):
            for name in ("plain", "git") if round_ % 2 == 0 else ("git", "plain"):
                build = [str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(tmp / f"site-{name}-{copies}")]
                start = time.perf_counter()
                subprocess.run(build, cwd=projects[name], env=env, check=True, capture_output=True)
                times[name].append(time.perf_counter() - start)
        for name, values in times.items():
            found[f"site-{name}"] = statistics.median(values)
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="8,84")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--site-sizes", default="8,84", help="sizes whose site is built too (minutes each at 84)")
    parser.add_argument("--out", default=str(REPO / "bench" / "GIT_RESULTS.md"))
    args = parser.parse_args()
    lines = [
        "# Version history: in git beside outside git",
        "",
        "`bench/git_history.py`: a synthetic catalog committed, then every document raised twice "
        "(a minor version and a commit each), one renumbered with `git mv`, one withdrawn; the same files outside git. Median of "
        f"{args.runs} runs on each side, in turns; target: in git ≤ {TARGET} × outside.",
        "",
        "`procgen check` (text: what `make check` and the pre-commit hook run) and `procgen check --format json` "
        "(which works out retraining: the previous version of every changed document) with `.cache/` filled by "
        "an earlier run; *cold*: the first run of `--format json`, `.cache/` empty. Time, then peak memory.",
        "",
        "| documents | | outside git | in git | ratio (wall) | CPU outside / in git | ratio (CPU) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    missed = 0
    with tempfile.TemporaryDirectory(prefix="procgen-git-bench-") as scratch:
        for copies in (int(x) for x in args.sizes.split(",")):
            r = measure(copies, Path(scratch), args.runs, site=str(copies) in args.site_sizes.split(","))
            n = int(r["documents"])
            for label, key, target in (
                ("`procgen check`", "check", TARGET),
                ("`check --format json`", "json", TARGET),
                ("cold `check --format json`", "cold", None),
                ("site, no PDFs", "site", TARGET),
            ):
                if f"{key}-git" not in r:
                    continue
                ratio = r[f"{key}-git"] / r[f"{key}-plain"]
                bad = target is not None and ratio > target
                missed += bad
                plain_mb, git_mb = (
                    f", {r[f'{key}-{side}-mb']:.0f} MB" if f"{key}-{side}-mb" in r else "" for side in ("plain", "git")
                )
                cpu = (
                    f"{r[f'{key}-plain-cpu']:.2f} s / {r[f'{key}-git-cpu']:.2f} s | {r[f'{key}-git-cpu'] / r[f'{key}-plain-cpu']:.2f}"
                    if f"{key}-git-cpu" in r
                    else "— | —"
                )
                lines.append(
                    f"| {n} | {label} | {r[f'{key}-plain']:.2f} s{plain_mb} | {r[f'{key}-git']:.2f} s{git_mb} | "
                    f"{ratio:.2f}{' ✗' if bad else ''} | {cpu} |"
                )
                print(lines[-1], flush=True)
    lines += [
        "",
        f"{os.cpu_count()} cores; ratios over {TARGET} are misses ({missed} here; the cold run has no target).",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
