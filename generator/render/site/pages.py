"""The site's pages, built from the catalog: what each page shows and its table of contents.

Nothing here reads YAML; everything comes from the :class:`~generator.catalog.Catalog`.
"""

from __future__ import annotations

import datetime as dt

from generator import paths
from generator.catalog.recurrence import COMPANY_CALENDAR
from generator.catalog.views import Catalog, DocumentView, Link, Pending, Section
from generator.catalog.vocabulary import glossary
from generator.control.reviews import REVIEW_SOON_DAYS, review_states
from generator.manual import Manual
from generator.render.flowchart import SiteChart, charts, site_chart
from generator.render.formlayout import Names, blocks, retention_note
from generator.render.pdf.views import RECORD_FORM, SIGN_IN_FORM
from generator.render.site.render import SitePage, TocEntry

CATALOG_BOOST = 0.5
"""Search weight of the catalog pages (lists, matrix, standards) against the procedures they list."""


def _toc(sections: list[Section], level: int = 2) -> list[TocEntry]:
    """Headings are the sections that have a title, nested as in the document."""
    entries = []
    for section in sections:
        if section.title:
            entry = TocEntry(level, section.anchor, section.heading)
            entry.children = _toc(section.children, level + 1) if level < 4 else []
            entries.append(entry)
        else:
            entries.extend(_toc(section.children, level) if level < 4 else [])
    return entries


def proposals_by_approver(catalog: Catalog) -> list[tuple[Link, list[Pending]]]:
    """The quality department's worklist: pending proposals grouped by the role that must approve them."""
    groups: dict[str, tuple[Link, list[Pending]]] = {}
    for pending in catalog.proposals:
        groups.setdefault(pending.approver.id, (pending.approver, []))[1].append(pending)
    return list(groups.values())


def flowcharts(doc: DocumentView) -> list[SiteChart]:
    """The document's swimlane charts (lane titles and body SVG, linking to the clauses, and the
    steps for a phone's list)."""
    return [site_chart(chart, lambda anchor: f"#{anchor}") for chart in charts(doc)]


def build_pages(manual: Manual, as_of: dt.date | None = None) -> list[SitePage]:
    """Every virtual page of the site, in navigation order. ``as_of`` is the day the review states are
    shown for (the build's date, reproducible per commit; the newest effective date without one)."""
    catalog = manual.catalog
    as_of = as_of or max((d.document.effective for d in catalog.documents), default=dt.date(2000, 1, 1))
    reviews = review_states(catalog, as_of)
    due = [s for s in reviews if s.status != "ok"]
    pages: list[SitePage] = [
        SitePage(
            "index.md",
            "程序文件手册",
            "home.html",
            {
                "catalog": catalog,
                "front_line": [r for r in catalog.roles if r.trained and r.front_line],
                "roles": [r for r in catalog.roles if r.trained and not r.is_department and not r.front_line],
                "departments": [r for r in catalog.roles if r.has_work and r.is_department],
                "manual_pdf": paths.site_pdf(paths.MANUAL_PDF),
            },
            search="none",
        )
    ]
    for doc in catalog.documents:
        toc = [TocEntry(2, "control", "文件控制信息")]
        toc += _toc(doc.sections)
        extras = [
            ("matrix", "职责矩阵", bool(doc.matrix)),
            ("flow", "流程图", bool(charts(doc))),
            ("records", "记录与表单", bool(doc.records)),
            ("related", "相关文件", bool(doc.related)),
            ("history", "修订历史", True),
        ]
        toc += [TocEntry(2, anchor, name) for anchor, name, shown in extras if shown]
        pages.append(
            SitePage(
                paths.page("document", doc.id),
                f"{doc.document.code} {doc.document.title}",
                "document.html",
                {
                    "doc": doc,
                    "flowcharts": flowcharts(doc),
                    "versions": manual.versions.get(doc.id, []),
                    "docx": paths.docx(doc.id),
                },
                toc,
            )
        )
    pages.append(
        SitePage(
            "roles/index.md", "岗位与部门", "roles.html", {"catalog": catalog}, search="title", boost=CATALOG_BOOST
        )
    )
    # A training pack's sign-in sheet is a PDF of its own (generator/render/pdf/html.py), when the form exists.
    sign_in = any(f.form.id == SIGN_IN_FORM for f in catalog.forms)
    record = any(f.form.id == RECORD_FORM for f in catalog.forms)
    quiz_roles = set(manual.quizzes)
    calendars = manual.role_calendars
    for role in catalog.roles:
        toc = [
            TocEntry(2, anchor, name)
            for anchor, name, shown in [
                ("duties", "职责", bool(role.duties or role.service_rows)),
                ("department-duties", "所在部门的职责", bool(role.department_duties)),
                ("raci", "参与的活动", bool(role.raci)),
                ("forms", "填写与保管的表单", bool(role.forms_filled or role.forms_kept)),
                ("targets", "负责的目标", bool(role.targets)),
                ("deadlines", "须遵守的期限", bool(role.deadlines)),
                ("proposed", "拟定·待批准的职责", role.has_proposals),
                ("calendar", "日历", calendars[role.id].shown),
                ("documents", "须知晓的文件", bool(role.documents)),
            ]
            if shown
        ]
        pages.append(
            SitePage(
                paths.page("role", role.id),
                role.role.name,
                "role.html",
                {
                    "role": role,
                    "sign_in": sign_in,
                    "record": record,
                    "quiz": role.id in quiz_roles,
                    "calendar": calendars[role.id],
                },
                toc,
                search="lead",
                names=(role.role.name, *role.role.aliases),
            )
        )
    for role_id, quiz in manual.quizzes.items():
        pages.append(
            SitePage(
                paths.quiz_page(role_id),
                f"{quiz.role.role.name}岗位测验",
                "quiz.html",
                {"quiz": quiz, "role": quiz.role, "record": record},
                search="none",  # the answers are on the page
            )
        )
    matrix = manual.training_matrix
    pages.append(
        SitePage(
            "training.md",
            "培训矩阵与复训",
            "training.html",
            {
                "matrix": matrix,
                "rows": [(row, row.role.id in quiz_roles) for row in matrix.rows],
                "retrain": [
                    (r, catalog.document(r.document_id), manual.versions[r.document_id][0].anchor)
                    for r in manual.retraining
                ],
            },
            [TocEntry(2, "matrix", "培训矩阵"), TocEntry(2, "retraining", "改版后须重新培训的岗位")],
            search="title",
            boost=CATALOG_BOOST,
        )
    )
    pages.append(
        SitePage(
            "forms/index.md", "表单与记录", "forms.html", {"catalog": catalog}, search="title", boost=CATALOG_BOOST
        )
    )
    for form in catalog.forms:
        pages.append(
            SitePage(
                paths.page("form", form.form.id),
                f"{form.form.code} {form.form.title}",
                "form.html",
                {
                    "form": form,
                    "layout": blocks(form.form.layout, Names(), card=form.form.card),
                    "retention_note": retention_note(form),
                },
                search="page",
                names=(form.form.title, form.form.code, *form.form.aliases),
            )
        )
    # Catalog pages list what the procedures say: only their titles are searched, so a search
    # lands on the clause itself, not on a list that quotes it.
    pages.append(
        SitePage(
            "standards.md",
            "目标与期限",
            "standards.html",
            {"catalog": catalog, "company_calendar": paths.calendar(COMPANY_CALENDAR)},
            [TocEntry(2, "targets", "可测量的目标"), TocEntry(2, "deadlines", "期限与频次")],
            search="title",
            boost=CATALOG_BOOST,
        )
    )
    pages.append(
        SitePage("matrix.md", "职责矩阵", "matrix.html", {"catalog": catalog}, search="title", boost=CATALOG_BOOST)
    )
    pages.append(
        SitePage("records.md", "记录清单", "records.html", {"catalog": catalog}, search="title", boost=CATALOG_BOOST)
    )
    groups = proposals_by_approver(catalog)
    pages.append(
        SitePage(
            "proposals.md",
            "待批准的拟定内容",
            "proposals.html",
            {"groups": groups, "total": len(catalog.proposals)},
            [TocEntry(2, f"by-{approver.id}", f"由{approver.title}批准") for approver, _ in groups],
            search="title",
            boost=CATALOG_BOOST,
        )
    )
    pages.append(
        SitePage(
            "documents.md",
            "受控文件清单",
            "documents.html",
            {
                "catalog": catalog,
                "withdrawn": manual.withdrawn,
                "reviews": reviews,
                "due": due,
                "as_of": as_of,
                "soon_days": REVIEW_SOON_DAYS,
            },
            [
                TocEntry(2, "reviews", "评审提醒"),
                TocEntry(2, "controlled", "受控文件"),
                TocEntry(2, "withdrawn", "已撤销的文件"),
                TocEntry(2, "planned", "计划编写的文件"),
                TocEntry(2, "external", "外来文件"),
            ],
            search="title",
            boost=CATALOG_BOOST,
        )
    )
    # Earlier wording lives on /changes/ and in the archive: only the page's title is searched, so a
    # search never lands on text that is no longer in force.
    pages.append(
        SitePage(
            "changes.md", "修订记录", "changes.html", {"changes": manual.changes}, search="title", boost=CATALOG_BOOST
        )
    )
    # The administrators' worklist sits where they look (the guide, /documents/, procgen check), not on staff's home page.
    pages.append(
        SitePage(
            "guide.md",
            "编写与发布指南",
            "guide.html",
            {
                "catalog": catalog,
                "overdue": sum(s.status == "overdue" for s in due),
                "soon": sum(s.status == "soon" for s in due),
                "as_of": as_of,
                "proposals": len(catalog.proposals),
            },
            search="page",
        )
    )
    # The vocabulary is for people: the search expands queries with it, so its page is found by its title only.
    pages.append(
        SitePage(
            "glossary.md",
            "术语表",
            "glossary.html",
            {"rows": glossary(catalog, manual.vocabulary)},
            search="title",
            boost=CATALOG_BOOST,
        )
    )
    return pages


NAV_GROUP = 50
"""Most entries a menu shows at one level: a longer list is split into groups of this many, so that a
page carries the groups' names and the open group only (with Material's navigation.prune), and the
site grows linearly with the catalog instead of every page carrying every link."""


def navigation(catalog: Catalog) -> list:
    """The MkDocs ``nav``: plain page paths, so titles come from the pages (and stay escaped)."""
    documents = [(d.document.code, paths.page("document", d.id)) for d in catalog.documents]
    forms = [(f.form.code, paths.page("form", f.form.id)) for f in catalog.forms]
    return [
        "index.md",
        {"程序文件": _grouped(documents)},
        {"岗位与部门": ["roles/index.md", *_grouped_entries(_roles_by_department(catalog), "部门")]},
        {"表单与记录": ["forms/index.md", *_grouped(forms)]},
        {
            "目录与清单": [
                "documents.md",
                "changes.md",
                "records.md",
                "standards.md",
                "matrix.md",
                "training.md",
                "proposals.md",
            ]
        },
        "guide.md",
        "glossary.md",
    ]


def _grouped(items: list[tuple[str, str]]) -> list:
    """Pages in order, named by code: as they are, or in groups "WY-GL-0001 – WY-GL-0050" of NAV_GROUP."""
    if len(items) <= NAV_GROUP:
        return [path for _, path in items]
    return [
        {f"{chunk[0][0]} – {chunk[-1][0]}": [path for _, path in chunk]}
        for chunk in (items[i : i + NAV_GROUP] for i in range(0, len(items), NAV_GROUP))
    ]


def _grouped_entries(entries: list, what: str) -> list:
    """Menu entries as they are, or in numbered groups of NAV_GROUP ("部门 1–50")."""
    if len(entries) <= NAV_GROUP:
        return entries
    return [
        {f"{what} {i + 1}–{min(i + NAV_GROUP, len(entries))}": entries[i : i + NAV_GROUP]}
        for i in range(0, len(entries), NAV_GROUP)
    ]


def _roles_by_department(catalog: Catalog) -> list:
    """The role menu: each department with the roles in it; roles of no department last."""
    entries: list = []
    placed: set[str] = set()
    for dept in (r for r in catalog.roles if r.is_department):
        members = [paths.page("role", link.id) for link in dept.members]
        placed.update(link.id for link in dept.members)
        if members:
            entries.append({dept.role.name: [paths.page("role", dept.id), *members]})
        else:
            entries.append(paths.page("role", dept.id))
    others = [paths.page("role", r.id) for r in catalog.roles if not r.is_department and r.id not in placed]
    if others:
        entries.append({"其他岗位与相关方": others})
    return entries
