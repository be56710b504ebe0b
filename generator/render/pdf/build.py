"""`procgen pdf`: every PDF, checked, cached, rendered in parallel, written atomically.

The steps, in order:
1. lay the catalog out as one HTML string per PDF (fast, in this process): manual.pdf's parts first, so
   that they render while the other PDFs are laid out (the binding waits for them);
2. check every character of a PDF the cache lacks against the font before it is rendered: a missing
   glyph fails the build here, located, naming every PDF it breaks, before anything is written;
3. look each PDF up in the cache by the hash of its inputs; render only the misses, one PDF
   per task across processes (a blank form's rows grow to fill its last page), what the binding
   of manual.pdf waits for ahead of the rest;
4. copy every PDF into the output folder (temporary file, then rename), only once all of
   them exist, so a failed build leaves the previous PDFs in place.

Same inputs give the same bytes: the PDF dates come from SOURCE_DATE_EPOCH, else the last
commit's time, never from the clock.
"""

from __future__ import annotations

import concurrent.futures
import ctypes.util
import datetime as dt
import heapq
import itertools
import multiprocessing
import multiprocessing.forkserver
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator import paths
from generator.catalog.views import Catalog
from generator.errors import UserError
from generator.manual import Manual
from generator.render.pdf import TEMPLATES
from generator.render.pdf import manual as binding
from generator.render.pdf.cache import PdfCache, cache_key, inputs_digest, write_atomic
from generator.render.pdf.glyphs import SourceIndex, glyph_problems
from generator.render.pdf.html import ARCHIVAL, MANUAL_ID, HtmlPages, PdfJob
from generator.render.pdf.render import MAIN_VARIABLE, RenderResult, RenderTask, die_with_parent, main_spec, render
from generator.settings import source_date_epoch
from generator.source.problems import Problem, format_text
from generator.text.glyphs import FontNotFound, cached_coverage, font_file, html_text, missing

FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
"""The PDF date when there is neither SOURCE_DATE_EPOCH nor any dated document."""

MANAGED = ("forms", "procedures", "training")
"""Output sub-folders whose stale PDFs a full build removes."""
ARCHIVE = "archive"
"""Superseded controlled copies: archive/<id>/<version>.pdf."""

_warned_harfbuzz = False


class UnknownIds(UserError):
    def __init__(self, ids: list[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


class GlyphError(UserError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} 个字符缺字")
        self.problems = problems


@dataclass
class BuildResult:
    """What a build did: PDFs rendered, PDFs taken from the cache, where they went."""

    out: Path
    rendered: list[RenderResult] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    """The manual's parts rendered (``front``, ``doc-<id>``, ``form-<id>``, ``stamps`` …); the others came from the cache."""
    seconds: float = 0.0

    @property
    def outputs(self) -> list[str]:
        return sorted([r.output for r in self.rendered] + self.cached)


def harfbuzz_subset_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


def warn_if_slow() -> None:
    """Say loudly, once, that PDFs will be ~50 times slower without libharfbuzz-subset."""
    global _warned_harfbuzz
    if _warned_harfbuzz or harfbuzz_subset_available():
        return
    _warned_harfbuzz = True
    bar = "!" * 78
    print(
        f"{bar}\n"
        "警告：未找到 libharfbuzz-subset。WeasyPrint 将改用 fontTools 裁剪中文字体，\n"
        "每个 PDF 约慢 50 倍（一页中文约 15 秒，而不是 0.3 秒）。请安装：\n"
        "    sudo apt-get install libharfbuzz-subset0\n"
        f"{bar}",
        file=sys.stderr,
        flush=True,
    )


def source_date(catalog: Catalog, root: Path | None = None) -> dt.datetime:
    """The PDFs' date, printed on every controlled copy as its 版本生成日期 (the commit's date, not the day it is printed); never the clock, so the same
    commit gives the same bytes: SOURCE_DATE_EPOCH, else the time of the commit checked out at
    ``root`` (one ``git`` call), else the newest effective or revision date.
    """
    fixed = source_date_epoch()
    if fixed is not None:
        return fixed
    committed = commit_time(root) if root is not None else None
    if committed is not None:
        return committed
    dates = [d.document.effective for d in catalog.documents]
    dates += [r.date for d in catalog.documents for r in d.document.revisions]
    if not dates:
        return FIXED_DATE
    newest = max(dates)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)


def commit_time(root: Path) -> dt.datetime | None:
    """The time of the commit checked out at ``root``, when ``root`` is the top of a git work tree."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=10
        )
        if top.returncode != 0 or Path(top.stdout.strip()).resolve() != root.resolve():
            return None
        stamp = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = stamp.stdout.strip()
    if stamp.returncode != 0 or not text.isascii() or not text.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(text), dt.UTC)


def _css_text() -> str:
    return (TEMPLATES / "print.css").read_text(encoding="utf-8")


class _Glyphs:
    """Every character of the PDFs about to be rendered checked against the font: the font's coverage read
    once per build, the sources searched (to locate a problem) only when a character is missing."""

    def __init__(self, catalog: Catalog, root: Path, font: Path) -> None:
        self.catalog, self.root = catalog, root
        self.cmap = cached_coverage(font, root / ".cache" / "glyphs")
        self.css = _css_text()
        self.checked: list[tuple[str, str]] = [("print.css", "".join(c for c in self.css if ord(c) > 127))]
        self.failed = bool(missing(self.checked[0][1], self.cmap))

    def fine(self, jobs: list[PdfJob]) -> bool:
        """Whether the font draws every character of ``jobs``; they are kept for :meth:`problems` either way."""
        pages = list({job.output: html_text(job.html) for job in jobs}.items())
        self.checked += pages
        self.failed = self.failed or any(missing(text, self.cmap) for _, text in pages)
        return not self.failed

    def problems(self) -> list[Problem]:
        """Located problems for every missing character of every PDF checked, naming the PDFs each breaks."""
        index = SourceIndex.of(self.catalog, self.root, extra=[("generator/templates/pdf/print.css", self.css)])
        return glyph_problems(self.checked, self.cmap, index)


def _copy(source: Path, target: Path) -> bool:
    """Put ``source``'s bytes at ``target`` unless they are already there; True if written."""
    data = source.read_bytes()
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return False
    write_atomic(target, data)
    return True


PRELOAD = ["generator.render.pdf.worker"]
"""What the fork server makes once: WeasyPrint imported, the fonts read, the stylesheet parsed, a line laid out,
and this process's ``__main__`` imported (``render.import_main``)."""


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a fork server: a process started once per process of ours, that made
    :data:`PRELOAD` and runs nothing else (one thread: forking it is safe, where forking this process, which
    may hold locks of other threads, is not). A worker forked from it is ready in milliseconds; a spawned
    interpreter took a second (importing WeasyPrint, reading the fonts) before its first PDF."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # not on Windows: spawned, as before
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


class _Renderer:
    """Renders tasks one PDF per task in worker processes forked from the fork server (:func:`_context`), as
    many at once as ``jobs``; with ``jobs`` 1, in this process, when waited for. :meth:`start` starts the
    server while this process lays the HTML out; the pool is made on the first task and serves every phase
    of a build.

    Tasks are queued here, not in the pool, so that those added ``first`` (what manual.pdf's binding waits
    for: its parts, then its front matter and page-number stamps) go to the next free worker ahead of the
    other PDFs, in the order added; the longest first otherwise, so that a long one does not start last and
    finish alone."""

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.queue: list[tuple[int, int, int, RenderTask]] = []  # a heap: (not first, -length, order added, task)
        self.running: dict[concurrent.futures.Future[RenderResult], RenderTask] = {}
        self.done: dict[str, RenderResult] = {}
        self.added = 0

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def start(self) -> None:
        """Start the fork server (it imports and warms up in the background); nothing when ``jobs`` is 1."""
        start_workers(self.jobs)

    def add(self, tasks: list[RenderTask], *, first: bool = False) -> None:
        """Queue ``tasks``; they start as workers come free."""
        for task in tasks:
            # first: in the order added (the binding adds the page-number stamps, its longest, first)
            heapq.heappush(self.queue, (0 if first else 1, 0 if first else -len(task.html), self.added, task))
            self.added += 1
        self._fill()

    def wait(self, keys: Iterable[str]) -> list[RenderResult]:
        """The results of the tasks of ``keys`` (queued before), once rendered; a worker's error is raised here."""
        wanted = list(keys)
        while any(key not in self.done for key in wanted):
            self._fill()  # not once they are done: the caller may add tasks to go first
            if not self.queue and not self.running:  # a key never queued: nothing will ever render it
                raise RuntimeError(f"no render queued for {[k for k in wanted if k not in self.done]}")
            if self.jobs == 1:
                task = heapq.heappop(self.queue)[3]
                self.done[task.key] = render(task)
                continue
            finished, _ = concurrent.futures.wait(self.running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in finished:
                task = self.running.pop(future)
                self.done[task.key] = future.result()
        return [self.done[key] for key in wanted]

    def _fill(self) -> None:
        if self.jobs == 1:
            return
        if self.pool is None and self.queue:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=_context(), initializer=die_with_parent, initargs=(os.getpid(),)
            )
        while self.queue and len(self.running) < self.jobs:
            task = heapq.heappop(self.queue)[3]
            assert self.pool is not None
            self.running[self.pool.submit(render, task)] = task


def start_workers(jobs: int = 0) -> None:
    """Start the workers' fork server, if it is not running, to import and warm up in the background while
    this process goes on (``procgen pdf`` calls it before it reads the definitions); nothing when ``jobs``
    (``--jobs``; 0: one per core) is 1, which renders in this process. It is told this process's
    ``__main__`` for the time it takes to start (``render.import_main``)."""
    if (jobs or os.cpu_count() or 1) == 1 or _context().get_start_method() != "forkserver":
        return
    before = os.environ.get(MAIN_VARIABLE)
    os.environ[MAIN_VARIABLE] = main_spec()
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ[MAIN_VARIABLE]
        else:
            os.environ[MAIN_VARIABLE] = before


@dataclass
class _Planned:
    job: PdfJob
    key: str
    output: bool  # copied to the output folder


def _plan(jobs: list[PdfJob], inputs: str, output: bool) -> list[_Planned]:
    return [_Planned(job, cache_key(job.source, inputs, fillable=job.fillable), output) for job in jobs]


class _Missing:
    """The renders a set of planned PDFs needs (those the cache lacks): :meth:`queue` queues them,
    :meth:`facts` waits for them."""

    def __init__(
        self,
        planned: list[_Planned],
        cache: PdfCache,
        renderer: _Renderer,
        result: BuildResult,
    ) -> None:
        self.renderer, self.cache, self.result = renderer, cache, result
        self.known: dict[str, dict] = {}
        tasks: dict[str, RenderTask] = {}
        for item in planned:
            meta = cache.get_meta(item.key)
            if cache.get(item.key) and meta is not None:
                cache.touch(item.key)
                self.known[item.key] = meta
                if item.output:
                    result.cached.append(item.job.output)
            elif item.key not in tasks:
                job = item.job
                tasks[item.key] = RenderTask(
                    job.output,
                    item.key,
                    job.html,
                    str(cache.folder),
                    job.fillable,
                    job.grow,
                    job.snug,
                    ARCHIVAL if job.archival else None,
                    job.part,
                    job.tags,
                )
        self.tasks = list(tasks.values())
        self.keys = list(tasks)
        self.outputs = {item.key for item in planned if item.output}
        self.names = {item.key: item.job.id for item in planned}
        self.jobs = {item.key: item.job for item in planned if item.key in tasks}
        """The PDFs to render, whose characters :func:`_queue` checks first."""

    def queue(self, *, first: bool = False) -> _Missing:
        self.renderer.add(self.tasks, first=first)
        return self

    def facts(self) -> dict[str, dict]:
        """Each key's render facts (rows grown, pages), once every render is done."""
        for done in self.renderer.wait(self.keys):
            self.known[done.key] = self.cache.get_meta(done.key) or {"grown": done.grown, "pages": done.pages}
            if done.key in self.outputs:
                self.result.rendered.append(done)
            else:
                self.result.parts.append(self.names[done.key].partition(":")[2])
        self.keys = []
        return self.known


def _queue(
    planned: list[_Planned],
    glyphs: _Glyphs,
    cache: PdfCache,
    renderer: _Renderer,
    result: BuildResult,
    *,
    first: bool = False,
) -> _Missing | None:
    """The renders ``planned`` needs, queued once their characters are checked; None (nothing queued) once a
    character of any PDF so far is missing."""
    missing = _Missing(planned, cache, renderer, result)
    return missing.queue(first=first) if glyphs.fine(list(missing.jobs.values())) else None


def _render_missing(
    planned: list[_Planned], cache: PdfCache, renderer: _Renderer, result: BuildResult
) -> dict[str, dict]:
    """Render what the cache lacks, ahead of other work; returns each key's render facts (rows grown, pages)."""
    return _Missing(planned, cache, renderer, result).queue(first=True).facts()


def _bind_manual(
    job: PdfJob,
    parts: list[_Planned],
    facts: dict[str, dict],
    inputs: str,
    cache: PdfCache,
    renderer: _Renderer,
    result: BuildResult,
) -> tuple[str, set[str]]:
    """manual.pdf from its parts (``manual.py``): the front matter numbered and the page-number stamps
    rendered when the parts' lengths call for it, then bound unless the cache has that binding; the
    bound file's cache key, and every key it used."""
    start = time.perf_counter()
    metas = [facts[item.key] for item in parts]
    front_length = int(metas[0]["pages"])  # laid out with every contents number 0
    for _ in range(3):  # the numbers in the contents could, in theory, change the front's length
        lengths = [front_length, *(int(m["pages"]) for m in metas[1:])]
        first_pages = binding.starts(lengths)
        front = _plan(
            [replace(parts[0].job, html=binding.numbered_front(job.parts[0], job.parts[1:], first_pages[1:]))],
            inputs,
            output=False,
        )
        # the stamps as the front's length and page types are expected to stay: both render at once (the
        # stamps, the longer, first)
        texts = binding.stamp_texts(job.parts, [{**metas[0], "pages": front_length}, *metas[1:]])
        stamps = _plan([binding.stamp_job(job, texts)], inputs, output=False)
        done = _render_missing([*stamps, *front], cache, renderer, result)
        numbered = done[front[0].key]
        if int(numbered["pages"]) == front_length:
            break
        front_length = int(numbered["pages"])
    bound_metas = [{**metas[0], **numbered}, *metas[1:]]
    bound_texts = binding.stamp_texts(job.parts, bound_metas)
    if bound_texts != texts:  # the numbered front's pages are of other types
        texts = bound_texts
        stamps = _plan([binding.stamp_job(job, texts)], inputs, output=False)
        _render_missing(stamps, cache, renderer, result)
    keys = [front[0].key, *(item.key for item in parts), stamps[0].key]
    key = binding.bound_key(inputs, keys)
    if cache.get(key):
        cache.touch(key)
        result.cached.append(job.output)
    else:
        bound = [
            binding.Bound(cache.path(k), part, tuple(meta.get("borrowed", ())))
            for k, part, meta in zip(
                [front[0].key, *(item.key for item in parts[1:])], job.parts, bound_metas, strict=True
            )
        ]
        cache.put(key, binding.bind(bound, cache.path(stamps[0].key), texts))
        pages = len(texts)
        cache.put_meta(key, {"grown": 0, "pages": pages})
        result.rendered.append(RenderResult(job.output, key, time.perf_counter() - start, pages))
    return key, {*keys, key}


def build(
    manual: Manual,
    root: Path,
    out: Path,
    *,
    only: list[str] | None = None,
    jobs: int = 0,
    fillable: bool = False,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Produce the PDFs into ``out``; raises :class:`UnknownIds`, :class:`GlyphError` or
    :class:`~generator.pdf.glyphs.FontNotFound` for the user's mistakes.

    A blank form is never squeezed below the handwriting sizes of ``paper.py``: it runs on to a
    second page instead, and its last table takes extra blank rows to fill its last page.
    """
    start = time.perf_counter()
    renderer = _Renderer(jobs or os.cpu_count() or 1)
    renderer.start()  # the workers' server warms up while this process lays the HTML out
    catalog = manual.catalog
    pages = HtmlPages(manual, source_date(catalog, root), fillable=fillable)
    if only:
        unknown = [key for key in only if key not in pages.ids()]
        if unknown:
            raise UnknownIds(unknown)
    font = font_file()
    cache = PdfCache(cache_dir or root / ".cache" / "pdf")
    inputs = inputs_digest(font)
    result = BuildResult(out)
    keep: set[str] = set()
    bound = ""
    with renderer:
        # manual.pdf's parts first: its binding waits for them, and they render while the other PDFs' HTML
        # is laid out, each kind queued as soon as it is. A PDF found in the cache was checked when it was
        # rendered: only new ones are checked, and nothing is queued once a character is missing.
        glyphs = _Glyphs(catalog, root, font)
        manual_job = pages.manual_pdf() if not only or MANUAL_ID in only else None
        parts = _plan(binding.part_jobs(manual_job), inputs, output=False) if manual_job else []
        missing_parts = _queue(parts, glyphs, cache, renderer, result, first=True)
        forms: list[_Planned] = []
        others: list[_Planned] = []
        queued: list[_Missing | None] = []
        for kind, keys in itertools.groupby(pages.select(only), key=lambda item: item[0]):
            if kind == "manual":
                continue
            planned = _plan(
                [pages.form(key) if kind == "form" else pages.job(kind, key) for _, key in keys], inputs, True
            )
            (forms if kind == "form" else others).extend(planned)
            queued.append(_queue(planned, glyphs, cache, renderer, result))
        if glyphs.failed:
            raise GlyphError(glyphs.problems())
        if manual_job is not None and missing_parts is not None:
            bound, keep = _bind_manual(manual_job, parts, missing_parts.facts(), inputs, cache, renderer, result)
        for missing in queued:
            if missing is not None:
                missing.facts()

    for item in [*forms, *others]:
        if _copy(cache.path(item.key), out / item.job.output):
            result.written.append(item.job.output)
    if manual_job is not None:
        if _copy(cache.path(bound), out / manual_job.output):
            result.written.append(manual_job.output)
    if not only:
        produced = {item.job.output for item in [*forms, *others]} | ({manual_job.output} if manual_job else set())
        result.removed += _remove_stale(out, produced)
        cache.prune({item.key for item in [*forms, *others]} | keep)
    result.seconds = time.perf_counter() - start
    return result


def _remove_stale(out: Path, produced: set[str]) -> list[str]:
    """Remove the PDFs of the output folder's managed sub-folders this build did not produce; their names."""
    stale = [path for folder in MANAGED for path in sorted((out / folder).glob("*.pdf"))]
    stale += sorted((out / ARCHIVE).glob("*/*.pdf"))
    removed = []
    for path in stale:
        name = path.relative_to(out).as_posix()
        if name not in produced:
            path.unlink()
            removed.append(name)
    return removed


def build_pdfs(
    manual: Manual,
    root: Path,
    out: Path,
    *,
    only: list[str] | None = None,
    jobs: int = 0,
    fillable: bool = False,
    cache_dir: Path | None = None,
) -> int:
    """Build the PDFs and report; the exit status: 0 done, 1 a problem in the definitions
    (e.g. a character the font lacks, located), 2 an unknown ``--only`` id. The report names the folder
    the PDFs will be in once published (``out`` may be in a staging folder: ``paths.published``)."""
    warn_if_slow()
    try:
        result = build(manual, root, out, only=only, jobs=jobs, fillable=fillable, cache_dir=cache_dir)
    except UnknownIds as exc:
        print(f"procgen pdf: 未知的 id：{'、'.join(exc.ids)}（可用表单、文件、角色的 id，或 manual）", file=sys.stderr)
        return 2
    except GlyphError as exc:
        sys.stdout.write(format_text(exc.problems))
        print("有字符无法打印，未生成 PDF。", file=sys.stderr)
        return 1
    except FontNotFound as exc:
        print(f"procgen pdf: {exc}", file=sys.stderr)
        return 1
    for item in sorted(result.rendered, key=lambda r: r.output):
        grown = f"，空白行加 {item.grown} 行填满末页" if item.grown else ""
        print(f"已生成 {item.output}（{item.pages} 页{grown}，{item.seconds:.1f} 秒）")
    for item in sorted(result.rendered, key=lambda r: r.output):
        for warning in item.warnings:
            print(f"  WeasyPrint 警告（{item.output}）：{warning}", file=sys.stderr)
    for name in result.removed:
        print(f"已删除过期的 {name}")
    print(
        f"PDF：{len(result.rendered)} 个需要重新生成，{len(result.cached)} 个未变（缓存），"
        f"输出到 {_shown(paths.published(out), root)}（{result.seconds:.1f} 秒）"
    )
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() + "/"
    except ValueError:
        return str(path)
