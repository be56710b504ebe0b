"""Problems found in the user's files, and the three ways of printing them."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

# Stable codes. A code never changes meaning; new rules get new codes.
CODES: dict[str, str] = {
    "E001": "YAML 语法错误",
    "E002": "重复的键",
    "E003": "用 Tab 缩进",
    "E004": "文件不是 UTF-8 编码",
    "E005": "文件含 NUL 字节",
    "E006": "不允许的 YAML 标签",
    "E007": "别名展开过多",
    "E008": "文件顶层不是映射",
    "E009": "空文件",
    "E010": "无法读取文件",
    "E011": "文件过大",
    "E100": "缺少必填字段",
    "E101": "未知字段",
    "E102": "类型错误",
    "E103": "取值不在允许范围",
    "E104": "格式不符",
    "E105": "期限格式错误",
    "E106": "日期错误",
    "E107": "条目数量不符",
    "E108": "数值越界",
    "E109": "内容不完整",
    "E110": "含不可见的控制字符",
    "E111": "超出上限",
    "E201": "id 不合法",
    "E202": "文件名与 id 不符",
    "E203": "id 重复",
    "E204": "未定义的角色",
    "E205": "未定义的表单",
    "E206": "未定义的文件",
    "E207": "《》引用无法解析",
    "E208": "编号重复",
    "E209": "保留的 id",
    "E210": "职责矩阵每项活动至多一个 A",
    "E211": "职责矩阵至少须有一个 R",
    "E212": "目标不完整",
    "E213": "目标数值不合理",
    "E214": "表单一行超过 12 格",
    "E215": "目标或期限没有责任人",
    "E216": "编号不符合编号规则",
    "E220": "缺少该类文件必备的内容",
    "E230": "生效日期在未来",
    "E232": "修订记录与版本不一致",
    "E233": "表单升版没有修订记录",
    "E234": "修订记录没有写明修改内容",
    "E235": "内容已修改但版本未升级",
    "E236": "受控起点不是历史中的提交",
    "E237": "版本号重复使用",
    "E238": "版本号降低",
    "E280": "用语表的手册用词在手册中不存在",
    "E282": "用语表中的员工用语重复",
    "E290": "缺少出处：须引原文或标为拟定",
    "E291": "引文不在原文中（或出现于多处）",
    "E292": "条款没有提到该岗位",
    "E293": "事实不见于所在条款",
    "E294": "已批准的版本没有批准记录",
    "E295": "role_basis 中的岗位不在列表中",
    "E296": "岗位或部门不见于任何文件",
    "E301": "字体缺字：PDF 无法显示该字符",
    "W231": "评审已逾期",
    "W240": "无法识别的文件",
    "W241": "不会被读取的文件",
    "W242": "《》引用暂未检查",
    "W243": "refs 重复了正文中的《》",
    "W250": "汉字之间用了半角标点",
    "W281": "用语表中的员工用语已是手册用词",
    "W260": "测验评审中的题目已不存在",
}


ADJUSTABLE: frozenset[str] = frozenset(
    {code for code in CODES if code.startswith("W")}
    | {"E210", "E211", "E213", "E215", "E216", "E220", "E230", "E280", "E282", *(f"E29{n}" for n in range(7))}
)
"""Codes whose severity company.yml may change (``checks: {W231: off, E292: warning}``): warnings and rules of
policy. The file, schema and reference codes (E0xx, E1xx, E201–E209), document control (E232–E238) and the PDF's
glyphs (E301) hold what the rest of procgen relies on, and stay errors."""

Level = Literal["off", "warning", "error"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located in a file (1-based line and column)."""

    path: str
    line: int
    col: int
    code: str
    message: str
    level: Severity | None = None
    """The severity company.yml gives this code (``checks``), when it is not the code's own."""

    def __post_init__(self) -> None:
        # One problem, one line of output, whatever text of the user's it quotes.
        if any(c in self.message for c in "\r\n\t\v\f\x85\u2028\u2029") or "  " in self.message:
            object.__setattr__(self, "message", " ".join(self.message.split()))
        # Nothing the terminal would act on (an ESC colouring the screen, a bidi override reordering it).
        object.__setattr__(self, "message", printable(self.message))

    @property
    def severity(self) -> Severity:
        if self.level is not None:
            return self.level
        return "warning" if self.code.startswith("W") else "error"

    def text(self) -> str:
        return f"{escape_path(self.path)}:{self.line}:{self.col}: {self.severity} {self.code} {self.message}"


def printable(text: str) -> str:
    """``text`` with every control or format character written as an escape (\\x1b, \\u202e);
    everything else, backslashes included, as it is. For messages that quote the user's text."""
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs") else c
        for c in text
    )


def escape_path(path: str) -> str:
    """A file name as one printable line: a newline or other control character in it becomes an
    escape (\\n, \\x1b, \\u202e), so no name can forge or reorder a problem line."""
    out = []
    for char in path:
        category = unicodedata.category(char)
        if char == "\\" or category in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(char.encode("unicode_escape").decode("ascii") if char != "\\" else "\\\\")
        else:
            out.append(char)
    return "".join(out)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, then line and column, without duplicates."""
    return sorted(set(problems))


def summary(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "检查通过：未发现问题。"
    return f"共 {errors} 个错误，{warnings} 个警告。"


def format_text(problems: list[Problem], extra: dict[str, Any] | None = None) -> str:
    lines = [p.text() for p in problems]
    lines.append(summary(problems))
    return "\n".join(lines) + "\n"


def format_json(problems: list[Problem], extra: dict[str, Any] | None = None) -> str:
    """Problems and counts; ``extra`` adds what other tools want besides (notices, review states)."""
    payload = {
        "problems": [
            {**{k: v for k, v in asdict(p).items() if k != "level"}, "severity": p.severity} for p in problems
        ],
        "errors": sum(p.severity == "error" for p in problems),
        "warnings": sum(p.severity == "warning" for p in problems),
        **(extra or {}),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _gh_escape(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    """A property value (file=…) also escapes the separators ':' and ','."""
    return _gh_escape(value).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem], extra: dict[str, Any] | None = None) -> str:
    """GitHub Actions workflow commands: annotations on the changed lines (notices as ::notice)."""
    out = [f"::notice title=procgen::{_gh_escape(n)}" for n in (extra or {}).get("notices", [])]
    for p in problems:
        out.append(
            f"::{p.severity} file={_gh_property(p.path)},line={p.line},col={p.col},title={p.code}::"
            f"{_gh_escape(p.message)}"
        )
    out.append(summary(problems))
    return "\n".join(out) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
