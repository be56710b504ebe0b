"""What procgen works out from bytes alone, kept on disk in ``.cache/`` between runs.

Three stores use it: the check keeps each definition file's loaded, validated data (``.cache/check/``,
keyed by the file's bytes), the history keeps what it reads from each committed blob (its id,
version and a digest of its content, ``.cache/history/``, keyed by the blob's hash), and the word
segmenter keeps each text's cut into words (``.cache/words/``, a :class:`Table` per mode and segmenter,
keyed by the text and the names added: generator/text/words.py).

**Why pickle, and why it is safe here.** The entries are Python objects (the data with its positions,
the pydantic models, the problems found); pickle stores them as they are, and loading them back is
several times faster than parsing the YAML and validating it again, which is the point of the cache.
Pickle is only as good as the code that made it: an entry written by another version of procgen could
hold objects of classes that have since changed. So every key includes :func:`code_version` — the
sha256 of every source file of the ``generator`` package, the Python version and the versions of
PyYAML, pydantic and pydantic-core — and an entry made by other code is simply never asked for. The
folder is the repository's own (``.cache/`` beside ``procedures/``, git-ignored): whoever can write
there can already change the code procgen runs, so loading its pickles gives nobody a new power.

**Safe under concurrent runs.** An entry is written to a uniquely named temporary file in the same
folder and renamed into place (atomic on POSIX): a reader sees the old entry, the new one, or none,
never half of one; two runs writing the same entry write the same bytes. An entry that cannot be read —
missing, truncated, corrupt, from a disk that filled up, not readable — is a miss: the file is parsed
again and the entry rewritten. A cache folder that cannot be written (read-only checkout, full disk)
only means no cache; nothing here ever raises.

``PROCGEN_CACHE=off`` turns these three stores off (the benchmark's cold runs).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from generator.package import PACKAGE
from generator.source import files

PRUNE_AFTER_DAYS = 14
"""Entries not written or read again for this long are deleted when new ones are written."""


def enabled() -> bool:
    return os.environ.get("PROCGEN_CACHE", "").strip().lower() not in ("off", "0", "false", "no")


@functools.cache
def code_version() -> str:
    """The digest of the code that makes and reads the entries (see the module's docstring)."""
    digest = hashlib.sha256()
    digest.update(f"python {sys.version}\n".encode())
    for name in ("pyyaml", "pydantic", "pydantic-core"):
        try:
            digest.update(f"{name} {version(name)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{name} -\n".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
        digest.update(b"\0")
    return digest.hexdigest()


def key_of(*parts: bytes | str) -> str:
    """sha256 of the code version and ``parts`` (each length-prefixed, so that no two lists collide)."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> bool:
    """``data`` at ``path`` through a temporary file and a rename; False (and nothing left) when it fails."""
    try:
        files.write_atomic(path, data)
    except OSError:
        return False
    return True


class Store:
    """Pickled entries by key, one file each, under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self.written = 0

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Any | None:
        try:
            data = self.path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a corrupt entry of any kind is a miss, never a traceback
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> bool:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - something in it cannot be pickled: leave it uncached
            return False
        done = write_atomic(self.path(key), data)
        self.written += done
        return done

    def prune(self, days: int = PRUNE_AFTER_DAYS) -> int:
        """Delete entries older than ``days`` (their last write or read that touched them)."""
        limit = time.time() - days * 86400
        removed = 0
        try:
            buckets = list(os.scandir(self.folder))
        except OSError:
            return 0
        for bucket in buckets:
            try:
                entries = list(os.scandir(bucket.path)) if bucket.is_dir() else []
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.stat().st_mtime < limit:
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        return removed


class Table:
    """A small mapping kept whole in one file (``path``): loaded once, saved with what another run may
    have added meanwhile (a lost addition is only a miss the next time). With ``limit``, at most that many
    entries are saved: those added longest ago are dropped first."""

    def __init__(self, path: Path, limit: int | None = None) -> None:
        self.path = path
        self.limit = limit
        self._items: dict[str, Any] | None = None
        self._added: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        try:
            items = pickle.loads(self.path.read_bytes())
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: start empty
            return {}
        return items if isinstance(items, dict) else {}

    @property
    def items(self) -> dict[str, Any]:
        if self._items is None:
            self._items = self._load() if enabled() else {}
        return self._items

    def get(self, key: str) -> Any | None:
        return self.items.get(key)

    def put(self, key: str, value: Any) -> None:
        self.items[key] = value
        self._added[key] = value

    def save(self) -> None:
        if not self._added or not enabled():
            return
        merged = {**self._load(), **self.items}
        if self.limit is not None and len(merged) > self.limit:  # oldest first: the disk's, then this run's
            merged = dict(list(merged.items())[len(merged) - self.limit :])
        try:
            data = pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001
            return
        if write_atomic(self.path, data):
            self._added.clear()
