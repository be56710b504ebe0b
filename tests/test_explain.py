"""`procgen explain` and per-rule severity in company.yml (`checks`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY

from generator.check.registry import RULES
from generator.check.run import check
from generator.cli.explain import rules_by_code
from generator.cli.main import main
from generator.source.problems import ADJUSTABLE, CODES

pytestmark = pytest.mark.usefixtures("fixed_today")

MakeRepo = Callable[..., Path]


def test_every_rule_code_is_explained_by_the_rule_that_reports_it() -> None:
    by_code = rules_by_code()
    # the loader, the schema, the vocabulary, file discovery and the quiz review report these, not a rule
    elsewhere = {"E201", "E212", "E280", "E282", "W240", "W241", "W281", "W260", "E301"}
    for code in CODES:
        if code[:2] in ("E0", "E1") or code in elsewhere:
            continue
        assert code in by_code, code
    for fn in RULES:
        assert fn.__doc__ and re.search(r"Passes:.*(Fails|Warns):", fn.__doc__, re.S), fn.__name__


def test_explain_prints_the_rule_and_its_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "e292"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("E292  条款没有提到该岗位") and "statements_have_a_basis" in out and "Passes:" in out
    assert "可在 company.yml 的 checks 中调整" in out
    assert main(["explain"]) == 0
    listing = capsys.readouterr().out
    assert all(code in listing for code in CODES)
    assert main(["explain", "E999"]) == 1
    assert "没有代码 E999" in capsys.readouterr().err


def _company(root: Path, extra: str) -> None:
    company = root / "procedures" / "company.yml"
    company.write_text(company.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_company_turns_a_warning_off_and_a_policy_error_into_a_warning(make_repo: MakeRepo) -> None:
    root = make_repo({})
    before = {p.code for p in check(root, when=TODAY.replace(year=TODAY.year + 3)).problems}
    assert "W231" in before  # reviews overdue three years on
    _company(root, "checks:\n  W231: off\n")
    assert "W231" not in {p.code for p in check(root, when=TODAY.replace(year=TODAY.year + 3)).problems}


def test_an_error_made_a_warning_lets_the_build_go_on(make_repo: MakeRepo) -> None:
    root = make_repo({})
    retention = root / "forms" / "visit-receipt.yml"
    text = retention.read_text(encoding="utf-8")
    retention.write_text(re.sub(r"(?m)^  basis: .*\n", "", text, count=1), encoding="utf-8")
    result = check(root)
    assert [(p.code, p.severity) for p in result.problems if p.code == "E290"] == [("E290", "error")]
    assert result.catalog is None
    _company(root, "checks:\n  E290: warning\n")
    result = check(root)
    assert [(p.code, p.severity) for p in result.problems if p.code == "E290"] == [("E290", "warning")]
    assert result.catalog is not None
    assert "warning E290" in next(p.text() for p in result.problems if p.code == "E290")


def test_a_rule_that_cannot_change_is_refused_at_its_line(make_repo: MakeRepo) -> None:
    root = make_repo({})
    _company(root, "checks:\n  W231: warning\n  E235: off\n")
    lines = (root / "procedures" / "company.yml").read_text(encoding="utf-8").splitlines()
    found = [p for p in check(root).problems if p.path == "procedures/company.yml"]
    assert [(p.line, p.severity) for p in found] == [(lines.index("  E235: off") + 1, "error")]
    assert "E235 不可调整" in found[0].message
    assert "E235" not in ADJUSTABLE and "W231" in ADJUSTABLE


def test_a_severity_that_does_not_exist_is_refused(make_repo: MakeRepo) -> None:
    root = make_repo({})
    _company(root, "checks:\n  W231: sometimes\n")
    lines = (root / "procedures" / "company.yml").read_text(encoding="utf-8").splitlines()
    assert [(p.code, p.line) for p in check(root).problems if p.path == "procedures/company.yml"] == [
        ("E103", lines.index("  W231: sometimes") + 1)
    ]
