"""Load one YAML file into plain Python data plus the position of every value.

The loader is the gate for everything a text editor can get wrong: encoding, tabs, NUL
bytes, duplicate keys, syntax, tags that would construct objects and alias bombs. Each
becomes a located :class:`Problem`; nothing here raises for a user's mistake.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from generator.errors import ProcgenError
from generator.source.diskcache import Store, enabled, key_of
from generator.source.problems import Problem

MAX_ALIASES = 20
"""Anchors are rare in these files; more aliases than this is treated as an alias bomb."""

# Tags YAML resolves on its own; anything else (!!python/object, !custom) is refused.
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}

MAX_FLOW_DEPTH = 64
"""Deeper [ { nesting is refused before parsing (the composer recurses once per level)."""

MAX_NODES = 200_000
"""Nodes a file may expand to, aliases included: far above any real definition."""

MAX_INT_DIGITS = 30
"""Digits of a whole number the loader converts; more is refused here (Python itself stops at 4,300),
anything above :data:`generator.limits.MAX_INT` is refused by the limits."""


class _TooLarge(ValueError):
    """A whole number with more than :data:`MAX_INT_DIGITS` digits."""


PathKey = tuple[Any, ...]
_T = TypeVar("_T")


@dataclass
class Located:
    """Plain data of one file, with 1-based (line, col) for each path into it."""

    path: str
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """What was worked out from this (read-only, cached) data once: limits, validation."""

    def kept(self, key: Any, make: Callable[[], _T]) -> _T:
        """``make()``, worked out once per content of the file and kept in its :attr:`memo` (so with its
        cached data, ``FileCache``): what a rule works out from this file alone."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def where(self, loc: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at ``loc`` (or of its key), else of the nearest parent."""
        loc = tuple(loc)
        while loc:
            if key and loc in self.keys:
                return self.keys[loc]
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


class _Loader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's parser (fast, in C) with YAML 1.2 core scalars: `no`, `on`, `010`, `8:30` stay text.

    The composer asks Python for every node's tag; these answer without PyYAML's general machinery
    (no path resolvers are used), which at 1,000 documents was a tenth of the loading time."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        return "tag:yaml.org,2002:seq" if kind is SequenceNode else "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "timestamp",
        r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
        r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        "0123456789",
    ),
]:
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))

_SCALARS = SafeConstructor()


def _scalar(node: ScalarNode) -> Any:
    """The Python value of a scalar whose tag is one of the standard ones."""
    name = node.tag.rsplit(":", 1)[-1]
    value = node.value
    if name == "str":
        return value
    if name == "null":
        return None
    if name == "bool":
        return value.lower() == "true"
    if name == "int":
        if len(value.lstrip("+-").lstrip("0")) > MAX_INT_DIGITS:
            raise _TooLarge(value)
        return int(value, 10)
    if name == "float":
        lowered = value.lower().lstrip("+")
        if lowered in (".inf", "-.inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(value)
    try:
        stamp = _SCALARS.construct_yaml_timestamp(node)
    except (ValueError, OverflowError, ConstructorError):
        return value  # an impossible date stays text; the schema reports it at its line (E106)
    if isinstance(stamp, dt.datetime):
        return dt.datetime(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    return stamp


def _problem(path: str, line: int, col: int, code: str, message: str) -> Problem:
    # One problem, one line of output: a message never spans lines.
    return Problem(path, max(line, 1), max(col, 1), code, " ".join(message.split()))


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset into ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line = raw.count(b"\n", 0, offset) + 1
        col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        return None, [
            _problem(path, line, col, "E005", "文件含 NUL 字节（可能是二进制文件或编码错误），请另存为 UTF-8 文本")
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        # The column counts characters, as an editor shows it, not bytes.
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        hint = "请另存为 UTF-8"
        try:
            raw.decode("gb18030")
            hint = "文件似乎以 GBK/GB18030 编码保存，请另存为 UTF-8"
        except UnicodeDecodeError:
            pass
        return None, [_problem(path, line, col, "E004", f"文件不是 UTF-8 编码（第 {exc.start} 字节无法解码）：{hint}")]


def _tabs(path: str, text: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            col = indent.index("\t") + 1
            problems.append(_problem(path, number, col, "E003", "缩进中有 Tab 字符：YAML 只能用空格缩进"))
    return problems


_FLOW = re.compile(r"[\[\]{}\"'#\n]")


def _flow_depth(path: str, text: str) -> list[Problem]:
    """Refuse absurdly deep [ { nesting; quoted text and comments are skipped, so this is an upper bound.

    Only the characters that matter are visited (a regular expression finds them), so a file with
    little flow style costs next to nothing."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return []
    depth = 0
    quote = ""
    comment = False
    line, line_start = 1, 0
    for match in _FLOW.finditer(text):
        i, char = match.start(), match.group()
        if char == "\n":
            line, line_start, comment = line + 1, i + 1, False
            continue
        if comment:
            continue
        previous = text[i - 1] if i > 0 else "\n"
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and previous in " \t[{,:\n":
            quote = char
        elif char == "#" and previous in " \t\n":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return [
                    _problem(
                        path, line, i - line_start + 1, "E001", f"YAML 语法错误：[ 或 {{ 嵌套超过 {MAX_FLOW_DEPTH} 层"
                    )
                ]
        elif char in "]}":
            depth = max(0, depth - 1)
    return []


def _mark(exc: MarkedYAMLError, text: str = "") -> tuple[int, int]:
    """Where to point: the problem, unless it is the end of the file (an unclosed bracket or
    quote), where the place the construct began helps more."""
    mark = exc.problem_mark or exc.context_mark
    at_end = mark is not None and text and getattr(mark, "index", 0) >= len(text.rstrip())
    if at_end and exc.context_mark is not None:
        mark = exc.context_mark
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def _syntax_message(exc: MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    if context and exc.context_mark is not None and exc.problem_mark is not None:
        if exc.context_mark.line != exc.problem_mark.line:
            context = f"{context}（始于第 {exc.context_mark.line + 1} 行）"
    detail = "；".join(x for x in (context, problem) if x)
    return f"YAML 语法错误：{detail}" if detail else "YAML 语法错误"


def _count_aliases(path: str, text: str) -> list[Problem]:
    """Refuse an alias bomb at its 21st alias, before anything is composed (libyaml events are cheap).
    No anchor (&), no alias to fear: the file is not parsed twice."""
    if "&" not in text:
        return []
    aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                mark = event.start_mark
                line, column = (mark.line, mark.column) if mark is not None else (0, 0)
                return [_problem(path, line + 1, column + 1, "E007", f"别名（*引用）超过 {MAX_ALIASES} 个，拒绝展开")]
    return []


class _NodeRefused(ProcgenError):
    """A node the loader will not turn into data; carries the problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Walker:
    """Turns composed nodes into plain dicts, lists and scalars, recording every position.

    Refuses what the composer lets through: tags that would construct objects, duplicate keys,
    non-scalar keys, and aliases beyond :data:`MAX_ALIASES` (an alias is the same node met twice).
    """

    def __init__(self, path: str, out: Located) -> None:
        self.path = path
        self.out = out
        self.seen: set[int] = set()
        self.aliases = 0
        self.nodes = 0

    def _at(self, node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _refuse(self, node: Node, code: str, message: str) -> _NodeRefused:
        return _NodeRefused(_problem(self.path, *self._at(node), code, message))

    def plain(self, node: Node, loc: PathKey) -> Any:
        """:meth:`value` for a text without anchors (no ``&``): no node can be met twice, so no alias
        bookkeeping; the same refusals otherwise. Most files take this way, twice as fast."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._refuse(node, "E007", f"别名（*引用）超过 {MAX_ALIASES} 个或展开过大，拒绝展开")
        cls = type(node)
        if cls is ScalarNode:
            if node.tag == "tag:yaml.org,2002:str":
                return node.value
            return self.value(node, loc)
        if node.tag not in _STANDARD_TAGS:
            return self.value(node, loc)
        values = self.out.values
        mark = node.start_mark
        if cls is SequenceNode:
            items = []
            for index, item in enumerate(node.value):
                child = (*loc, index)
                mark = item.start_mark
                if child not in values:
                    values[child] = (mark.line + 1, mark.column + 1)
                items.append(self.plain(item, child))
            return items
        result: dict[str, Any] = {}
        keys = self.out.keys
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.value == "<<" or key_node.tag != "tag:yaml.org,2002:str":
                return self.value(node, loc)  # merge keys and unusual keys: the general way
            name = key_node.value
            if name in result:
                raise self._refuse(key_node, "E002", f'重复的键 "{name}"：同一映射中每个键只能出现一次')
            child = (*loc, name)
            if child not in keys:
                mark = key_node.start_mark
                keys[child] = (mark.line + 1, mark.column + 1)
            if child not in values:
                mark = value_node.start_mark
                values[child] = (mark.line + 1, mark.column + 1)
            result[name] = self.plain(value_node, child)
        return result

    def value(self, node: Node, loc: PathKey, active: frozenset[int] = frozenset()) -> Any:  # noqa: C901 - one branch per YAML node kind and tag, on the hot path of every check (a dispatch table measured slower)
        self.nodes += 1
        if id(node) in active:
            raise self._refuse(node, "E007", "别名（*引用）指向自身，无法展开")
        if id(node) in self.seen and not isinstance(node, ScalarNode):
            self.aliases += 1
        self.seen.add(id(node))
        if self.aliases > MAX_ALIASES or self.nodes > MAX_NODES:
            raise self._refuse(node, "E007", f"别名（*引用）超过 {MAX_ALIASES} 个或展开过大，拒绝展开")
        tag = node.tag or ""
        if tag not in _STANDARD_TAGS:
            raise self._refuse(node, "E006", f"不允许使用 YAML 标签 {tag}：只能写普通的文本、数字、日期、列表和映射")
        if isinstance(node, ScalarNode):
            try:
                return _scalar(node)
            except _TooLarge:
                raise self._refuse(node, "E108", f"数值 {node.value[:20]}… 有 {len(node.value)} 位，过大") from None
        inner = active | {id(node)}
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = (*loc, index)
                self.out.values.setdefault(child, self._at(item))
                items.append(self.value(item, child, inner))
            return items
        assert isinstance(node, MappingNode)
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style:
                # Merge key: the mappings' keys, unless the mapping itself sets them.
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode):
                        raise self._refuse(source, "E001", "YAML 语法错误：<< 只能合并映射")
                    for name, item in self.value(source, loc, inner).items():
                        merged.setdefault(name, item)
                continue
            if not isinstance(key_node, ScalarNode) or (key_node.tag or "") not in _STANDARD_TAGS:
                raise self._refuse(key_node, "E001", "YAML 语法错误：键须是简单的文本")
            key = _scalar(key_node)
            name = str(key).lower() if isinstance(key, bool) else "" if key is None else str(key)
            if name in result:
                raise self._refuse(key_node, "E002", f'重复的键 "{name}"：同一映射中每个键只能出现一次')
            child = (*loc, name)
            self.out.keys.setdefault(child, self._at(key_node))
            self.out.values.setdefault(child, self._at(value_node))
            result[name] = self.value(value_node, child, inner)
        return {**merged, **result}


def load_text(path: str, raw: bytes, cache: FileCache | None = None) -> tuple[Located | None, list[Problem]]:
    """Parse ``raw`` (the bytes of ``path``) into a :class:`Located`, or return problems.

    The last result for each path is kept: ``mkdocs serve`` and the tests re-check mostly unchanged
    files. One entry per path, not per content, so that a long preview session (hundreds of saves)
    keeps one parse per file instead of one per save. The returned :class:`Located` is shared between
    callers and must be treated as read-only. With ``cache`` (the check's, on disk), a file parsed by an
    earlier run is read back from there, with what was worked out from it (its ``memo``).
    """
    hit = _LATEST.get(path)
    if hit is not None and hit[0] == raw:
        located, problems = hit[1]
    else:
        stored = cache.load(path, raw) if cache is not None else None
        if stored is not None:
            located, problems = stored, ()
        else:
            found, listed = _load_uncached(path, raw)
            located, problems = found, tuple(listed)
            if cache is not None and found is not None and not listed:
                cache.keep(path, raw, found)
        _LATEST[path] = (raw, (located, problems))
    return located, list(problems)


class _Stored(Located):
    """A :class:`Located` read back from the disk cache with its memo only: its plain data and its positions
    (needed only to place a problem, compare with an old version or salvage a broken file; two thirds of an
    entry) stay on disk in a second entry, read on first use (``fetch``)."""

    def __init__(
        self,
        path: str,
        memo: dict[Any, Any],
        fetch: Callable[[], tuple[Any, dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]],
    ) -> None:  # noqa: D107
        self.path = path
        self.memo = memo
        self._fetch: Callable[[], Any] | None = fetch
        self._located: tuple[Any, dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]] = (None, {}, {})

    def _read(self) -> tuple[Any, dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]:
        if self._fetch is not None:
            self._located = self._fetch()
            self._fetch = None
        return self._located

    @property
    def data(self) -> Any:
        return self._read()[0]

    @property
    def values(self) -> dict[PathKey, tuple[int, int]]:  # type: ignore[override]
        return self._read()[1]

    @property
    def keys(self) -> dict[PathKey, tuple[int, int]]:  # type: ignore[override]
        return self._read()[2]


class FileCache:
    """The check's per-file cache (``.cache/check/`` of the repository, generator/source/diskcache.py): per file
    content and path, one entry holding its ``memo`` (limits, the validated model, what the rules keep of its
    strings) and a second one (the key + ``-located``) its data and positions, which a check without problems
    in the file never reads; both written once the check has worked them out (:meth:`save`), the second first.
    """

    def __init__(self, folder: Path) -> None:
        self.store = Store(folder)
        self.pending: dict[str, Located] = {}

    @classmethod
    def of(cls, root: Path) -> FileCache | None:
        """The cache of the repository at ``root``; None when ``PROCGEN_CACHE=off``."""
        return cls(root / ".cache" / "check") if enabled() else None

    def _key(self, path: str, raw: bytes) -> str:
        return key_of("check", path, raw)

    def load(self, path: str, raw: bytes) -> Located | None:
        key = self._key(path, raw)
        entry = self.store.get(key)
        try:
            stored_path, memo = entry  # type: ignore[misc]
        except (TypeError, ValueError):
            return None  # a miss, or an entry of another shape
        if stored_path != path or not isinstance(memo, dict):
            return None

        def fetch() -> tuple[Any, dict[PathKey, tuple[int, int]], dict[PathKey, tuple[int, int]]]:
            located = self.store.get(f"{key}-located")
            if (
                isinstance(located, tuple)
                and len(located) == 3
                and isinstance(located[1], dict)
                and isinstance(located[2], dict)
            ):
                return located
            # gone meanwhile (pruned by another run) or unreadable: the same bytes parse to the same data
            found, _ = _load_uncached(path, raw)
            if found is None:
                return None, {}, {}
            self.store.put(f"{key}-located", (found.data, found.values, found.keys))
            return found.data, found.values, found.keys

        return _Stored(path, memo, fetch)

    def keep(self, path: str, raw: bytes, located: Located) -> None:
        self.pending[self._key(path, raw)] = located

    def save(self) -> None:
        """Write the entries of the files parsed in this run, with everything worked out from them."""
        for key, located in self.pending.items():
            if not self.store.put(f"{key}-located", (located.data, located.values, located.keys)):
                continue  # nothing unpicklable is expected; then no entry
            if not self.store.put(key, (located.path, located.memo)):
                try:  # a memo entry that cannot be pickled: the file's data alone is still worth keeping
                    self.store.put(key, (located.path, {}))
                except Exception:  # noqa: BLE001
                    pass
        if self.pending:
            self.store.prune()
        self.pending.clear()


_LATEST: dict[str, tuple[bytes, tuple[Located | None, tuple[Problem, ...]]]] = {}
"""path -> (the bytes last parsed for it, the result)."""


@functools.lru_cache(maxsize=4096)
def load_blob(raw: bytes) -> tuple[Located | None, tuple[Problem, ...]]:
    """A committed version of a file (a git blob), parsed once per distinct content: blobs come from the
    history, not from saves, so the cache stays bounded by the history's size."""
    located, problems = _load_uncached(BLOB, raw)
    return located, tuple(problems)


BLOB = "(git)"
"""The path a committed blob is parsed under (its problems are never shown)."""


def _load_uncached(path: str, raw: bytes) -> tuple[Located | None, list[Problem]]:
    text, problems = _decode(path, raw)
    if text is None:
        return None, problems
    problems = _tabs(path, text) or _flow_depth(path, text)
    if problems:
        return None, problems
    try:
        problems = _count_aliases(path, text)
        if problems:
            return None, problems
        node = yaml.compose(text, Loader=_Loader)
    except MarkedYAMLError as exc:
        line, col = _mark(exc, text)
        last = max(1, len(text.splitlines()))
        if line > last:  # "at the end of the file": point at its last line, which an editor can show
            line, col = last, len(text.splitlines()[-1]) + 1 if text.splitlines() else 1
        return None, [_problem(path, line, col, "E001", _syntax_message(exc))]
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [
            _problem(path, line, col, "E001", f"YAML 语法错误：文件含不允许的控制字符 U+{ord(char):04X}，请删除")
        ]
    except RecursionError:
        return None, [_problem(path, 1, 1, "E001", "YAML 语法错误：嵌套层次过深")]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        return None, [_problem(path, 1, 1, "E001", f"YAML 语法错误：{exc}")]
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null") and not node.value):
        return None, [_problem(path, 1, 1, "E009", "文件为空：须是一个 YAML 映射（键: 值）")]
    if not isinstance(node, MappingNode):
        kind = "列表" if isinstance(node, SequenceNode) else "单个值"
        return None, [
            _problem(path, node.start_mark.line + 1, 1, "E008", f"文件顶层须是映射（键: 值），而这里是{kind}")
        ]
    located = Located(path=path, data=None)
    located.values[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    try:
        walker = _Walker(path, located)
        located.data = walker.value(node, ()) if "&" in text else walker.plain(node, ())
    except _NodeRefused as refused:
        return None, [refused.problem]
    except RecursionError:
        return None, [_problem(path, 1, 1, "E001", "YAML 语法错误：嵌套层次过深")]
    return located, []


MAX_FILE_BYTES = 512 * 1024
"""Size of one YAML file, checked before it is read (the largest real one is 23 KB); listed with the
other limits in limits.py, defined here so that the loader needs nothing above it."""


def read_definition(
    file: Path, shown_as: str, root: Path | None = None, max_bytes: int | None = None
) -> tuple[bytes | None, list[Problem]]:
    """The bytes of one definition file, read only if it is safe to read.

    Refused, each with a located problem and before a byte is read: a link that leads outside the
    repository (``root``), anything but a regular file (a FIFO would block, a device never ends),
    and a file larger than ``max_bytes``.
    """
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        if root is not None and file.is_symlink():
            # os.path.realpath(strict=True) answers a loop (ELOOP) or a dangling link (ENOENT) with an
            # OSError, located below as E010; Path.resolve raises RuntimeError for a loop.
            target = Path(os.path.realpath(file, strict=True))
            if not target.is_relative_to(root.resolve()):
                return None, [
                    _problem(shown_as, 1, 1, "E010", "文件是指向仓库之外的符号链接，未读取：请把文件本身放进仓库")
                ]
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, [_problem(shown_as, 1, 1, "E010", "不是普通文件（可能是管道、设备或目录），未读取")]
        if info.st_size > limit:
            return None, [
                _problem(shown_as, 1, 1, "E011", f"文件有 {info.st_size:,} 字节，超过上限 {limit:,} 字节：请拆分")
            ]
        with file.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        return None, [_problem(shown_as, 1, 1, "E010", f"无法读取文件：{_why(exc)}")]
    if len(raw) > limit:  # it grew while being read
        return None, [_problem(shown_as, 1, 1, "E011", f"文件超过上限 {limit:,} 字节：请拆分")]
    return raw, []


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "符号链接循环（链接最终又指回自己）"
    if exc.errno == errno.ENOENT:
        return "符号链接指向的文件不存在"
    if exc.errno == errno.EACCES:
        return "没有读取权限"
    return exc.strerror or str(exc)


def load_file(file: Path, shown_as: str, root: Path | None = None) -> tuple[Located | None, list[Problem]]:
    """Read and parse one file; ``shown_as`` is the path printed in messages."""
    raw, problems = read_definition(file, shown_as, root)
    if raw is None:
        return None, problems
    return load_text(shown_as, raw)
