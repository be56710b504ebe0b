"""Benchmark: checking and site building, on the real content and on a catalog 25 times larger.

Run with `make bench`. Prints a table; targets are stated beside each measurement and the run
exits 1 if one is missed. PDF timings come from bench/pdf_bench.py (run after this one).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
SCALE = 25

TARGETS = {
    "check, real content (12 documents, 21 forms)": (1.5, 200),
    f"check, x{SCALE} content ({12 * SCALE} documents, {21 * SCALE} forms)": (8.0, 400),
    "site build without PDFs, real content": (20.0, 400),
}


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, runs: int = 3) -> tuple[float, float]:
    """Median wall time (s) and peak resident memory (MB) of a command, via /usr/bin/time if present."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
        done = subprocess.run([*timer, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{cmd} failed:\n{done.stderr[-2000:]}")
        if timer:
            peaks.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), max(peaks) if peaks else float("nan")


def scaled_copy(dest: Path) -> Path:
    """The real content copied SCALE times with renamed ids, codes and titles."""
    (dest / "procedures").mkdir(parents=True)
    (dest / "forms").mkdir()
    shutil.copy(REPO / "procedures" / "roles.yml", dest / "procedures")
    shutil.copy(REPO / "procedures" / "external.yml", dest / "procedures")
    docs = sorted((REPO / "procedures").glob("[0-9][0-9]-*.yml"))
    forms = sorted((REPO / "forms").glob("*.yml"))
    doc_ids = [re.search(r"^id: (\S+)", d.read_text(encoding="utf-8"), re.M).group(1) for d in docs]
    form_ids = [f.stem for f in forms]
    own_titles = set()
    for f in docs + forms:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        own_titles |= {data["title"], *data.get("aliases", [])}
    for n in range(SCALE):
        def rename(text: str, n: int = n) -> str:
            for i in doc_ids + form_ids:
                text = re.sub(rf"(?<![a-z0-9-]){re.escape(i)}(?![a-z0-9-])", f"{i}-c{n}", text)
            text = re.sub(r"^code: (WY-[A-Z]+-[0-9-]+)", rf"code: \1-C{n}", text, flags=re.M)
            text = re.sub(r"^title: ([\"']?)(.+?)\1$", lambda m: f"title: {m.group(1)}{m.group(2)}（副本{n}）{m.group(1)}", text, flags=re.M)
            text = re.sub(r"^aliases: \[(.*)\]$", lambda m: "aliases: [" + ", ".join(chr(34) + f"{a.strip().strip(chr(34))}（副本{n}）" + chr(34) for a in m.group(1).split(",") if a.strip()) + "]", text, flags=re.M)
            for title in own_titles:
                text = text.replace(f"《{title}》", f"《{title}（副本{n}）》")
            return text
        for d, i in zip(docs, doc_ids, strict=True):
            target = dest / "procedures" / f"{d.name[:2]}-{i}-c{n}.yml"
            target.write_text(rename(d.read_text(encoding="utf-8")), encoding="utf-8")
        for f, i in zip(forms, form_ids, strict=True):
            (dest / "forms" / f"{i}-c{n}.yml").write_text(rename(f.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def main() -> int:
    env = dict(os.environ, PROCGEN_TODAY="2024-06-01")
    rows = []
    t, m = measure([PY, "-m", "generator", "check", str(REPO)], REPO, env, runs=5)
    rows.append(("check, real content (12 documents, 21 forms)", t, m))
    with tempfile.TemporaryDirectory() as tmp:
        big = scaled_copy(Path(tmp) / "big")
        out = subprocess.run([PY, "-m", "generator", "check", str(big)], env=env, capture_output=True, text=True)
        errors = out.stdout.strip().splitlines()[-1]
        t, m = measure([PY, "-m", "generator", "check", str(big)], REPO, env, runs=3)
        rows.append((f"check, x{SCALE} content ({12 * SCALE} documents, {21 * SCALE} forms)", t, m))
        site = Path(tmp) / "site"
        t, m = measure([PY, "-m", "mkdocs", "build", "-q", "--site-dir", str(site)], REPO, dict(env, PROCGEN_PDF="false"), runs=1)
        rows.append(("site build without PDFs, real content", t, m))
    print(f"scaled catalog check result: {errors}")
    print()
    print("| measurement | time (s) | target (s) | peak memory (MB) | target (MB) |")
    print("|---|---:|---:|---:|---:|")
    missed = 0
    for name, t, m in rows:
        tt, tm = TARGETS[name]
        ok = t <= tt and (m != m or m <= tm)
        missed += not ok
        print(f"| {name} | {t:.2f} | {tt} | {m:.0f} | {tm} |{'' if ok else ' MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
