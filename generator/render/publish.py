"""Publishing a folder in one step: ``procgen build`` (``make site``, ``make site-offline``) and
``procgen pdf --out``.

A build

1. takes the **build lock** (``flock`` on ``.build/lock``): a second build at the same time waits,
   saying so, and then runs; the lock dies with its process, so a killed build never blocks the next;
2. removes what killed builds left (their staging folders), under that lock;
3. builds into a **unique staging folder** ``.<target>.staging-<pid>-<random>`` beside the target
   (the same file system, so the swap is a rename);
4. **swaps** it with the published folder in one step, with ``renameat2(RENAME_EXCHANGE)`` (Linux 3.15,
   glibc 2.28): the two directory entries trade places atomically, so at every instant ``site/`` is
   either the previous complete build or the new one, and it stays a real folder (a symlink flip
   would make ``site`` a link, which ``cp -r site`` or a web server's settings may not follow).
   Where the file system does not support the exchange (it answers EINVAL), the old folder is renamed
   aside and the new one into place: two renames, between which ``site/`` is briefly missing but
   never partial;
5. removes the previous build, now in the staging folder.

Killed at any moment (even ``kill -9``), the published folder is the last complete build; the
staging folder is cleaned up by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import secrets
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

from generator import paths
from generator.errors import UserError
from generator.source.files import held, reason

BUILD = ".build"
LOCK = "lock"
AT_FDCWD = -100
RENAME_EXCHANGE = 2


class PublishError(UserError):
    """The build failed or could not be published; the message (Chinese) says why. The published
    folder is unchanged."""


@contextlib.contextmanager
def build_lock(root: Path, *, wait: Callable[[], None] | None = None) -> Iterator[Path]:
    """Hold the build lock of the repository at ``root``; yields the ``.build`` folder."""
    folder = root / BUILD
    try:
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(f"无法创建 {BUILD}/{LOCK}：{reason(exc)}") from None
    with held(fd, wait or _say_waiting):
        yield folder


def _say_waiting() -> None:
    print("procgen: 另一个生成正在进行（make site / procgen pdf），等待它完成……", file=sys.stderr, flush=True)


def staging(target: Path) -> Path:
    """A new staging folder's path beside ``target``; those of killed builds are removed first (only
    ever called under the build lock)."""
    for stale in target.parent.glob(paths.staging(target, "*").name):
        shutil.rmtree(stale, ignore_errors=True)
    return paths.staging(target, f"{os.getpid()}-{secrets.token_hex(4)}")


def _libc() -> ctypes.CDLL | None:
    with contextlib.suppress(OSError):
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return None


def exchange(new: Path, target: Path) -> None:
    """Make ``new`` the folder at ``target`` in one step; the previous folder ends up at ``new``'s path
    (removed by the caller). ``target`` need not exist."""
    if not target.exists() and not target.is_symlink():
        os.rename(new, target)
        return
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc is not None else None
    if renameat2 is not None:
        result = renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(target), RENAME_EXCHANGE)
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(target))
    # No atomic exchange on this file system: two renames (``target`` briefly missing, never partial).
    aside = new.with_name(new.name + "-old")
    os.rename(target, aside)
    os.rename(new, target)
    os.rename(aside, new)


def publish(root: Path, target: Path, make: Callable[[Path], None], *, wait: Callable[[], None] | None = None) -> None:
    """Under the build lock, ``make(staging)`` and swap the result in as ``target``."""
    with build_lock(root, wait=wait):
        stage = staging(target)
        try:
            make(stage)
            exchange(stage, target)
        except OSError as exc:
            raise PublishError(f"无法发布到 {target.name}/：{reason(exc)}；原有内容未改动") from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def build_site(root: Path, *, offline: bool = False) -> Path:
    """``mkdocs build --strict`` of ``root/mkdocs.yml`` published as ``site/`` (``site-offline/`` and
    ``site-offline.zip`` for the offline variant). Returns the published folder."""
    target = root / ("site-offline" if offline else "site")
    if offline:
        os.environ["PROCGEN_OFFLINE"] = "true"
    _log_like_mkdocs()

    def make(stage: Path) -> None:
        try:
            config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(stage), strict=True)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except (Abort, ConfigurationError, MkDocsException) as exc:
            raise PublishError(str(exc) or "生成失败（见上方的警告）") from None

    publish(root, target, make)
    if offline:
        _zip(target, root / "site-offline.zip")
    return target


def _zip(folder: Path, archive: Path) -> None:
    """``folder`` as a zip, written beside ``archive`` and renamed into place."""
    tmp = archive.with_name(f".{archive.name}.{secrets.token_hex(4)}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(folder.rglob("*")):
                out.write(path, path.relative_to(folder).as_posix())
        os.replace(tmp, archive)
    except OSError as exc:
        raise PublishError(f"无法写入 {archive.name}：{reason(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _log_like_mkdocs() -> None:
    """Warnings and errors on stderr as ``mkdocs build`` prints them."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_procgen", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._procgen = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
