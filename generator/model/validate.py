"""Turn pydantic validation errors into located problems with Chinese messages.

A pydantic ``loc`` mixes keys of the data with labels of union members (``constrained-str``,
``list[...]``, ``Line``, a form-field tag such as ``choice``). Only the parts that index the
data locate a problem; the labels are dropped. One mistake in a union field makes pydantic
report one error per member: those are merged into one problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.source.loader import Located
from generator.source.problems import Problem

_TYPE_NAMES = {
    "string_type": "文本",
    "int_type": "整数",
    "float_type": "数字",
    "bool_type": "true 或 false",
    "list_type": "列表",
    "dict_type": "映射（键: 值）",
    "model_type": "映射（键: 值）",
    "model_attributes_type": "映射（键: 值）",
    "date_type": "日期（YYYY-MM-DD）",
    "int_from_float": "整数",
}
_DATE_KINDS = {"date_from_datetime_inexact", "date_parsing", "date_from_datetime_parsing", "date_type"}


@dataclass
class _Error:
    kind: str
    path: tuple[Any, ...]  # the part of loc that indexes the data
    field: str  # the key the error is about (the missing or unknown one, else the last key)
    missing: bool  # the key ``field`` is absent from the mapping at ``path``
    value: Any
    ctx: dict[str, Any]
    msg: str

    @property
    def type_error(self) -> bool:
        return self.kind in _TYPE_NAMES or self.kind.endswith("_type")


def _data_path(data: Any, loc: tuple[Any, ...], kind: str) -> tuple[tuple[Any, ...], str, bool]:
    """Split a pydantic ``loc`` into the path into ``data``, the field name, and whether it is absent."""
    path: list[Any] = []
    node = data
    field = ""
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            path.append(part)
            field = part
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif last and kind == "missing" and isinstance(part, str):
            return tuple(path), part, True
        # Anything else is the label of a union member: it does not index the data.
    return tuple(path), field, False


def _convert(error: dict[str, Any], located: Located) -> _Error:
    kind = error["type"]
    path, field, missing = _data_path(located.data, tuple(error["loc"]), kind)
    return _Error(kind, path, field, missing, error.get("input"), dict(error.get("ctx") or {}), error.get("msg", ""))


def _simplify(errors: list[_Error]) -> list[_Error | list[_Error]]:
    """Drop the union members that do not fit the input; group type errors at one place.

    ``text: [1, "a"]`` against ``Text | list[Text]`` gives "not a string" at ``text`` and
    "not a string" at ``text[0]``: only the deeper one says what is wrong. ``value: "95"``
    against ``int | float`` gives two type errors at ``value``: they become one problem.
    """
    kept = []
    for e in errors:
        if e.type_error and not e.missing:
            deeper_or_better = any(
                o is not e
                and o.path[: len(e.path)] == e.path
                and (len(o.path) > len(e.path) or o.missing or not o.type_error)
                for o in errors
            )
            if deeper_or_better:
                continue
        kept.append(e)
    out: list[_Error | list[_Error]] = []
    groups: dict[tuple[Any, ...], list[_Error]] = {}
    for e in kept:
        if e.type_error and not e.missing:
            if e.path in groups:
                groups[e.path].append(e)
                continue
            groups[e.path] = [e]
            out.append(groups[e.path])
        else:
            out.append(e)
    return out


def _merge_typos(errors: list[_Error]) -> list[_Error]:
    """A misspelt key gives "unknown key" and "missing key" in one mapping: keep only the first, with a hint."""
    extras = [e for e in errors if e.kind == "extra_forbidden"]
    dropped: set[int] = set()
    for e in errors:
        if e.kind != "missing" or not e.missing:
            continue
        for extra in extras:
            if extra.path[:-1] == e.path and difflib.SequenceMatcher(None, extra.field, e.field).ratio() >= 0.6:
                extra.ctx["suggest"] = e.field
                dropped.add(id(e))
                break
    return [e for e in errors if id(e) not in dropped]


def _pattern_problem(field: str, value: Any) -> tuple[str, str]:
    if field == "id" or field.endswith("id"):
        return "E201", f"id \"{value}\" 不合法：只能用小写字母 a-z、数字 0-9 和连字符 '-'，如 return-visit"
    if field in {"within", "not_before", "every", "period"}:
        return "E105", f'期限 "{value}" 不是 ISO 8601 时长：如 P3D（3天）、PT24H（24小时）、P1W、P1M、P2Y'
    if field == "version":
        return "E104", f'版本号 "{value}" 格式不符：须为带引号的 "主版本.次版本"，如 "1.0"'
    if field == "code":
        return "E104", f'编号 "{value}" 格式不符：须为大写字母、数字和连字符，如 WY-GL-11'
    return "E104", f'"{value}" 格式不符'


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    text = " ".join(str(value).split())
    if isinstance(value, str) and "\n" in value.strip():
        return f'多行文本 "{text[:30]}…"' if len(text) > 30 else f'多行文本 "{text}"'
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def _type_problem(group: list[_Error], located: Located) -> Problem:
    first = group[0]
    line, col = located.where(first.path, key=isinstance(first.value, dict | list))
    field = first.field
    if "targets" in first.path and field == "value":
        return Problem(
            located.path, line, col, "E212", f"目标的 value 须为数字（不带单位、不加引号），而不是 {_show(first.value)}"
        )
    if field == "version" and isinstance(first.value, int | float) and not isinstance(first.value, bool):
        return Problem(
            located.path, line, col, "E104", f'版本号须加引号写成文本，如 version: "{first.value}"，否则会被当作数字'
        )
    if first.kind in _DATE_KINDS:
        return Problem(located.path, line, col, "E106", f'"{field}" 须为日期 YYYY-MM-DD，而不是 {_show(first.value)}')
    names: list[str] = []
    for e in group:
        name = _TYPE_NAMES.get(e.kind, e.kind.removesuffix("_type"))
        if name not in names:
            names.append(name)
    expected = "或".join(names)
    label = f'"{field}"' if field else "此处"
    return Problem(located.path, line, col, "E102", f"{label} 须为{expected}，而不是 {_show(first.value)}")


def _one(e: _Error, located: Located) -> Problem:  # noqa: C901 - one branch per kind of pydantic error, each turned into its own Chinese message
    kind = e.kind
    field = e.field
    value = e.value
    ctx = e.ctx
    target_ctx = "targets" in e.path
    # An error about a whole mapping or list points at its key: a block value starts a line later.
    line, col = located.where(e.path, key=kind == "extra_forbidden" or isinstance(value, dict | list))

    def problem(code: str, message: str) -> Problem:
        return Problem(located.path, line, col, code, message)

    if kind == "missing":
        return problem("E212" if target_ctx else "E100", f'缺少必填字段 "{field}"')
    if kind == "extra_forbidden":
        hint = f'应为 "{ctx["suggest"]}"？' if "suggest" in ctx else "拼写错误？请对照 schemas/ 中的定义"
        return problem("E101", f'未知字段 "{field}"：{hint}')
    if kind == "string_pattern_mismatch":
        return problem(*_pattern_problem(field, value))
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace(" or ", ", ")
        return problem("E103", f'"{field}" 的值 {_show(value)} 不在允许范围：须为 {expected}')
    if kind in _DATE_KINDS:
        return problem("E106", f'"{field}" 须为日期 YYYY-MM-DD，而不是 {_show(value)}')
    if kind == "string_unicode":
        return problem("E104", f'"{field}" 含无效的 Unicode 字符（如 "\\ud800" 这样的转义），请改为正常文字')
    if kind == "string_too_short":
        return problem("E109", f'"{field}" 不能为空')
    if kind in {"too_short", "too_long"}:
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        relation = "至少" if kind == "too_short" else "至多"
        return problem("E107", f'"{field}" {relation}须有 {bound} 项')
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        limit = next(iter(ctx.values()), "")
        relation = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}[kind]
        return problem("E108", f'"{field}" 的值 {value} 越界：须 {relation} {limit}')
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        if isinstance(value, dict) and "type" not in value:
            return problem(
                "E100",
                '表单字段缺少必填字段 "type"：text、date、datetime、number、choice、checkbox、textarea、signature 或 photo',
            )
        tag = ctx.get("tag", value.get("type") if isinstance(value, dict) else "")
        return problem(
            "E103",
            f'未知的表单字段类型 "{tag}"：须为 text、date、datetime、number、choice、checkbox、textarea、signature 或 photo',
        )
    if kind == "form_block":
        return problem("E103", "表单块须以 row、table、note 或 section 之一为键")
    if kind == "value_error":
        if isinstance(value, dt.datetime):
            return problem("E106", f'"{field}" 须为日期 YYYY-MM-DD，不含时间（而不是 {value}）')
        message = str(ctx.get("error", e.msg))
        return problem("E109", message)
    return problem("E102", f'"{field}"：{e.msg or kind}')


def validate(model: type[BaseModel], located: Located) -> tuple[BaseModel | None, list[Problem]]:
    """Validate ``located.data`` against ``model``; map every error to its line."""
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        errors = _merge_typos([_convert(dict(error), located) for error in exc.errors(include_url=False)])
        problems = []
        for item in _simplify(errors):
            if isinstance(item, list):
                problems.append(_type_problem(item, located))
            else:
                problems.append(_one(item, located))
        return None, problems
