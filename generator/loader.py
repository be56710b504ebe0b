"""Load one YAML file into plain Python data plus the position of every value.

The loader is the gate for everything a text editor can get wrong: encoding, tabs, NUL
bytes, duplicate keys, syntax, tags that would construct objects and alias bombs. Each
becomes a located :class:`Problem`; nothing here raises for a user's mistake.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, NodeEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

from .problems import Problem

MAX_ALIASES = 20
"""Anchors are rare in these files; more aliases than this is treated as an alias bomb."""

# Tags YAML resolves on its own; anything else (!!python/object, !custom) is refused.
_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}

MAX_FLOW_DEPTH = 64
"""Deeper [ { nesting is refused before parsing: ruamel's scanner is quadratic in it (1000 levels take seconds)."""

PathKey = tuple[Any, ...]


@dataclass
class Located:
    """Plain data of one file, with 1-based (line, col) for each path into it."""

    path: str
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

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


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps an impossible date (2024-02-30) as text.

    ruamel raises ValueError for it while constructing, which would lose the position; as
    text it reaches the schema, which reports E106 at its line.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):
            return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


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
        return None, [_problem(path, line, col, "E005", "文件含 NUL 字节（可能是二进制文件或编码错误），请另存为 UTF-8 文本")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
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


def _flow_depth(path: str, text: str) -> list[Problem]:
    """Refuse absurdly deep [ { nesting; quoted text and comments are skipped, so this is an upper bound."""
    depth = 0
    quote = ""
    line, col = 1, 0
    previous = "\n"
    comment = False
    for char in text:
        col += 1
        if char == "\n":
            line, col, comment, previous = line + 1, 0, False, char
            continue
        if comment:
            continue
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
                return [_problem(path, line, col, "E001", f"YAML 语法错误：[ 或 {{ 嵌套超过 {MAX_FLOW_DEPTH} 层")]
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
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


def _scan_events(path: str, text: str) -> list[Problem]:
    """Refuse custom tags and too many aliases before anything is constructed."""
    yaml = _yaml()
    problems: list[Problem] = []
    aliases = 0
    for event in yaml.parse(text):
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if isinstance(event, AliasEvent):
            aliases += 1
            if aliases == MAX_ALIASES + 1:
                problems.append(_problem(path, *where, "E007", f"别名（*引用）超过 {MAX_ALIASES} 个，拒绝展开"))
        elif isinstance(event, NodeEvent):
            tag = getattr(event, "tag", None)
            if tag is not None and not isinstance(tag, str):
                tag = getattr(tag, "value", None) or str(tag)
            if tag and tag not in _STANDARD_TAGS and not (
                isinstance(event, ScalarEvent) and tag == "!"
            ):
                problems.append(_problem(path, *where, "E006", f"不允许使用 YAML 标签 {tag}：只能写普通的文本、数字、日期、列表和映射"))
    return problems


def _plain(node: Any, loc: PathKey, out: Located) -> Any:
    """Copy ruamel's round-trip nodes into dicts/lists, recording positions."""
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            child = (*loc, str(key))
            try:
                kline, kcol = node.lc.key(key)
                vline, vcol = node.lc.value(key)
                out.keys[child] = (kline + 1, kcol + 1)
                out.values[child] = (vline + 1, vcol + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            result[str(key)] = _plain(value, child, out)
        return result
    if isinstance(node, CommentedSeq):
        result_list = []
        for index, value in enumerate(node):
            child = (*loc, index)
            try:
                line, col = node.lc.item(index)
                out.values[child] = (line + 1, col + 1)
            except (KeyError, TypeError, AttributeError):
                pass
            result_list.append(_plain(value, child, out))
        return result_list
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, dt.datetime):
        return dt.datetime(node.year, node.month, node.day, node.hour, node.minute, node.second)
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node


def load_text(path: str, raw: bytes) -> tuple[Located | None, list[Problem]]:
    """Parse ``raw`` (the bytes of ``path``) into a :class:`Located`, or return problems.

    Parsing is pure and slow (ruamel in pure Python), so results are cached by path and bytes:
    ``mkdocs serve`` and the tests re-check mostly unchanged files. The returned
    :class:`Located` is shared between callers and must be treated as read-only.
    """
    located, problems = _load_cached(path, raw)
    return located, list(problems)


@functools.lru_cache(maxsize=512)
def _load_cached(path: str, raw: bytes) -> tuple[Located | None, tuple[Problem, ...]]:
    located, problems = _load_uncached(path, raw)
    return located, tuple(problems)


def _load_uncached(path: str, raw: bytes) -> tuple[Located | None, list[Problem]]:
    text, problems = _decode(path, raw)
    if text is None:
        return None, problems
    problems = _tabs(path, text) or _flow_depth(path, text)
    if problems:
        return None, problems
    try:
        problems = _scan_events(path, text)
        if problems:
            return None, problems
        node = _yaml().load(text)
    except DuplicateKeyError as exc:
        line, col = _mark(exc, text)
        key = (exc.problem or "").split('"')
        name = key[1] if len(key) > 2 else ""
        return None, [_problem(path, line, col, "E002", f"重复的键 \"{name}\"：同一映射中每个键只能出现一次")]
    except MarkedYAMLError as exc:
        line, col = _mark(exc, text)
        return None, [_problem(path, line, col, "E001", _syntax_message(exc))]
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [_problem(path, line, col, "E001", f"YAML 语法错误：文件含不允许的控制字符 U+{ord(char):04X}，请删除")]
    except RecursionError:
        return None, [_problem(path, 1, 1, "E001", "YAML 语法错误：嵌套层次过深")]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        return None, [_problem(path, 1, 1, "E001", f"YAML 语法错误：{exc}")]
    if node is None:
        return None, [_problem(path, 1, 1, "E009", "文件为空：须是一个 YAML 映射（键: 值）")]
    if not isinstance(node, CommentedMap):
        line = getattr(getattr(node, "lc", None), "line", None)
        if line is None:  # a plain scalar has no position: the first line that is not a comment
            line = next((i for i, x in enumerate(text.splitlines()) if x.strip() and not x.lstrip().startswith(("#", "%", "---"))), 0)
        kind = "列表" if isinstance(node, CommentedSeq) else "单个值"
        return None, [_problem(path, line + 1, 1, "E008", f"文件顶层须是映射（键: 值），而这里是{kind}")]
    located = Located(path=path, data=None)
    located.values[()] = (node.lc.line + 1, node.lc.col + 1)
    try:
        located.data = _plain(node, (), located)
    except RecursionError:
        return None, [_problem(path, 1, 1, "E007", "别名（*引用）指向自身，无法展开")]
    return located, []


def load_file(file: Path, shown_as: str) -> tuple[Located | None, list[Problem]]:
    """Read and parse one file; ``shown_as`` is the path printed in messages."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return None, [_problem(shown_as, 1, 1, "E010", f"无法读取文件：{exc.strerror or exc}")]
    return load_text(shown_as, raw)
