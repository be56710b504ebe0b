"""The validated catalog: every definition, cross-linked, with the derived views both renderers use.

Templates only lay out what is computed here: numbering labels, anchors, the pieces of text that
link to another document, next review dates, and the views by role, by target, by deadline,
the records register, the master list and the company-wide matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.catalog.views import FlowChoice, FlowItem, FlowStep, Section

if TYPE_CHECKING:
    pass


def _flow(sections: list[Section]) -> list[FlowItem]:
    """The steps with owners, in reading order: within the nodes marked ``flow``, else the whole document.

    A node marked ``choice`` has alternatives for items: its children become the branches of one
    :class:`FlowChoice` instead of a sequence.
    """
    marked = [s for top in sections for s in top.walk() if s.flow]
    items: list[FlowItem] = []
    for top in marked or sections:
        # A part of the document with steps inside is a stage of its own; a flat list of steps
        # (车辆管理规定 (一)–(六)) is one stage, the document.
        nested = any(_flow_step(child, "") for child in top.walk() if child is not top)
        items.extend(_flow_items(top, top.heading if nested else ""))
    return items


def _flow_step(section: Section, stage: str) -> FlowStep | None:
    """A step drawn in the lanes of the roles the seed gives it (a proposed role draws no lane until approved)."""
    lanes = [link for link in section.roles if not link.proposed]
    if lanes and section.paragraphs:
        return FlowStep(section.anchor, section.label, section.paragraphs[0].text, lanes, section.path, stage)
    return None


def _flow_items(section: Section, stage: str) -> list[FlowItem]:
    items: list[FlowItem] = []
    step = _flow_step(section, stage)
    if step is not None:
        items.append(step)
    if section.choice:
        branches = [steps for child in section.children if (steps := _branch(child, stage))]
        if len(branches) > 1:
            title = section.title or (section.paragraphs[0].text if section.paragraphs else section.path)
            items.append(FlowChoice(section.anchor, section.path, title, branches, stage))
        elif branches:
            items.extend(branches[0])
        return items
    for child in section.children:
        items.extend(_flow_items(child, stage))
    return items


def _branch(section: Section, stage: str) -> list[FlowStep]:
    """One alternative as a plain sequence of steps (alternatives inside it are kept in reading order)."""
    steps: list[FlowStep] = []
    for item in _flow_items(section, stage):
        if isinstance(item, FlowStep):
            steps.append(item)
        else:
            steps.extend(step for branch in item.branches for step in branch)
    return steps
