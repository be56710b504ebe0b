"""A quiz per staff role, derived from the facts the manual holds the role to (generator/training.py):
its targets (the value), its deadlines (the time limit), its duties (who does it, which document says so)
and its matrix rows (its letter, who approves, who does).

Same catalog, same quiz: questions are ordered and distractors chosen by a SHA-256 of the role, the
question and the seed, never by ``random`` or Python's salted ``hash()``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

from .catalog import RACI_NAMES, Catalog, DeadlineEntry, DocumentView, RoleView
from .training import Fact, FactNumbers, facts, letters_text, section_text

BLANK = "＿＿＿"
MIN_FACTS = 3
"""A staff role with at least this many facts gets a quiz from :func:`build_quizzes`."""
MIN_QUESTIONS = 10
"""Questions asked another way are added, while the facts allow, until a quiz has this many."""
MAX_QUESTIONS = 20
"""One question per fact, up to this many (a department named in 40 clauses gets 20)."""
DISTRACTORS = 3
LETTERS = "ABCD"
SNIPPET_CHARS = 40
RACI_OPTIONS = tuple(letters_text((letter,)) for letter in RACI_NAMES)
"""负责（R）, 批准（A）, 咨询（C）, 知会（I): the options of "which letter", always in this order."""
FILL_SHARE = 4
"""At least one question in four is a fill-in (the rest are choices while distractors allow)."""
FILLABLE = ("who", "owner", "target-owner", "deadline-owner", "value", "value-choice", "letter", "approver", "doer",
            "consulted", "informed")
"""Aspects a fill-in can ask fairly: a role's name, a value, a letter (not a document's title or a clause number)."""
KIND_ORDER = ("target", "deadline", "duty", "matrix")
"""Questions are dealt from each kind of fact in turn, so a quiz mixes them."""

_SENTENCE = re.compile(r"[^。；;！？]+[。；;！？]?")


@dataclass(frozen=True)
class Question:
    """One question about one fact of a role.

    ``fact`` is the fact's key (``document:anchor:kind:n``, see :class:`generator.training.Fact`);
    ``aspect`` says what is asked of it: ``value`` (a target's or deadline's; ``value-fill``, ``value-choice``
    ask it again), ``who`` (the role named in the clause, blanked; ``who-fill``), ``owner``, ``target-owner``,
    ``deadline-owner`` (who answers for a clause that does not name it, a target, a deadline), ``document``,
    ``clause``, and of a matrix row ``letter`` (the role's own), ``approver``, ``doer``, ``consulted``,
    ``informed``, ``matrix-document``.
    A fill-in (``blank``) has ＿＿＿ in its prompt and no options; a ``choice`` has four options, one the answer.
    """

    id: str
    kind: Literal["blank", "choice"]
    prompt: str
    options: tuple[str, ...]
    answer: str
    clause: str
    document_id: str
    anchor: str
    fact: str
    aspect: str

    @property
    def letter(self) -> str:
        """The answer's letter among the options (A–D); empty for a fill-in."""
        return LETTERS[self.options.index(self.answer)] if self.kind == "choice" else ""

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """(letter, option) pairs, as printed and shown: ("A", "物管员"), …"""
        return tuple(zip(LETTERS, self.options, strict=False))


@dataclass(frozen=True)
class Quiz:
    role: RoleView
    questions: tuple[Question, ...]


# --------------------------------------------------------------------------- building


@dataclass
class _Draft:
    """A question before its kind is settled: a choice needs three distinct distractors."""

    fact: Fact
    aspect: str
    answer: str
    blank: str
    ask: str | None = None  # the choice prompt; None: a fill-in only
    pools: list[list[str]] = field(default_factory=list)  # distractor candidates, most plausible pool first
    exclude: frozenset[str] = frozenset()  # never offered: the names a clause names already, the answer's kin
    options: tuple[str, ...] | None = None  # fixed options, in their own order (RACI letters)


def _rank(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _snippet(text: str) -> str:
    first = (_sentences(text) or [text])[0].strip().rstrip("。；;，,：:")
    return first if len(first) <= SNIPPET_CHARS else first[:SNIPPET_CHARS] + "…"


def _end(text: str) -> str:
    return text.rstrip("。；;，,：: ") + "。"


def _target_answer(rule: str, metric: str) -> str:
    """客户满意率 ≥ 95% -> ≥ 95%: the rule as target_rule prints it, without the metric asked about."""
    return rule.removeprefix(f"{metric} ")


def _unsaid(rule: str, before: str, after: str | None) -> str:
    """The part of a deadline's rule the sentence leaves to its blank: 投诉处理完毕后3天内 after "应在投诉处理完毕后的"
    -> 3天内; 每年6月、11月 after "公司每年于" -> 6月、11月; 合同执行期的中期阶段、合同执行期结束后 after
    "应安排在合同执行期的" -> 中期阶段、合同执行期结束后. Otherwise the whole rule."""
    if after and after in before and rule.startswith(f"{after}后"):
        return rule.removeprefix(f"{after}后")
    for k in range(len(rule) - 1, 1, -1):  # the rule's head written just before the blank
        if rule[:k] in before[-(k + 2):]:
            return rule[k:]
    return rule


def _deadline_shape(entry: DeadlineEntry) -> str:
    d = entry.deadline.deadline
    if d.within:
        return "within"
    if d.ahead:
        return "ahead"
    if d.every or d.weekdays or d.months or d.due:
        return "recurring"
    return "other"


class _Context:
    """What every quiz of one catalog draws on: role names, and the values distractors come from."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        surfaces: dict[str, str] = {}
        for role in catalog.roles:
            for name in (role.role.name, *role.role.aliases):
                surfaces.setdefault(name, role.id)
        self.surfaces = surfaces
        # Longest first: 项目经理助理 is not 项目经理 (an alias of 项目处经理) followed by 助理.
        self.pattern = re.compile("|".join(re.escape(n) for n in sorted(surfaces, key=lambda n: (-len(n), n))))
        self.roles = {role.id: role for role in catalog.roles}
        self.numbers = FactNumbers.of(catalog)
        staff = [(role.link.title, {doc.id for doc in role.documents}) for role in catalog.roles if not role.external]
        self.near = {doc.id: [name for name, docs in staff if doc.id in docs] for doc in catalog.documents}
        self.far = {doc.id: [name for name, docs in staff if doc.id not in docs] for doc in catalog.documents}
        self.deadline_rules: dict[str, list[str]] = {}
        for e in catalog.deadlines:
            self.deadline_rules.setdefault(_deadline_shape(e), []).append(e.deadline.rule)
        self.deadline_rests = [e.deadline.rule.removeprefix(f"{e.deadline.deadline.after}后") for e in catalog.deadlines
                               if e.deadline.deadline.within and e.deadline.deadline.after]
        self.titles = [f"《{doc.document.title}》" for doc in catalog.documents]
        self.alike: dict[str, list[str]] = {}
        self.letter_sets = [letters_text(tuple(letters)) for role in catalog.roles for _, _, letters in role.raci]
        self.target_values = [(e.target.target.unit, _target_answer(e.target.rule, e.target.target.metric)) for e in catalog.targets]

    def merge(self, found: list[Fact]) -> list[Fact]:
        """One target for the rows of a service table that state it alike (as /standards/ lists them): the
        first row's fact stands for them all, and ``alike`` keeps the rows' contents for its question."""
        kept: list[Fact] = []
        first: dict[tuple[str, ...], str] = {}
        for fact in found:
            entry = fact.target
            if entry is None or entry.row is None:
                kept.append(fact)
                continue
            same = (fact.document.id, entry.section.anchor, entry.row.group, entry.target.rule,
                    *(o.id for o in entry.target.owners))
            content = entry.row.content.rstrip("；;。")
            if same in first:
                self.alike[first[same]].append(content)
                continue
            first[same] = fact.key
            self.alike[fact.key] = [content]
            kept.append(fact)
        return kept

    def name(self, role_id: str) -> str:
        return self.roles[role_id].link.title

    def mentioned(self, text: str) -> set[str]:
        return {self.surfaces[m.group(0)] for m in self.pattern.finditer(text)}

    def mask(self, text: str, role_ids: set[str]) -> str:
        """The mentions of ``role_ids`` in ``text`` replaced by ＿＿＿ (other roles' names are kept whole)."""
        return self.pattern.sub(lambda m: BLANK if self.surfaces[m.group(0)] in role_ids else m.group(0), text)

    def kin(self, role_id: str) -> set[str]:
        """A role with its departments up the tree and its members: no fair distractor for one another."""
        found = {role_id}
        role = self.roles[role_id]
        up = role.department
        while up is not None and up.id not in found:
            found.add(up.id)
            up = self.roles[up.id].department
        found.update(member.id for member in role.members)
        return found

    def role_pools(self, doc: DocumentView, answer: str, exclude: set[str]) -> tuple[list[list[str]], frozenset[str]]:
        """Names of staff roles, those concerned by the document first; and the names not to offer: the
        answer's kin and ``exclude``."""
        return [self.near[doc.id], self.far[doc.id]], frozenset(self.name(r) for r in self.kin(answer) | exclude)

    def document_pools(self, doc: DocumentView) -> list[list[str]]:
        return [self.titles]

    # ----------------------------------------------------------------- drafts per kind of fact

    def drafts(self, role: RoleView, fact: Fact) -> list[_Draft]:
        """The questions a fact can give, the one worth asking first first."""
        if fact.kind == "duty":
            found = self._duty(role, fact)
        elif fact.kind == "service":
            found = self._service(fact)
        elif fact.kind == "target":
            found = self._target(fact)
        elif fact.kind == "deadline":
            found = self._deadline(fact)
        else:
            found = self._matrix(role, fact)
        return [d for d in found if d is not None]

    def _who(self, fact: Fact, answer: str, text: str, exclude: set[str], aspect: str = "who") -> tuple[_Draft, _Draft]:
        """下文横线处应是哪个岗位？“＿＿＿负责…”: ``text`` with the answer's name blanked; and its fill-in."""
        exclude = exclude | self.mentioned(text)
        name = self.name(answer)
        return (_Draft(fact, aspect, name, text, f"下文横线处应是哪个岗位？“{text}”",
                       *self.role_pools(fact.document, answer, exclude)),
                _Draft(fact, f"{aspect}-fill", name, f"填写岗位：{text}"))

    def _document(self, fact: Fact, snippet: str) -> _Draft:
        title = f"《{fact.document.document.title}》"
        return _Draft(fact, "document", title, f"“{snippet}”出自＿＿＿。", f"“{snippet}”出自哪份文件？",
                      self.document_pools(fact.document))

    def _clause(self, fact: Fact, snippet: str) -> _Draft | None:
        """《…》中，“…”出自哪一条？ Options: other clauses of the document, those as deep first."""
        section = fact.section
        if section is None or not section.path:
            return None
        others = [s for s in fact.document.walk() if s.path and s.path != section.path]
        same = [s.path for s in others if s.depth == section.depth]
        rest = [s.path for s in others if s.depth != section.depth]
        title = fact.document.document.title
        return _Draft(fact, "clause", section.path, f"《{title}》中，“{snippet}”出自条款＿＿＿。",
                      f"《{title}》中，“{snippet}”出自哪一条？", [same, rest])

    def _duty(self, role: RoleView, fact: Fact) -> list[_Draft | None]:
        assert fact.section is not None
        text = section_text(fact.section)
        snippet = _snippet(text)
        sentence = next((s for s in _sentences(text) if role.id in self.mentioned(s)), None)
        if sentence is None:  # 回访人员在限定时效内进行回访…: the clause does not name whom it binds
            roles = fact.section.roles
            owner = [self._who(fact, roles[0].id, f"{_end(snippet)}——这一条由＿＿＿负责。", set(), "owner")[0]] if len(roles) == 1 else []
            return [self._document(fact, snippet), *owner, self._clause(fact, snippet)]
        masked = _end(self.mask(sentence.strip(), {role.id}))
        who, fill = self._who(fact, role.id, masked, {link.id for link in fact.section.roles})
        return [who, self._document(fact, snippet), self._clause(fact, snippet), fill]

    def _service(self, fact: Fact) -> list[_Draft | None]:
        assert fact.row is not None
        row = fact.row
        subject = f"{row.group}“{row.content.rstrip('；;。')}”"
        snippet = _snippet(f"{row.group}：{row.content}")
        drafts: list[_Draft | None] = []
        if len(row.roles) == 1:
            who, fill = self._who(fact, row.roles[0].id, f"{subject}由＿＿＿负责提供。", set())
            drafts += [who, fill]
        return [*drafts[:1], self._document(fact, snippet), self._clause(fact, snippet), *drafts[1:]]

    def _target(self, fact: Fact) -> list[_Draft | None]:
        entry = fact.target
        assert entry is not None
        target = entry.target.target
        answer = _target_answer(entry.target.rule, target.metric)
        alike = self.alike.get(fact.key, [])
        if len(alike) > 1:  # 客户满意率95%以上 in nine rows of a service table: asked once
            context = f"{entry.row.group if entry.row else ''}“{alike[0]}”等{len(alike)}项服务："
        elif entry.row is not None:
            context = f"{entry.row.group}“{entry.row.content.rstrip('；;。')}”："
        elif entry.meeting is not None:
            context = f"{entry.meeting.meeting.name}："
        else:
            context = ""
        same = [v for unit, v in self.target_values if unit == target.unit]
        other = [v for unit, v in self.target_values if unit != target.unit]
        said = f"{context}{entry.target.rule}"
        drafts: list[_Draft | None] = [
            _Draft(fact, "value", answer, f"{context}{target.metric}的要求是＿＿＿。", f"{context}{target.metric}的要求是？",
                   [same, other])
        ]
        owners = entry.target.owners
        if len(owners) == 1:
            drafts.append(self._who(fact, owners[0].id, f"{said}——该目标由＿＿＿负责达成。", set(), "target-owner")[0])
        drafts.append(_Draft(fact, "value-fill", answer, f"按{fact.clause}，{context}{target.metric}应为＿＿＿。"))
        drafts.append(self._clause(fact, said))
        drafts.append(self._document(fact, said))
        return drafts

    def _deadline_blank(self, entry: DeadlineEntry) -> tuple[str, str]:
        """The sentence stating the deadline with its words (``label``) blanked, and the answer: the rule as
        deadline_rule prints it, less the start event when the sentence names it already."""
        d = entry.deadline.deadline
        rule = entry.deadline.rule
        sources: list[tuple[str, str]] = []
        if entry.meeting is not None:
            sources = [(f"{entry.meeting.meeting.name}（{name}）：", p.text) for name, p in entry.meeting.fields]
        elif entry.row is not None:
            sources = [(f"{entry.row.group}“{entry.row.content.rstrip('；;。')}”：", line.text.text) for line in entry.row.lines]
        else:
            sources = [("", p.text) for p in (*entry.section.paragraphs, *entry.section.after)]
        for prefix, text in sources:
            for sentence in _sentences(text):
                if d.label not in sentence:
                    continue
                before = sentence[: sentence.index(d.label)]
                return _end(prefix + sentence.strip().replace(d.label, BLANK, 1)), _unsaid(rule, before, d.after)
        return f"{entry.activity.rstrip('…')}：时间要求是＿＿＿。", rule

    def _deadline(self, fact: Fact) -> list[_Draft | None]:
        entry = fact.deadline
        assert entry is not None
        blank, answer = self._deadline_blank(entry)
        rule = entry.deadline.rule
        d = entry.deadline.deadline
        shape = _deadline_shape(entry)
        same: list[str] = []
        other: list[str] = []
        if answer == rule:
            same = self.deadline_rules[shape]
            other = [r for s, rules in self.deadline_rules.items() if s != shape for r in rules]
        elif d.within and d.after and rule == f"{d.after}后{answer}":  # 3天内 against the others' 1周内, 24小时内 …
            same = self.deadline_rests
        # else: what is left of 每年6月、11月 after "每年于" has no like in other deadlines: a fill-in only
        filled = blank.replace(BLANK, answer)
        drafts: list[_Draft | None] = [_Draft(fact, "value", answer, blank)]
        owners = entry.deadline.owners
        if len(owners) == 1:
            masked = self.mask(filled, {owners[0].id})
            if BLANK in masked:  # the sentence names its owner: the same question as its clause's "who"
                drafts.append(self._who(fact, owners[0].id, masked, set())[0])
            else:
                text = f"{filled.rstrip('。')}——这一时限由＿＿＿负责。"
                drafts.append(self._who(fact, owners[0].id, text, set(), "deadline-owner")[0])
        drafts.append(_Draft(fact, "value-choice", answer, blank, f"下文横线处的时限应是？“{blank}”" if same else None,
                             [same, other]))
        drafts.append(self._clause(fact, _snippet(filled)))
        drafts.append(self._document(fact, _snippet(filled)))
        return drafts

    def _matrix(self, role: RoleView, fact: Fact) -> list[_Draft | None]:
        row = fact.matrix
        assert row is not None
        title = fact.document.document.title
        activity = row.activity.text.rstrip("。")
        where = f"在《{title}》的职责矩阵中，"
        drafts: list[_Draft | None] = []
        blank = f"{where}{role.link.title}对“{activity}”承担的职责是＿＿＿（负责、批准、咨询或知会）。"
        if len(fact.letters) == 1:
            drafts.append(_Draft(fact, "letter", letters_text(fact.letters), blank,
                                 f"{where}{role.link.title}对“{activity}”承担哪种职责？", options=RACI_OPTIONS))
        else:  # 负责（R）、批准（A）: set against the other sets of letters roles hold
            drafts.append(_Draft(fact, "letter", letters_text(fact.letters), blank,
                                 f"{where}{role.link.title}对“{activity}”承担哪些职责？", [self.letter_sets]))
        for letter, aspect, verb in (("A", "approver", "批准（A）"), ("R", "doer", "负责实施（R）"),
                                     ("C", "consulted", "提供咨询（C）"), ("I", "informed", "知会（I）")):
            holders = row.letters[letter]
            if len(holders) == 1:
                drafts.append(_Draft(fact, aspect, holders[0].title, f"{where}“{activity}”由＿＿＿{verb}。",
                                     f"{where}“{activity}”由哪个岗位{verb}？",
                                     *self.role_pools(fact.document, holders[0].id, self.mentioned(activity))))
        drafts.append(_Draft(fact, "matrix-document", f"《{title}》", f"职责矩阵中的活动“{_snippet(activity)}”列在＿＿＿中。",
                             f"职责矩阵中的活动“{_snippet(activity)}”列在哪份文件中？", self.document_pools(fact.document)))
        return drafts


def _question(draft: _Draft, role_id: str, seed: str, *, fill: bool = False) -> Question:
    """The draft as a choice when it has (or can find) the options, else as a fill-in; ``fill`` asks for the
    fill-in whatever the options."""
    fact = draft.fact
    document_id, anchor, kind, n = fact.key.split(":")
    qid = f"{document_id}-{anchor}-{kind}{n}-{draft.aspect}"

    def blank() -> Question:
        return Question(qid, "blank", draft.blank, (), draft.answer, fact.clause, document_id, fact.anchor, fact.key,
                        draft.aspect)

    if fill or draft.ask is None:
        return blank()
    if draft.options is not None:
        return Question(qid, "choice", draft.ask, draft.options, draft.answer, fact.clause, document_id, fact.anchor,
                        fact.key, draft.aspect)
    distractors: list[str] = []
    for pool in draft.pools:
        if len(distractors) == DISTRACTORS:
            break
        unique = [c for c in dict.fromkeys(pool) if c != draft.answer and c not in draft.exclude and c not in distractors]
        # Drawn by hash from the pool in catalog order: a few hashes per question, however long the pool.
        while unique and len(distractors) < DISTRACTORS:
            draw = int(_rank(role_id, qid, seed, str(len(distractors))), 16) % len(unique)
            distractors.append(unique.pop(draw))
    if len(distractors) < DISTRACTORS:
        return blank()
    options = tuple(sorted([draft.answer, *distractors], key=lambda o: (_rank(role_id, qid, seed, "option", o), o)))
    return Question(qid, "choice", draft.ask, options, draft.answer, fact.clause, document_id, fact.anchor, fact.key,
                    draft.aspect)


def _deal(drafts: list[_Draft], role_id: str, seed: str) -> list[_Draft]:
    """One of each kind of fact in turn, each kind in hash order."""
    def kind(draft: _Draft) -> str:
        return "duty" if draft.fact.kind == "service" else draft.fact.kind

    groups = {
        k: sorted((d for d in drafts if kind(d) == k), key=lambda d: (_rank(role_id, d.fact.key, d.aspect, seed), d.fact.key))
        for k in KIND_ORDER
    }
    dealt: list[_Draft] = []
    while any(groups.values()):
        for k in KIND_ORDER:
            if groups[k]:
                dealt.append(groups[k].pop(0))
    return dealt


def _same(question: Question) -> tuple[str, ...]:
    """What makes two questions one: the same thing asked of the same place with the same answer (a duty and a
    deadline of one clause both asking who)."""
    place = question.fact if question.anchor == "matrix" else f"{question.document_id}#{question.anchor}"
    return place, question.aspect, question.answer


def _build(context: _Context, role: RoleView, role_facts: list[Fact], seed: str) -> Quiz:
    role_id = role.id
    tiers: list[list[_Draft]] = []
    for fact in context.merge(role_facts):
        for i, draft in enumerate(context.drafts(role, fact)):
            while len(tiers) <= i:
                tiers.append([])
            tiers[i].append(draft)
    chosen: list[tuple[_Draft, Question]] = []
    seen: set[tuple[str, ...]] = set()
    for i, tier in enumerate(tiers):
        limit = MAX_QUESTIONS if i == 0 else MIN_QUESTIONS
        for draft in _deal(tier, role_id, seed):
            if len(chosen) >= limit:
                break
            question = _question(draft, role_id, seed)
            if question.prompt not in seen and _same(question) not in seen:
                seen |= {question.prompt, _same(question)}
                chosen.append((draft, question))
    # At least one question in FILL_SHARE is a fill-in: recall, not only recognition.
    wanted = -(-len(chosen) // FILL_SHARE) - sum(q.kind == "blank" for _, q in chosen)
    prompts = {q.prompt for _, q in chosen}
    filled = {(q.fact, q.answer) for _, q in chosen if q.kind == "blank"}
    order = sorted(range(len(chosen)), key=lambda i: (chosen[i][1].aspect not in FILLABLE,
                                                      _rank(role_id, chosen[i][1].id, seed, "fill")))
    for i in order:
        draft, question = chosen[i]
        if wanted <= 0 or question.aspect not in FILLABLE:
            break
        if question.kind == "choice" and draft.blank not in prompts and (question.fact, question.answer) not in filled:
            chosen[i] = (draft, _question(draft, role_id, seed, fill=True))
            prompts.add(draft.blank)
            filled.add((question.fact, question.answer))
            wanted -= 1
    return Quiz(role, tuple(q for _, q in chosen))


def build_quiz(catalog: Catalog, role_id: str, *, seed: str = "") -> Quiz:
    """The quiz of one role: a question per fact (up to 20), then the same facts asked another way
    until there are 10, while the facts allow. A different ``seed`` gives another order and other
    distractors; the same seed, the same quiz."""
    context = _Context(catalog)
    return _build(context, catalog.role(role_id), facts(catalog, role_id, context.numbers), seed)


def build_quizzes(catalog: Catalog, *, seed: str = "") -> dict[str, Quiz]:
    """A quiz for every staff role (those given a training pack) with at least three facts, in catalog order."""
    context = _Context(catalog)
    quizzes = {}
    for role in catalog.roles:
        if role.trained:
            found = facts(catalog, role.id, context.numbers)
            if len(found) >= MIN_FACTS:
                quizzes[role.id] = _build(context, role, found, seed)
    return quizzes



def quizzes(catalog: Catalog) -> dict[str, Quiz]:
    """:func:`build_quizzes` once per catalog: the site's quiz pages and the quiz PDFs share them."""
    return catalog.once("quizzes", lambda: build_quizzes(catalog))
