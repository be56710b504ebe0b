"""What a definition may hold, so that anything `procgen check` accepts renders in bounded time and memory.

Each limit is far above what a real procedure or form needs (the twelve documents and 29 forms use a
fraction of each; see ``tests/test_limits.py``) and low enough that the largest accepted document and
form still render in seconds. They are checked on the loaded data before the schema, each problem
located at the value that breaks it:

- E108 a number that is too large or not finite (``.nan``, ``.inf``);
- E109 a text that is only spaces;
- E110 an invisible or direction-changing character (a C0/C1 control character such as ESC or NUL,
  zero-width space, right-to-left override, U+2028 …), written raw or as a YAML escape, and a newline
  in a title: on paper it reorders or hides text, in a terminal it acts, and nobody can see it in the YAML;
- E111 a limit below exceeded (length, nesting, count).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.source.loader import (
    MAX_FILE_BYTES as MAX_FILE_BYTES,  # listed with the limits; loader.py checks it before reading
)
from generator.source.loader import (
    Located,
)
from generator.source.problems import Problem

MAX_DEPTH = 40
"""Nesting of mappings and lists in one file."""
MAX_NODE_DEPTH = 8
"""Nesting of ``items`` in a document body (第一部分 五、(四)1、a) is depth 5)."""
MAX_ID = 64
"""Characters of an id."""
MAX_TITLE = 100
"""Characters of a title, name, label, heading, metric or option: one line on paper."""
MAX_TEXT = 3000
"""Characters of any other text (the longest paragraph of the twelve documents has 409)."""
MAX_ITEMS = 1000
"""Entries of one list (items of a node, rows of a matrix, roles of a file)."""
MAX_DOCUMENT_NODES = 1000
"""Sections, clauses and items of one document."""
MAX_DOCUMENT_CHARS = 150_000
"""Characters of text in one file (about 100 printed pages)."""
MAX_TABLE_ROWS = 60
"""Blank rows of one ruled table (two pages of a landscape log)."""
MAX_FORM_TABLES = 8
"""Ruled tables of one form."""
MAX_FORM_ROWS = 200
"""Blank rows of all the tables of one form."""
MAX_FORM_FIELDS = 300
"""Labelled fields of one form."""
MAX_FORM_SECTION_DEPTH = 4
"""Nesting of sections in a form."""
MAX_INT = 10**12
"""Largest whole number (a 5,000-digit integer is not a definition)."""

TITLE_KEYS = frozenset(
    {"title", "name", "label", "section", "metric", "unit", "service", "aliases", "options", "columns"}
)
"""Keys whose text (or the items of whose list) is a one-line name."""

_ALLOWED_FORMAT: frozenset[str] = frozenset()
"""Format characters (Unicode category Cf) that may stand in text: none."""


_ALLOWED_CONTROL = frozenset("\t\n")
"""Control characters (C0, C1) text may hold: a tab, and a newline in block text (not in a title)."""


def _hidden(value: str, *, one_line: bool) -> str | None:
    """The first character of ``value`` that no reader can see or that moves text about: a C0 or C1
    control character (ESC, NUL, DEL …, however the YAML wrote it: raw or as an escape such as
    ``"\\e"``), a line or paragraph separator, a format character (zero-width space, bidi override), a
    lone surrogate; a newline too where the text must stay on one line."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            if char not in _ALLOWED_CONTROL or (one_line and char == "\n"):
                return char
        elif category in ("Zl", "Zp", "Cs") or (category == "Cf" and char not in _ALLOWED_FORMAT):
            return char
    return None


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}{' ' + name if name else ''}"


def _walk(value: Any, loc: tuple[Any, ...], key: str) -> Iterator[tuple[tuple[Any, ...], str, Any, int]]:
    """Every value with its path, the key it stands under, and its nesting depth."""
    stack: list[tuple[Any, tuple[Any, ...], str, int]] = [(value, loc, key, 0)]
    while stack:
        item, here, name, depth = stack.pop()
        yield here, name, item, depth
        if depth > MAX_DEPTH:
            continue
        if isinstance(item, dict):
            for k, v in reversed(list(item.items())):
                stack.append((v, (*here, k), str(k), depth + 1))
        elif isinstance(item, list):
            for i in range(len(item) - 1, -1, -1):
                stack.append((item[i], (*here, i), name, depth + 1))


def limit_problems(located: Located, kind: str) -> list[Problem]:
    """The limits ``located`` breaks; ``kind`` is document, form, roles or external."""
    problems: list[Problem] = []

    def at(loc: tuple[Any, ...], code: str, message: str) -> None:
        line, col = located.where(loc)
        problems.append(Problem(located.path, line, col, code, message))

    chars = 0
    for loc, key, value, depth in _walk(located.data, (), ""):
        if depth > MAX_DEPTH:
            at(loc, "E111", f"嵌套超过 {MAX_DEPTH} 层：请拆分或减少层次")
            return problems  # nothing deeper is looked at
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                at(loc, "E108", f"数值 {str(value)[:20]}… 过大：不得超过 {MAX_INT:,}")
        elif isinstance(value, float):
            if not math.isfinite(value):
                at(loc, "E108", f'"{key}" 须为有限的数，而不是 {value}（.nan、.inf 不是数值）')
            elif abs(value) > MAX_INT:
                at(loc, "E108", f"数值 {value:g} 过大：不得超过 {MAX_INT:,}")
        elif isinstance(value, str):
            chars += len(value)
            _text_problems(value, key, loc, at)
        elif isinstance(value, list) and len(value) > MAX_ITEMS:
            at(loc, "E111", f'"{key}" 有 {len(value)} 项，超过上限 {MAX_ITEMS}：请拆分')
    if chars > MAX_DOCUMENT_CHARS:
        at((), "E111", f"文件共 {chars:,} 字，超过上限 {MAX_DOCUMENT_CHARS:,} 字（约 100 页）：请拆分为几篇文件")
    data = located.data if isinstance(located.data, dict) else {}
    if kind == "document":
        _document_limits(data, at)
    elif kind == "form":
        _form_limits(data, at)
    return problems


def _text_problems(value: str, key: str, loc: tuple[Any, ...], at: Any) -> None:
    if value and not value.strip():
        at(loc, "E109", f'"{key}" 只有空白：请填写内容，或删去这一项')
        return
    # a printable text has no format character (str.isprintable is False for category Cf): C speed
    hidden = None if value.isprintable() else _hidden(value, one_line=key in TITLE_KEYS or key == "id")
    if hidden is not None:
        what = "换行" if hidden == "\n" else f"看不见的控制字符 {_describe(hidden)}"
        where = "：标题、名称与标签须在一行之内" if hidden == "\n" else "：它会让文字错位、倒序或无法搜索，请删除"
        at(loc, "E110", f'"{key}" 含{what}{where}')
    limit = MAX_ID if key == "id" else MAX_TITLE if key in TITLE_KEYS else MAX_TEXT
    if len(value) > limit:
        what = "id" if key == "id" else "标题、名称或标签" if key in TITLE_KEYS else "文字"
        at(loc, "E111", f'"{key}" 有 {len(value)} 个字符，{what}不得超过 {limit} 个：请缩短或分段')


def _document_limits(data: dict[str, Any], at: Any) -> None:
    """Nodes of the body: how many, how deep."""
    body = data.get("body")
    if not isinstance(body, list):
        return
    count = 0
    stack: list[tuple[Any, tuple[Any, ...], int]] = [(node, ("body", i), 1) for i, node in enumerate(body)]
    deep_reported = False
    while stack:
        node, loc, depth = stack.pop()
        count += 1
        if not isinstance(node, dict):
            continue
        if depth > MAX_NODE_DEPTH and not deep_reported:
            at(loc, "E111", f"条目嵌套超过 {MAX_NODE_DEPTH} 层：请减少层次")
            deep_reported = True
            continue
        items = node.get("items")
        if isinstance(items, list) and depth <= MAX_NODE_DEPTH:
            stack.extend((child, (*loc, "items", i), depth + 1) for i, child in enumerate(items))
    if count > MAX_DOCUMENT_NODES:
        at(("body",), "E111", f"正文共 {count} 个条目，超过上限 {MAX_DOCUMENT_NODES}：请拆分为几篇文件")


def _form_limits(data: dict[str, Any], at: Any) -> None:
    """Tables, blank rows, fields and sections of a form's layout."""
    layout = data.get("layout")
    if not isinstance(layout, list):
        return
    tables = rows = fields = 0
    first_table: tuple[Any, ...] | None = None
    stack: list[tuple[Any, tuple[Any, ...], int]] = [(block, ("layout", i), 1) for i, block in enumerate(layout)]
    while stack:
        block, loc, depth = stack.pop()
        if not isinstance(block, dict):
            continue
        table = block.get("table")
        if isinstance(table, dict):
            tables += 1
            first_table = first_table or loc
            count = table.get("rows")
            if isinstance(count, int) and not isinstance(count, bool):
                if count > MAX_TABLE_ROWS:
                    at(
                        (*loc, "table", "rows"),
                        "E111",
                        f"表格空白行 {count} 行，超过上限 {MAX_TABLE_ROWS} 行：请另起一张表",
                    )
                rows += max(0, min(count, MAX_TABLE_ROWS))
        row = block.get("row")
        if isinstance(row, list):
            fields += len(row)
        inner = block.get("blocks")
        if "section" in block and isinstance(inner, list):
            if depth >= MAX_FORM_SECTION_DEPTH:
                at(loc, "E111", f"表单分节嵌套超过 {MAX_FORM_SECTION_DEPTH} 层")
                continue
            stack.extend((child, (*loc, "blocks", i), depth + 1) for i, child in enumerate(inner))
    if tables > MAX_FORM_TABLES:
        at(("layout",), "E111", f"表单有 {tables} 张表格，超过上限 {MAX_FORM_TABLES} 张：请拆分为几种表单")
    if rows > MAX_FORM_ROWS:
        at(("layout",), "E111", f"表单各表格共 {rows} 行空白行，超过上限 {MAX_FORM_ROWS} 行")
    if fields > MAX_FORM_FIELDS:
        at(("layout",), "E111", f"表单有 {fields} 个填写栏，超过上限 {MAX_FORM_FIELDS} 个")
