"""``procgen explain [CODE]``: what a check code means and the rule behind it, from the rules themselves.

Each rule of generator/check/ is a function whose docstring says what it holds, with a passing and a
failing example (tests/test_check.py holds the examples true). The codes a rule reports are read from its
source, so this list cannot drift from what the checker does; the codes the loader and the schema report
(E0xx, E1xx) have their one-line meaning from problems.CODES.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable

from generator.check.rules import ALL as RULES
from generator.source.problems import ADJUSTABLE, CODES

CODE = re.compile(r"\b[EW]\d{3}\b")


def rules_by_code(rules: list[Callable[..., object]] | None = None) -> dict[str, list[Callable[..., object]]]:
    """Each code and the rules whose source reports it."""
    found: dict[str, list[Callable[..., object]]] = {}
    for fn in rules if rules is not None else RULES:
        for code in dict.fromkeys(CODE.findall(inspect.getsource(fn))):
            if code in CODES:
                found.setdefault(code, []).append(fn)
    return found


def _adjustable(code: str) -> str:
    return "可在 company.yml 的 checks 中调整（off / warning / error）" if code in ADJUSTABLE else "不可调整"


def explain(code: str | None) -> tuple[int, str]:
    """(exit status, text): one code in full, or every code on a line."""
    by_code = rules_by_code()
    if code is None:
        lines = [f"{c}  {CODES[c]}{'  [可调整]' if c in ADJUSTABLE else ''}" for c in sorted(CODES)]
        return 0, "\n".join(lines) + "\n\n详见 procgen explain 代码，如 procgen explain E292\n"
    code = code.strip().upper()
    if code not in CODES:
        return 1, f"procgen explain: 没有代码 {code[:10]}；procgen explain 列出全部代码\n"
    out = [f"{code}  {CODES[code]}", f"严重程度：{'警告' if code.startswith('W') else '错误'}；{_adjustable(code)}"]
    for fn in by_code.get(code, []):
        doc = inspect.cleandoc(fn.__doc__ or "")
        out += ["", f"规则 {fn.__name__}：", doc]
    if code not in by_code:
        out += [
            "",
            "由读取文件、结构校验、用语表（vocabulary.yml）或测验评审（quiz-review.yml）报告：消息本身说明了问题与改法（见 README“Reading a validator message”）。",
        ]
    return 0, "\n".join(out) + "\n"


def command(args: argparse.Namespace) -> int:
    code: str | None = args.code
    status, text = explain(code)
    (sys.stdout if status == 0 else sys.stderr).write(text)
    return status
