"""Turn pydantic validation errors into located problems with Chinese messages."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from .loader import Located
from .problems import Problem

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


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any]:
    """Drop union/tag labels from a pydantic ``loc`` so it indexes the data."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and part == "$schema":
            path.append(part)
        else:
            # A tag ("row", "str", "list[...]") or a missing key: the last one counts.
            if isinstance(node, dict) and isinstance(part, str) and part not in node:
                last_missing = part
                return tuple(path), ("__missing__", last_missing)
    return tuple(path), node


def _field_name(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return ""


def _pattern_problem(field: str, value: Any) -> tuple[str, str]:
    if field == "id" or field.endswith("id"):
        return "E201", f"id \"{value}\" 不合法：只能用小写字母 a-z、数字 0-9 和连字符 '-'，如 return-visit"
    if field in {"within", "not_before", "every", "period"}:
        return "E105", f"期限 \"{value}\" 不是 ISO 8601 时长：如 P3D（3天）、PT24H（24小时）、P1W、P1M、P2Y"
    if field == "version":
        return "E104", f"版本号 \"{value}\" 格式不符：须为带引号的 \"主版本.次版本\"，如 \"1.0\""
    if field == "code":
        return "E104", f"编号 \"{value}\" 格式不符：须为大写字母、数字和连字符，如 WY-GL-11"
    return "E104", f"\"{value}\" 格式不符"


def _one(error: dict[str, Any], located: Located) -> Problem:
    kind = error["type"]
    loc = tuple(error["loc"])
    path, node = _data_path(located.data, loc)
    field = _field_name(loc)
    ctx = error.get("ctx") or {}
    target_ctx = "targets" in path
    if isinstance(node, tuple) and node and node[0] == "__missing__":
        # The error is about a key that is absent: point at the parent mapping.
        line, col = located.where(path)
        missing = node[1]
        if kind == "extra_forbidden":
            missing = missing
        code = "E212" if target_ctx and kind == "missing" else "E100"
        if kind == "missing":
            return Problem(located.path, line, col, code, f"缺少必填字段 \"{missing}\"")
    line, col = located.where(path, key=kind == "extra_forbidden")
    value = error.get("input")
    if kind == "missing":
        code = "E212" if target_ctx else "E100"
        return Problem(located.path, line, col, code, f"缺少必填字段 \"{field}\"")
    if kind == "extra_forbidden":
        return Problem(located.path, line, col, "E101", f"未知字段 \"{field}\"：拼写错误？请对照 schemas/ 中的定义")
    if kind == "string_pattern_mismatch":
        code, message = _pattern_problem(field, value)
        return Problem(located.path, line, col, code, message)
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return Problem(located.path, line, col, "E103", f"\"{field}\" 的值 \"{value}\" 不在允许范围：须为 {expected}")
    if kind in {"date_from_datetime_inexact", "date_parsing", "date_from_datetime_parsing"}:
        return Problem(located.path, line, col, "E106", f"\"{field}\" 须为日期 YYYY-MM-DD，而不是 \"{value}\"")
    if kind in {"too_short", "too_long"}:
        if isinstance(value, str) or kind == "string_too_short":
            return Problem(located.path, line, col, "E109", f"\"{field}\" 不能为空")
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        relation = "至少" if kind == "too_short" else "至多"
        return Problem(located.path, line, col, "E107", f"\"{field}\" {relation}须有 {bound} 项")
    if kind == "string_too_short":
        return Problem(located.path, line, col, "E109", f"\"{field}\" 不能为空")
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        limit = next(iter(ctx.values()), "")
        relation = {"greater_than_equal": "≥", "less_than_equal": "≤", "greater_than": ">", "less_than": "<"}[kind]
        return Problem(located.path, line, col, "E108", f"\"{field}\" 的值 {value} 越界：须 {relation} {limit}")
    if kind in _TYPE_NAMES or kind.endswith("_type"):
        if target_ctx and field == "value":
            return Problem(located.path, line, col, "E212", f"目标的 value 须为数字（不带单位、不加引号），而不是 \"{value}\"")
        expected = _TYPE_NAMES.get(kind, kind.removesuffix("_type"))
        return Problem(located.path, line, col, "E102", f"\"{field}\" 须为{expected}，而不是 {_show(value)}")
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        return Problem(located.path, line, col, "E103", f"\"{field}\" 的类型未知：{error.get('msg', '')}")
    if kind == "form_block":
        return Problem(located.path, line, col, "E103", "表单块须以 row、table、note 或 section 之一为键")
    if kind == "value_error":
        message = str(ctx.get("error", error.get("msg", "")))
        return Problem(located.path, line, col, "E109", message)
    return Problem(located.path, line, col, "E102", f"\"{field}\"：{error.get('msg', kind)}")


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    return f"\"{value}\""


def validate(model: type[BaseModel], located: Located) -> tuple[BaseModel | None, list[Problem]]:
    """Validate ``located.data`` against ``model``; map every error to its line."""
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        problems = [_one(error, located) for error in exc.errors(include_url=False)]
        return None, problems
