"""The definitions' git history: the version each document and form was at in every commit, and the
content of each version.

Read with a fixed number of git calls per build, none per file: ``git rev-parse`` (is this the top of a
full clone?), one ``git log --raw`` over the first-parent history of the branch, and one
``git cat-file --batch`` process that answers for every blob the rules ask about.

A document or form is followed by its ``id``, not by its file name: a file renamed or renumbered with
``git mv`` keeps its history, and a file deleted from the branch is a withdrawn document (its last
version stays on record). The id and the version of each committed blob are read from its parsed YAML
(once per blob), never by matching text.

What counts as content: a file's data as parsed, without its metadata (:data:`METADATA`): formatting,
comments, key order and quoting never count, nor do revision entries and review records (a typo in a
revision summary, a review recorded with ``procgen review``) or the review cycle. Everything else is
content: a change to it needs a new version with its revision entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.source.diskcache import Table, code_version
from generator.source.loader import Located, load_blob

GIT_TIMEOUT = 120
"""Seconds a git call may take before the history is given up (with a notice), never a hang."""

METADATA = frozenset({"$schema", "revisions", "review_months"})
"""Keys whose change is not a change of content: the version rule ignores them."""

WATCHED = ("procedures/", "forms/")
"""The folders whose files are under version control; a file's identity is (folder, id)."""

Identity = tuple[str, str]
"""("procedures/" or "forms/", the id in the file; a file without one, such as roles.yml, by its path)."""


@dataclass(frozen=True)
class Commit:
    sha: str
    time: int  # committer time, seconds since the epoch
    index: int  # 0 = the oldest commit of the first-parent history

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.time, dt.UTC).date()


@dataclass(frozen=True)
class Change:
    """One commit's version of one file (``blob`` None: the commit deleted it, or moved the id away)."""

    commit: Commit
    blob: str | None
    path: str = ""


@dataclass(frozen=True)
class BlobFacts:
    """What the history needs of one committed blob, read from its parsed YAML once and kept on disk by
    the blob's hash (``.cache/history/``): a later run reads no blob it has met before."""

    parsed: bool
    """False: the blob does not parse as YAML (it has no id or version then)."""
    id: str | None
    version: str | None
    digest: str | None
    """:func:`content_digest` of its data."""


@dataclass
class Span:
    """The commits during which a file stayed at one version: ``first`` introduced it, ``last`` is the
    newest commit with it (the content that was in force when it was superseded)."""

    version: str
    first: Change
    last: Change


@dataclass
class History:
    """What git knows about ``procedures/`` and ``forms/``; empty, with a ``notice``, when it cannot say."""

    root: Path
    notice: str | None = None
    commits: list[Commit] = field(default_factory=list)
    by_sha: dict[str, Commit] = field(default_factory=dict)
    files: dict[str, list[Change]] = field(default_factory=dict)  # path -> changes, oldest first
    by_commit: list[list[Change]] = field(default_factory=list)  # commit index -> the files it changed
    _batch: subprocess.Popen[bytes] | None = None
    _blobs: dict[str, bytes] = field(default_factory=dict)
    _parsed: dict[str, Any] = field(default_factory=dict)
    _facts: Table | None = None
    _lineages: dict[Identity, list[Change]] | None = None
    _spans: dict[Identity, list[Span]] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.notice is None

    def commit(self, rev: str) -> Commit | None:
        """A commit of the first-parent history named by its hash or a prefix of at least 7 digits."""
        rev = rev.lower()
        if rev in self.by_sha:
            return self.by_sha[rev]
        found = [c for c in self.commits if c.sha.startswith(rev)] if len(rev) >= 7 else []
        return found[0] if len(found) == 1 else None

    def blob(self, sha: str) -> bytes:
        """A blob's bytes, from the one ``git cat-file --batch`` process of this history."""
        if sha in self._blobs:
            return self._blobs[sha]
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_git_env(),
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(sha.encode("ascii") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:
            raise OSError(f"git cat-file: {sha} 不存在")
        size = int(header[2])
        data = self._batch.stdout.read(size)
        self._batch.stdout.read(1)  # the newline after the content
        self._blobs[sha] = data
        return data

    def close(self) -> None:
        if self._batch is not None:
            if self._batch.stdin is not None:
                self._batch.stdin.close()
            try:
                self._batch.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._batch.kill()
            self._batch = None

    def __del__(self) -> None:
        self.close()

    def data(self, blob: str) -> Any:
        """A blob's data as parsed YAML (None when it does not parse), once per blob."""
        if blob not in self._parsed:
            located, problems = load_blob(self.blob(blob))
            self._parsed[blob] = located.data if located is not None and not problems else None
        return self._parsed[blob]

    def facts(self, blob: str) -> BlobFacts:
        """A blob's id, version and content digest: from the disk cache, else read from its parsed YAML."""
        table = self._facts
        found = table.get(blob) if table is not None else None
        if isinstance(found, BlobFacts):
            return found
        data = self.data(blob)
        if isinstance(data, dict):
            ident, version = data.get("id"), data.get("version")
            found = BlobFacts(
                True,
                ident if isinstance(ident, str) else None,
                version if isinstance(version, str) else None,
                content_digest(data),
            )
        else:
            found = BlobFacts(data is not None, None, None, None if data is None else content_digest(data))
        if table is not None:
            table.put(blob, found)
        return found

    def save(self) -> None:
        """Keep the blob facts learnt in this run for the next (``.cache/history/``)."""
        if self._facts is not None:
            self._facts.save()

    def version_of(self, blob: str) -> str | None:
        return self.facts(blob).version

    def identity(self, path: str, blob: str, before: Identity | None) -> Identity:
        """Whose version ``blob`` is: its folder and id; a blob that does not parse keeps the identity its
        path had before; a file without an id is known by its path."""
        folder = next(w for w in WATCHED if path.startswith(w))
        ident = self.facts(blob).id
        if ident:
            return folder, ident
        return before if before is not None else (folder, path)

    def same_content(self, blob: str, located: Located) -> bool:
        """Whether the file ``located`` holds the content of ``blob`` (metadata aside), by their digests: a
        True needs no blob read; a False is for :func:`changed_keys` on the parsed blob to explain."""
        digest = self.facts(blob).digest
        if digest is None:
            return False
        if "content-digest" not in located.memo:
            located.memo["content-digest"] = content_digest(located.data)
        return located.memo["content-digest"] == digest

    def lineages(self) -> dict[Identity, list[Change]]:
        """Each document's and form's changes by identity, oldest first, following renames: a commit
        that moves an id to another path (``git mv``, renumbering) continues its line; a commit that
        deletes the file holding an id (and adds none) ends it with a ``blob`` None change."""
        if self._lineages is not None:
            return self._lineages
        lines: dict[Identity, list[Change]] = {}
        owner: dict[str, Identity] = {}  # path -> identity it holds now
        place: dict[Identity, str] = {}  # identity -> the path holding it now
        for commit, changes in zip(self.commits, self.by_commit, strict=True):
            gone: dict[Identity, str] = {}
            came: dict[Identity, Change] = {}
            for change in changes:
                before = owner.pop(change.path, None)
                if change.blob is None:
                    if before is not None:
                        gone[before] = change.path
                    continue
                ident = self.identity(change.path, change.blob, before)
                if before is not None and before != ident:
                    gone[before] = change.path
                owner[change.path] = ident
                came[ident] = Change(commit, change.blob, change.path)
            for ident, path in gone.items():
                if ident not in came and place.get(ident) == path:
                    del place[ident]
                    lines.setdefault(ident, []).append(Change(commit, None, path))
            for ident, change in came.items():
                place[ident] = change.path
                lines.setdefault(ident, []).append(change)
        self._lineages = lines
        return lines

    def at(self, ident: Identity, commit: Commit) -> Change | None:
        """The document or form as it was at ``commit`` (None when it did not exist then)."""
        last = None
        for change in self.lineages().get(ident, []):
            if change.commit.index > commit.index:
                break
            last = change
        return last if last is not None and last.blob is not None else None

    def withdrawn(self, folder: str) -> list[tuple[str, Change]]:
        """The ids of ``folder`` whose file is no longer on the branch: (id, the change that removed it)."""
        return [
            (ident, changes[-1])
            for (where, ident), changes in self.lineages().items()
            if where == folder and changes and changes[-1].blob is None and not ident.endswith(".yml")
        ]

    def spans(self, ident: Identity) -> list[Span]:
        """Every version the document or form had in the history, oldest first (a version met again
        after another one counts again: it was re-issued; one met again after a withdrawal too).
        Worked out once per identity: the version rule and the versions share it."""
        if ident in self._spans:
            return self._spans[ident]
        out: list[Span] = []
        withdrawn = False
        for change in self.lineages().get(ident, []):
            if change.blob is None:
                withdrawn = True
                continue
            version = self.version_of(change.blob) or "?"
            if out and out[-1].version == version and not withdrawn:
                out[-1].last = change
            else:
                out.append(Span(version, change, change))
            withdrawn = False
        self._spans[ident] = out
        return out


def _git_env() -> dict[str, str]:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=root,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=_git_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def read_history(root: Path) -> History:
    """The first-parent history of the branch checked out at ``root`` (the top of a git work tree)."""
    history = History(root=root, _facts=Table(root / ".cache" / "history" / f"blobs-{code_version()[:16]}.pickle"))
    probe = _git(root, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    if probe is None or probe.returncode != 0:
        history.notice = "不在 git 仓库中：未检查版本规则，也没有历史版本"
        return history
    top, _, shallow = probe.stdout.decode("utf-8", "replace").strip().partition("\n")
    if Path(top).resolve() != root.resolve():
        history.notice = "不是 git 仓库的根目录：未检查版本规则，也没有历史版本"
        return history
    for folder in ("procedures", "forms"):
        if (root / folder / ".git").exists():
            history.notice = f"{folder}/ 是 git 子模块（或单独的仓库）：未检查版本规则，也没有历史版本；请在 {folder}/ 自己的仓库中管理版本"
            return history
    if shallow.strip() == "true":
        history.notice = "浅克隆（git clone --depth）缺少历史：未检查版本规则；请用完整克隆（git fetch --unshallow）"
        return history
    log = _git(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--format=%x00%H %ct",
        "HEAD",
        "--",
    )
    if log is None:
        history.notice = "git 无响应：未检查版本规则"
        return history
    if log.returncode != 0:  # no commit yet: nothing is under control
        return history
    entries = list(_parse_log(log.stdout.decode("utf-8", "replace")))
    total = len(entries)
    for position, (sha, time, changes) in enumerate(reversed(entries)):
        commit = Commit(sha, time, position)
        history.commits.append(commit)
        history.by_sha[sha] = commit
        history.by_commit.append([])
        for path, blob in changes:
            change = Change(commit, blob, path)
            history.files.setdefault(path, []).append(change)
            history.by_commit[-1].append(change)
    assert len(history.commits) == total
    return history


def _parse_log(text: str) -> Iterator[tuple[str, int, list[tuple[str, str | None]]]]:
    for record in text.split("\x00")[1:]:
        head, _, body = record.partition("\n")
        sha, _, time = head.strip().partition(" ")
        changes: list[tuple[str, str | None]] = []
        for line in body.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) < 5 or not path.startswith(WATCHED) or not path.endswith(".yml"):
                continue
            blob = None if parts[4].startswith("D") else parts[3]
            changes.append((path, blob))
        yield sha, int(time or 0), changes


def version_key(version: str) -> tuple[int, ...]:
    """``"1.10"`` -> (1, 10): versions compare as numbers, part by part (the model allows digits only)."""
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def content(data: Any) -> Any:
    """A file's data without its metadata (:data:`METADATA`): what a new version must be issued for."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key not in METADATA}
    return data


def content_digest(data: Any) -> str:
    """sha256 of a file's content (:func:`content`) written out with each value's type and its mappings'
    keys sorted: the same digest means the same content whatever the key order. (Values Python holds
    equal but of other types, ``1`` and ``1.0``, digest apart: :func:`changed_keys` then decides.)"""
    return hashlib.sha256(repr(_canonical(content(data))).encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), type(k).__name__, _canonical(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("seq", tuple(_canonical(v) for v in value))
    return value  # repr tells str, int, float, bool, None, date and datetime apart


def changed_keys(old: Any, new: Any) -> list[str]:
    """The top-level keys whose content differs, in the order of the newer file."""
    old, new = content(old), content(new)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [] if old == new else ["（全文）"]
    keys = [k for k in new if old.get(k) != new[k]]
    keys += [k for k in old if k not in new]
    return keys
