"""The structured facts of the twelve documents against the seed: every target, threshold and deadline
the seed states is data, printed as the seed says it, and reaches the role the seed gives it to.

tests/fixtures/seed/facts.yml is written from the seed text, not from the YAML.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from conftest import MANUAL_TODAY, ROOT

from generator.check.run import check

pytestmark = pytest.mark.usefixtures("manual_today")

SEED_DIR = ROOT / "tests" / "fixtures" / "seed"
FACTS = yaml.safe_load((SEED_DIR / "facts.yml").read_text(encoding="utf-8"))
SEED = re.sub(r"\s+", "", (SEED_DIR / "twelve-documents.txt").read_text(encoding="utf-8"))

FRONT_LINE = [
    "property-officer",
    "customer-service-officer",
    "front-desk-clerk",
    "maintenance-technician",
    "driver",
    "site-officer",
    "service-staff",
    "project-manager-assistant",
    "resident-service-supervisor",
]
"""Roles that serve residents day to day: each must find at least one duty on its page."""


@pytest.fixture(scope="module")
def catalog():  # noqa: ANN201
    result = check(ROOT, when=MANUAL_TODAY)
    assert result.catalog is not None, [p.text() for p in result.errors]
    return result.catalog


def facts_of(catalog, code: str) -> Counter:  # noqa: ANN001
    found: Counter = Counter()
    for doc in catalog.documents:
        if doc.document.code != code:
            continue
        for entry in catalog.targets:
            if entry.document is doc:
                found["target", entry.target.rule, frozenset(o.id for o in entry.target.owners)] += 1
        for entry in catalog.deadlines:
            if entry.document is doc:
                found["deadline", entry.deadline.rule, frozenset(o.id for o in entry.deadline.owners)] += 1
        for section in doc.walk():
            for t in section.thresholds:
                found["threshold", t.rule, frozenset(o.id for o in t.owners)] += 1
    return found


def test_every_fact_quotes_the_seed() -> None:
    for code, facts in FACTS.items():
        for fact in facts:
            assert re.sub(r"\s+", "", fact["says"]) in SEED, (code, fact["says"])


@pytest.mark.parametrize("code", [f"WY-GL-{n:02d}" for n in range(1, 13)])
def test_facts_and_owners_are_the_seeds(catalog, code: str) -> None:  # noqa: ANN001
    expected: Counter = Counter()
    for fact in FACTS.get(code, []):
        expected[fact["kind"], fact["rule"], frozenset(fact["owners"])] += fact.get("count", 1)
    got = facts_of(catalog, code)
    missing = expected - got
    extra = got - expected
    assert not missing and not extra, (
        f"missing (seed, not data): {dict(missing)}\nextra (data, not seed): {dict(extra)}"
    )


def test_no_deadline_reads_the_opposite_of_the_seed(catalog) -> None:  # noqa: ANN001
    """两周前 never becomes "2周内": a deadline before an event prints 前, one within a time prints 内."""
    for entry in catalog.deadlines:
        label, rule = entry.deadline.deadline.label, entry.deadline.rule
        if "前" in label:
            assert "前" in rule and "内" not in rule, (label, rule)
        if "内" in label:
            assert "内" in rule, (label, rule)


def test_every_front_line_role_has_a_duty_on_its_page(manual) -> None:  # noqa: ANN001
    catalog = manual.catalog
    from generator.render.site.pages import build_pages
    from generator.render.site.render import Urls, environment, render

    pages = build_pages(manual)
    urls = Urls({p.src_uri: p.src_uri.removesuffix(".md") + "/" for p in pages})
    env = environment(urls)
    for role_id in FRONT_LINE:
        role = catalog.role(role_id)
        # A member of a group (客户服务员 of 客户服务组) finds the group's duties on the page as well; a role the
        # seed does not name (前台服务员, 维修人员) finds its proposed duties (拟定·待批准).
        assert (
            role.duties
            or role.service_rows
            or role.department_duties
            or role.proposed_duties
            or role.proposed_service_rows
        ), role_id
        page = next(p for p in pages if p.src_uri == f"roles/{role_id}.md")
        html = str(render(env, page, f"roles/{role_id}/"))
        assert 'id="duties"' in html or 'id="department-duties"' in html or 'id="proposed"' in html, role_id


def test_front_desk_clerk_answers_for_the_front_desk_targets(catalog) -> None:  # noqa: ANN001
    # 第10篇 names no one for 前台服务: the rows are the 前台服务员's as a proposal, not as approved duties.
    clerk = catalog.role("front-desk-clerk")
    assert clerk.targets == [] and clerk.service_rows == []
    assert len(clerk.proposed_targets) == 9 and {e.target.rule for e in clerk.proposed_targets} == {"客户满意率 ≥ 95%"}
    assert len(clerk.proposed_service_rows) == 9


def test_forms_named_in_the_text_are_derived_refs(catalog) -> None:  # noqa: ANN001
    doc = catalog.document("return-visit")
    section = next(s for s in doc.walk() if s.path == "4.2")
    assert {link.id for link in section.refs} >= {"return-visit-record", "return-visit-receipt"}


def test_roles_not_named_in_the_seed_say_where_they_come_from(catalog) -> None:  # noqa: ANN001
    for role_id in (
        "maintenance-technician",
        "customer-service-officer",
        "front-desk-clerk",
        "trainer",
        "company",
        "meeting-convener",
    ):
        description = catalog.role(role_id).role.description
        assert re.search(r"第\d+篇", description), (role_id, description)


def test_the_seed_copy_is_the_shared_one() -> None:
    shared = ROOT.parent / "shared" / "seed" / "000_a8b6e34ff2af44ca.txt"
    if not shared.exists():
        pytest.skip("the workspace's shared seed is not beside this clone")
    assert shared.read_bytes() == (SEED_DIR / "twelve-documents.txt").read_bytes()
