"""The one way procgen rewrites a file someone keeps: ``procgen review``, ``format`` and ``new``.

A rewrite is

1. **locked**: an advisory ``flock`` on the folder that holds the file, so two procgen commands that
   write there run one after the other (the second says that it waits); the lock is the folder's, not
   the file's, because the file's inode is replaced by the rename and a lock on it would guard nothing;
2. **compared**: the file is read under the lock and read again just before it is replaced; when the
   bytes differ (an editor saved it meanwhile) nothing is written and the command says so;
3. **faithful**: the new text keeps the file's line endings (CRLF or LF), its UTF-8 byte-order mark,
   its permission bits and its owner; a symbolic link is followed and its target rewritten (the link
   stays a link);
4. **atomic**: the bytes go into a uniquely named hidden file in the same folder (never ``*.yml``, so
   no check reads it), are flushed to disk (``fsync``), and the temporary file is renamed over the
   original; the folder is synced too. Killed at any moment, the file is the old one or the new one.

Every ``OSError`` (a full disk, no permission, a read-only file system) becomes a
:class:`WriteRefused` with one line in Chinese naming the file; the temporary file is removed.

Written here rather than taken from a library: ``atomicwrites`` is unmaintained, and neither it nor
``safer``/``filelock`` keeps CRLF, BOM, mode and owner together with compare-before-replace; the whole
helper is some eighty lines.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UserError

BOM = b"\xef\xbb\xbf"
TEMP_SUFFIX = ".procgen-tmp"
"""Temporary files are ``.<name>.<random>.procgen-tmp`` beside the file they replace."""

_REASONS = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "不允许的操作",
    errno.EROFS: "文件系统是只读的",
    errno.ELOOP: "符号链接循环",
    errno.ENOENT: "文件或目录不存在",
    errno.EISDIR: "是目录，不是文件",
}


class WriteRefused(UserError):
    """A file was not written; the message (Chinese, one line) says which and why. Nothing changed."""


def reason(exc: OSError) -> str:
    """An OSError in a few Chinese words."""
    return _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc))


@dataclass(frozen=True)
class Original:
    """A file as read for a rewrite: its text with ``\\n`` line ends and no BOM, and how it was stored."""

    path: Path
    """Where the bytes live: a symbolic link resolved to its target."""
    shown: str
    """The name to print (as the user knows it)."""
    raw: bytes
    text: str
    newline: str
    bom: bool
    mode: int
    uid: int
    gid: int

    def encode(self, text: str) -> bytes:
        """``text`` (``\\n`` line ends) stored the way this file was: same line ends, same BOM."""
        if self.newline != "\n":
            text = text.replace("\r\n", "\n").replace("\n", self.newline)
        return (BOM if self.bom else b"") + text.encode("utf-8")


def read(path: Path, shown: str) -> Original:
    """Read ``path`` for a rewrite (its link target when it is a symbolic link)."""
    try:
        target = Path(os.path.realpath(path, strict=True))
        info = target.stat()
        raw = target.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"无法读取 {shown}：{reason(exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(f"{shown} 不是普通文件，未改写")
    bom = raw.startswith(BOM)
    try:
        text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WriteRefused(f"{shown} 不是 UTF-8 编码，未改写") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    return Original(
        target,
        shown,
        raw,
        text.replace("\r\n", "\n"),
        newline,
        bom,
        stat.S_IMODE(info.st_mode),
        info.st_uid,
        info.st_gid,
    )


@contextlib.contextmanager
def folder_lock(folder: Path, shown: str, *, wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the advisory lock of ``folder`` (every procgen rewrite in it takes the same one)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise WriteRefused(f"无法写入 {shown}：{reason(exc)}") from None
    with held(fd, wait or _say_waiting):
        yield


@contextlib.contextmanager
def held(fd: int, wait: Callable[[], None]) -> Iterator[None]:
    """An exclusive ``flock`` on the open ``fd`` (``wait()`` says so first when another process holds
    it), released by closing ``fd`` at the end: the folder lock here, the build lock in publish.py."""
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _say_waiting() -> None:
    print("procgen: 另一个 procgen 命令正在写入同一文件夹，等待它完成……", file=sys.stderr)


def replace(original: Original, text: str) -> bool:
    """Replace the file read as ``original`` by ``text``, unless its bytes changed since (WriteRefused).
    The caller holds :func:`folder_lock`. Returns False when there was nothing to change."""
    data = original.encode(text)
    if data == original.raw:
        return False
    write_bytes(
        original.path, data, original.shown, before=original.raw, mode=original.mode, owner=(original.uid, original.gid)
    )
    return True


def write_bytes(
    path: Path, data: bytes, shown: str, *, before: bytes | None, mode: int, owner: tuple[int, int] | None = None
) -> None:
    """Put ``data`` at ``path`` in one step. ``before``: the bytes the file must still hold (None: the
    file must not exist; then it is linked into place, never over a file that appeared meanwhile)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise WriteRefused(f"无法写入 {shown}：{reason(exc)}") from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if owner is not None and (os.geteuid() == 0 or owner[0] == os.geteuid()):
                with contextlib.suppress(OSError):  # a group the user is not in: keep the default
                    os.chown(tmp, *owner)
            os.chmod(tmp, mode)
            if before is None:
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    raise WriteRefused(f"{shown} 已存在，未改写") from None
            else:
                try:
                    now = path.read_bytes()
                except FileNotFoundError:
                    now = None
                if now != before:
                    raise WriteRefused(f"{shown} 在读取之后被修改了（可能正在编辑器中保存）：未改动，请重试")
                os.replace(tmp, path)
            _sync_folder(path.parent)
        except OSError as exc:
            raise WriteRefused(f"无法写入 {shown}：{reason(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def rewrite(path: Path, shown: str, change: Callable[[str], str], *, wait: Callable[[], None] | None = None) -> bool:
    """Read, change and replace one file under its folder's lock (the whole read-change-write is one
    step for other procgen commands). ``change`` gets and returns text with ``\\n`` line ends; it may
    raise to refuse. Returns False when the text stayed the same."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        raise WriteRefused(f"无法读取 {shown}：{reason(exc)}") from None
    with folder_lock(target.parent, shown, wait=wait):
        original = read(path, shown)
        return replace(original, change(original.text))


def create(path: Path, text: str, shown: str) -> None:
    """Write a new file whole, or not at all; never over an existing one (a file of that name that
    appears meanwhile wins: WriteRefused)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteRefused(f"无法写入 {shown}：{reason(exc)}") from None
    with folder_lock(path.parent, shown):
        if path.exists() or path.is_symlink():
            raise WriteRefused(f"{shown} 已存在，未改写")
        umask = os.umask(0)
        os.umask(umask)
        write_bytes(path, text.encode("utf-8"), shown, before=None, mode=0o666 & ~umask)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write what procgen makes (a PDF, a calendar, a cache entry) through a temporary file beside
    ``path`` and a rename: a reader sees the old file or the new one, never half of one; nothing is
    left behind when it fails (OSError goes to the caller). Not for a user's file: see :func:`rewrite`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
