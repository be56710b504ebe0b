"""A quiz per staff role, derived from the facts the manual holds the role to (generator/training/facts.py):
its targets (the value), its deadlines (the time limit), its duties (who does it, which document says so)
and its matrix rows (its letter, who approves, who does).

A quiz measures knowledge, so it is built to be fair (issue 24):

- at most one question per fact, and no question prints another's answer (every pair is checked) or its own;
- a blank stands for whole words only (:class:`generator.words.Words`);
- answers are balanced: the "which role" answers spread over the roles a clause names (the taker's own role
  at most as often as chance), no constant answer (a letter, a title, the longest option, a position) is right
  on more than :data:`GUESS_SHARE` of a quiz, and the right option's position is dealt evenly;
- a written answer is right when :func:`generator.answers.canonical` says so, the seed's own words first;
- a question a trainer rejected in ``training/quiz-review.yml`` is never asked (:mod:`generator.review`).

Same catalog, same quiz: questions are ordered and distractors chosen by a SHA-256 of the role, the
question and the seed, never by ``random`` or Python's salted ``hash()``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Literal

from generator.catalog.views import Catalog, DeadlineEntry, DocumentView, RoleView
from generator.catalog.wording import RACI_NAMES
from generator.text.answers import accepted, canonical, said_in, table_json
from generator.text.typography import sentences as _sentences
from generator.text.words import NO_CUTS, Cuts, Words
from generator.training.facts import Fact, FactNumbers, facts, letters_text, section_text
from generator.training.review import QuizReview

BLANK = "＿＿＿"
MIN_FACTS = 3
"""A staff role with at least this many facts gets a quiz from :func:`build_quizzes`..."""
MIN_QUESTIONS = 5
"""... when its facts give at least this many fair questions."""
MAX_QUESTIONS = 20
"""One question per fact, up to this many (a department named in 40 clauses gets 20)."""
SHORT_OPTION = 8
"""Characters of the longest option that still print four to a row on paper."""
GUESS_SHARE = 0.3
"""No constant answer (own role, a letter, a title, the longest option, a position) scores more than this."""
PASS_SHARE = 0.8
"""The pass mark printed on the paper quiz: this share of the questions, rounded up."""
MAX_DOCUMENT_QUESTIONS = 2
""""Which document" is worth asking now and then, not of every clause of the one document a role works to."""
ROLE_ASPECTS = (
    "who",
    "who-fill",
    "owner",
    "target-owner",
    "deadline-owner",
    "approver",
    "doer",
    "consulted",
    "informed",
)
"""Aspects whose answer is a role: the taker's own role answers at most one in four of them (chance)."""
DISTRACTORS = 3
LETTERS = "ABCD"
SNIPPET_CHARS = 40
SHORT_CONTEXT = 12
"""A sentence this short before a deadline's blank names what it times (管理处晨会。): it goes in the prompt."""
MIN_SNIPPET = 10
"""A shorter quotation (“员工大会”) does not tell one document from another: no "which document" question."""
RACI_OPTIONS = tuple(letters_text((letter,)) for letter in RACI_NAMES)
"""负责（R）, 批准（A）, 咨询（C）, 知会（I): the options of "which letter" (the answer dealt to its position)."""
FILL_SHARE = 4
"""At least one question in four is a fill-in (the rest are choices while distractors allow)."""
FILLABLE = (
    "who",
    "owner",
    "target-owner",
    "deadline-owner",
    "value",
    "value-choice",
    "letter",
    "approver",
    "doer",
    "consulted",
    "informed",
)
"""Aspects a fill-in can ask fairly: a role's name, a value, a letter (not a document's title or a clause number)."""
KIND_ORDER = ("target", "deadline", "duty", "matrix")
TABLE_JSON = table_json()
"""Questions are dealt from each kind of fact in turn, so a quiz mixes them."""


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
    ``said`` is the answer in the seed's own words (三天内 for 3天内); ``accept`` the canonical forms a written
    answer may take (:func:`generator.answers.canonical`; ``letters``: R = 负责 = 负责（R）). ``id`` is worked out
    from the fact, the aspect and the answer: it survives rebuilds and edits that leave the fact as it was.
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
    said: str = ""
    accept: tuple[str, ...] = ()
    letters: bool = False

    @property
    def shown(self) -> str:
        """The answer as the key and the page show it: the seed's words first, the manual's form beside."""
        if not self.said or self.said == self.answer or self.kind == "choice":
            return self.answer
        return f"{self.said}（{self.answer}）"

    @property
    def short_options(self) -> bool:
        """Options short enough to print four to a row (负责（R）…)."""
        return bool(self.options) and max(len(o) for o in self.options) <= SHORT_OPTION

    @property
    def accept_json(self) -> str:
        return json.dumps(list(self.accept), ensure_ascii=False, separators=(",", ":"))

    def accepts(self, given: str) -> bool:
        """Whether a written answer is right (the same test as quiz.js in the browser)."""
        return canonical(given, letters=self.letters) in self.accept

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

    @property
    def fold_json(self) -> str:
        """The folding table of generator/text/answers.py, for quiz.js."""
        return TABLE_JSON

    @property
    def pass_mark(self) -> int:
        """Questions to get right to pass: :data:`PASS_SHARE` of them, rounded up."""
        return -(-len(self.questions) * int(PASS_SHARE * 100) // 100)


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
    options: tuple[str, ...] | None = None  # fixed options (RACI letters): the answer is dealt a position among them
    said: str = ""  # the answer in the seed's words, when the clause says it
    alike: tuple[str, ...] = ()  # other written answers that are the same answer (a role's aliases)
    mention: tuple[str, int, int] | None = None  # the blanked role's mention (text, start, end): whole words only
    letters: bool = False


def _rank(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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
        if rule[:k] in before[-(k + 2) :]:
            return rule[k:]
    return rule


def _bare(answer: str, op: str, where: list[str]) -> str:
    """The seed's words for a target value it states without a sign: 抽样20% for "= 20%", 达到30% for "≥ 30%",
    24小时服务热线 for "= 24小时/日" (the value, its unit's head); else the answer as printed."""
    bare = answer.lstrip("=≥≤<> ")
    text = "".join(where)
    for form in dict.fromkeys((bare, bare.split("/")[0])):
        if op == "=" and form in text or op == ">=" and f"达到{form}" in text:
            return form
    return answer


def _deadline_shape(entry: DeadlineEntry) -> str:
    d = entry.deadline.deadline
    if d.within:
        return "within"
    if d.ahead:
        return "ahead"
    if d.every or d.weekdays or d.months or d.due:
        return "recurring"
    return "other"


def _fact_content(fact: Fact) -> str:
    """What a fact says, without its place: a question's id hangs on it, so a rejection survives edits that
    leave the fact as it was (and a clause moved or renumbered)."""
    if fact.kind == "duty" and fact.section is not None:
        return section_text(fact.section)
    if fact.kind == "service" and fact.row is not None:
        return f"{fact.row.group}\x1f{fact.row.content}"
    if fact.target is not None:
        entry = fact.target
        where = entry.row.content if entry.row else entry.meeting.meeting.name if entry.meeting else ""
        return f"{entry.target.rule}\x1f{where}"
    if fact.deadline is not None:
        return f"{fact.deadline.deadline.deadline.label}\x1f{fact.deadline.deadline.rule}\x1f{fact.deadline.activity}"
    if fact.matrix is not None:
        return f"{fact.matrix.activity.text}\x1f{''.join(fact.letters)}"
    return fact.text


def question_id(fact: Fact, aspect: str, answer: str) -> str:
    """``return-visit-deadline-value-1a2b3c4d``: the document, the kind of fact, the aspect, and a hash of
    what the fact says and what is asked of it."""
    digest = _rank(fact.document.id, fact.kind, _fact_content(fact), aspect, answer)[:8]
    return f"{fact.document.id}-{fact.kind}-{aspect}-{digest}"


class QuizContext:
    """What every quiz of one catalog draws on: role names, the segmenter (its cuts kept in ``cuts``, which the
    caller saves), and the values distractors come from."""

    def __init__(self, catalog: Catalog, cuts: Cuts = NO_CUTS) -> None:
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
        # A proposed role (拟定·待批准) is no name the seed gives: never an option.
        staff = [
            (role.link.title, role.is_department, {doc.id for doc in role.documents})
            for role in catalog.roles
            if not role.external and not role.proposed
        ]
        self.near = {
            (doc.id, dept): [name for name, d, docs in staff if doc.id in docs and d == dept]
            for doc in catalog.documents
            for dept in (True, False)
        }
        self.far = {
            (doc.id, dept): [name for name, d, docs in staff if doc.id not in docs and d == dept]
            for doc in catalog.documents
            for dept in (True, False)
        }
        self.deadline_rules: dict[str, list[str]] = {}
        for e in catalog.deadlines:
            self.deadline_rules.setdefault(_deadline_shape(e), []).append(e.deadline.rule)
        self.deadline_rests = [
            e.deadline.rule.removeprefix(f"{e.deadline.deadline.after}后")
            for e in catalog.deadlines
            if e.deadline.deadline.within and e.deadline.deadline.after
        ]
        self.titles = [f"《{doc.document.title}》" for doc in catalog.documents]
        self.alike: dict[str, list[str]] = {}
        self.letter_sets = [letters_text(tuple(letters)) for role in catalog.roles for _, _, letters in role.raci]
        self.target_values = [
            (e.target.target.unit, _target_answer(e.target.rule, e.target.target.metric)) for e in catalog.targets
        ]
        names = [*surfaces, *(doc.document.title for doc in catalog.documents), *(f.form.title for f in catalog.forms)]
        names += [m.meeting.name for doc in catalog.documents for s in doc.walk() for m in s.meetings]
        names += [e.target.target.metric for e in catalog.targets]
        self.words = Words(names, cuts)
        self.title_words = {doc.id: self._own_words(doc) for doc in catalog.documents}
        self._drafts: dict[tuple[str, str], list[_Draft]] = {}
        self._picks: dict[int, _Pick] = {}
        self._own_given: dict[int, bool] = {}
        self._pairs_given: dict[tuple[int, int], bool] = {}

    def _own_words(self, doc: DocumentView) -> set[str]:
        """Pairs of characters of a document's title that no other title holds (回访 in 物业服务回访管理规范标准):
        a snippet holding one names its document."""

        def pairs(title: str) -> set[str]:
            return {title[i : i + 2] for i in range(len(title) - 1)}

        others = set().union(*(pairs(d.document.title) for d in self.catalog.documents if d.id != doc.id))
        return pairs(doc.document.title) - others

    def merge(self, found: list[Fact]) -> list[Fact]:
        """One target for the rows of a service table that state it alike (as /standards/ lists them): the
        first row's fact stands for them all, and ``alike`` keeps the rows' contents for its question."""
        kept: list[Fact] = []
        first: dict[tuple[str, ...], str] = {}
        stated: set[tuple[str, ...]] = set()
        for fact in found:
            entry = fact.target
            if entry is not None and entry.row is None:
                # targets of one clause with one value (维修服务、特约服务和求助服务的回访率要求分别达到30%): one
                # statement of the seed, asked once (the others would repeat its answer)
                said = (
                    fact.document.id,
                    entry.section.anchor,
                    _target_answer(entry.target.rule, entry.target.target.metric),
                    *(o.id for o in entry.target.owners),
                )
                if said not in stated:
                    stated.add(said)
                    kept.append(fact)
                continue
            if entry is None or entry.row is None:
                kept.append(fact)
                continue
            same = (
                fact.document.id,
                entry.section.anchor,
                entry.row.group,
                entry.target.rule,
                *(o.id for o in entry.target.owners),
            )
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

    def names_of(self, role_id: str) -> tuple[str, ...]:
        role = self.roles[role_id]
        return (role.link.title, *role.role.aliases)

    def mentioned(self, text: str) -> set[str]:
        return {self.surfaces[m.group(0)] for m in self.pattern.finditer(text)}

    def mask(self, text: str, role_id: str) -> tuple[str, str, bool]:
        """``text`` with the mentions of ``role_id`` replaced by ＿＿＿, the first mention's words, and whether
        every mention is whole words (公司 in 物业公司 is not) standing alone (项目处 in 项目处物管员 qualifies
        another role: blanked, it would be a riddle)."""
        whole = True
        said = ""
        mentions = list(self.pattern.finditer(text))
        ends = {m.end() for m in mentions}
        starts = {m.start() for m in mentions}
        for m in mentions:
            if self.surfaces[m.group(0)] == role_id:
                said = said or m.group(0)
                whole = (
                    whole
                    and self.words.whole(text, m.start(), m.end())
                    and m.end() not in starts
                    and m.start() not in ends
                )
        masked = self.pattern.sub(lambda m: BLANK if self.surfaces[m.group(0)] == role_id else m.group(0), text)
        return masked, said, whole

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
        """Names of staff roles of the answer's kind (a department for a department, a post for a post: "到＿＿＿领取"
        or "＿＿＿专人" would rule a person out), those concerned by the document first; and the names not to
        offer: the answer's kin and ``exclude``."""
        kind = (doc.id, self.roles[answer].is_department)
        return [self.near[kind], self.far[kind]], frozenset(self.name(r) for r in self.kin(answer) | exclude)

    def document_pools(self, doc: DocumentView) -> list[list[str]]:
        return [self.titles]

    # ----------------------------------------------------------------- drafts per kind of fact

    def drafts_of(self, role: RoleView, fact: Fact) -> list[_Draft]:
        """:meth:`drafts`, worked out once per role and fact."""
        key = (role.id, fact.key)
        if key not in self._drafts:
            self._drafts[key] = self.drafts(role, fact)
        return self._drafts[key]

    def pick(self, draft: _Draft, role_id: str, seed: str) -> _Pick:
        """:func:`_pick`, worked out once per draft."""
        key = id(draft)
        if key not in self._picks:
            self._picks[key] = _pick(draft, role_id, seed)
        return self._picks[key]

    def gives_away(self, pick: _Pick, others: list[_Pick]) -> bool:
        """:func:`_gives_away` for picks made by :meth:`pick` (kept as long as this context, so their ids
        stay theirs), each pair worked out once: a quiz is chosen again for every size tried."""
        own = self._own_given.get(id(pick))
        if own is None:
            own = self._own_given[id(pick)] = _prints_own(pick)
        if own:
            return True
        for other in others:
            key = (id(pick), id(other))
            found = self._pairs_given.get(key)
            if found is None:
                found = self._pairs_given[key] = _print_each_other(pick, other)
            if found:
                return True
        return False

    def drafts(self, role: RoleView, fact: Fact) -> list[_Draft]:
        """The questions a fact can give (one of them is asked), the one worth asking first first."""
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

    def _who(
        self,
        fact: Fact,
        answer: str,
        text: str,
        exclude: set[str],
        aspect: str = "who",
        said: str = "",
        whole: bool = True,
    ) -> tuple[_Draft, _Draft] | None:
        """下文横线处应是哪个岗位？“＿＿＿负责…”: ``text`` with the answer's name blanked; and its fill-in."""
        if not whole:
            return None
        exclude = exclude | self.mentioned(text)
        name = self.name(answer)
        alike = (*self.names_of(answer), *([said] if said else []))
        pools, excluded = self.role_pools(fact.document, answer, exclude)
        return (
            _Draft(
                fact,
                aspect,
                name,
                text,
                f"下文横线处应是哪个岗位？“{text}”",
                pools,
                excluded,
                said=said or name,
                alike=alike,
            ),
            _Draft(fact, f"{aspect}-fill", name, f"填写岗位：{text}", said=said or name, alike=alike),
        )

    def _document(self, fact: Fact, snippet: str) -> _Draft | None:
        """“…”出自哪份文件？ Not when the snippet holds a word only the title has (回访 for the return-visit
        standard): that would print what it asks for."""
        if any(word in snippet for word in self.title_words[fact.document.id]) or len(snippet) < MIN_SNIPPET:
            return None
        title = f"《{fact.document.document.title}》"
        # a title whose own words the quotation holds (回访 in "及时回访业户征询意见") would be a defensible answer
        named = frozenset(
            f"《{d.document.title}》"
            for d in self.catalog.documents
            if d.id != fact.document.id and any(w in snippet for w in self.title_words[d.id])
        )
        return _Draft(
            fact,
            "document",
            title,
            f"“{snippet}”出自＿＿＿。",
            f"“{snippet}”出自哪份文件？",
            self.document_pools(fact.document),
            named,
        )

    def _duty(self, role: RoleView, fact: Fact) -> list[_Draft | None]:
        """A clause naming the role: one "who" question per role it names (the others' too, so that the answer
        is not always the taker's own role); a clause that names nobody: who answers for it."""
        assert fact.section is not None
        text = section_text(fact.section)
        snippet = _snippet(text)
        sentence = next((s for s in _sentences(text) if role.id in self.mentioned(s)), None)
        if sentence is None:  # 回访人员在限定时效内进行回访…: the clause does not name whom it binds
            roles = fact.section.roles
            owner = []
            if len(roles) == 1 and not roles[0].proposed:
                found = self._who(fact, roles[0].id, f"{_end(snippet)}——这一条由＿＿＿负责。", set(), "owner")
                owner = [found[0]] if found else []
            return [*owner, self._document(fact, snippet)]
        drafts: list[_Draft | None] = []
        fills: list[_Draft] = []
        others = sorted(self.mentioned(sentence) - {role.id})
        for answer in [*others, role.id]:
            masked, said, whole = self.mask(sentence.strip(), answer)
            found = self._who(fact, answer, _end(masked), set(), said=said, whole=whole)
            if found:
                drafts.append(found[0])
                fills.append(found[1])
        return [*drafts, self._document(fact, snippet), *fills]

    def _service(self, fact: Fact) -> list[_Draft | None]:
        assert fact.row is not None
        row = fact.row
        subject = f"{row.group}“{row.content.rstrip('；;。')}”"
        snippet = _snippet(f"{row.group}：{row.content}")
        drafts: list[_Draft | None] = []
        if len(row.roles) == 1 and not row.roles[0].proposed:
            found = self._who(fact, row.roles[0].id, f"{subject}由＿＿＿负责提供。", set())
            drafts += list(found or ())
        return [*drafts[:1], self._document(fact, snippet), *drafts[1:]]

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
        where = [*(p.text for p in (*entry.section.paragraphs, *entry.section.after))]
        if entry.row is not None:
            where = [line.text.text for line in entry.row.lines] + where
        said = next((s for s in (said_in(text, answer) for text in where) if s), None) or _bare(
            answer, target.op, where
        )
        extra = ("100%",) if target.op == ">=" and target.value == 100 and target.unit == "%" else ()
        same = [v for unit, v in self.target_values if unit == target.unit]
        said_rule = f"{context}{entry.target.rule}"
        drafts: list[_Draft | None] = [
            _Draft(
                fact,
                "value",
                answer,
                f"{context}{target.metric}的要求是＿＿＿。",
                f"{context}{target.metric}的要求是？",
                [same],
                said=said,
                alike=extra,
            )  # another unit would rule itself out: ≤ 0.1% beside ≤ 2小时
        ]
        owners = entry.target.owners
        if len(owners) == 1 and not owners[0].proposed and not entry.target.proposed:
            found = self._who(fact, owners[0].id, f"{said_rule}——该目标由＿＿＿负责达成。", set(), "target-owner")
            drafts.append(found[0] if found else None)
        drafts.append(
            _Draft(fact, "value-fill", answer, f"{context}{target.metric}应为＿＿＿。", said=said, alike=extra)
        )
        drafts.append(self._document(fact, said_rule))
        return drafts

    def _deadline_blank(self, entry: DeadlineEntry) -> tuple[str, str, str]:
        """The sentence stating the deadline with its words (``label``) blanked, the answer: the rule as
        deadline_rule prints it, less the start event when the sentence names it already; and the seed's own
        words the blank stands for (the label; empty when no sentence says it).

        A sentence that begins with its blank says nothing of what it times ("＿＿＿，地点在公司正门口…"):
        the clause's title goes before it (训话晨会：), else the short sentence before it (管理处晨会。)."""
        d = entry.deadline.deadline
        rule = entry.deadline.rule
        sources: list[tuple[str, str]] = []
        if entry.meeting is not None:
            sources = [(f"{entry.meeting.meeting.name}（{name}）：", p.text) for name, p in entry.meeting.fields]
        elif entry.row is not None:
            sources = [
                (f"{entry.row.group}“{entry.row.content.rstrip('；;。')}”：", line.text.text)
                for line in entry.row.lines
            ]
        else:
            sources = [("", p.text) for p in (*entry.section.paragraphs, *entry.section.after)]
        for prefix, text in sources:
            sentences = _sentences(text)
            for i, sentence in enumerate(sentences):
                if d.label not in sentence:
                    continue
                before = sentence[: sentence.index(d.label)]
                if not prefix and not before.strip():
                    title = entry.section.title or ""
                    previous = sentences[i - 1].strip() if i else ""
                    if title and title not in sentence:
                        prefix = f"{title.rstrip('：:。')}："
                    elif previous and len(previous) <= SHORT_CONTEXT:
                        prefix = previous
                blank = _end(prefix + sentence.strip().replace(d.label, BLANK, 1))
                return blank, _unsaid(rule, before, d.after), d.label
        return f"{entry.activity.rstrip('…')}：时间要求是＿＿＿。", rule, ""

    def _deadline(self, fact: Fact) -> list[_Draft | None]:
        entry = fact.deadline
        assert entry is not None
        blank, answer, label = self._deadline_blank(entry)
        rule = entry.deadline.rule
        d = entry.deadline.deadline
        said = (
            label or answer
        )  # what the blank held: the seed's own words (一个月后，两个月内 for 1个月之后、2个月之内)
        shape = _deadline_shape(entry)
        same: list[str] = []
        other: list[str] = []
        if answer == rule:
            same = self.deadline_rules[shape]
            other = [r for s, rules in self.deadline_rules.items() if s != shape for r in rules]
        elif d.within and d.after and rule == f"{d.after}后{answer}":  # 3天内 against the others' 1周内, 24小时内 …
            same = self.deadline_rests
        # else: what is left of 每年6月、11月 after "每年于" has no like in other deadlines: a fill-in only
        filled = blank.replace(BLANK, said)
        drafts: list[_Draft | None] = [_Draft(fact, "value", answer, blank, said=said)]
        owners = entry.deadline.owners
        if len(owners) == 1 and not owners[0].proposed and not entry.deadline.proposed:
            masked, name, whole = self.mask(filled, owners[0].id)
            if BLANK in masked:  # the sentence names its owner: the same question as its clause's "who"
                found = self._who(fact, owners[0].id, masked, set(), said=name, whole=whole)
            else:
                text = f"{filled.rstrip('。')}——这一时限由＿＿＿负责。"
                found = self._who(fact, owners[0].id, text, set(), "deadline-owner")
            drafts.append(found[0] if found else None)
        drafts.append(
            _Draft(
                fact,
                "value-choice",
                answer,
                blank,
                f"下文横线处的时限应是？“{blank}”" if same else None,
                [same, other],
                said=said,
            )
        )
        drafts.append(self._document(fact, _snippet(filled)))
        return drafts

    def _matrix(self, role: RoleView, fact: Fact) -> list[_Draft | None]:
        """Of a matrix row: the taker's letters (本岗位, not its name: the name would answer the "which role"
        questions), who approves, does, is consulted, is informed."""
        row = fact.matrix
        assert row is not None
        title = fact.document.document.title
        activity = row.activity.text.rstrip("。")
        where = f"在《{title}》的职责矩阵中，"
        drafts: list[_Draft | None] = []
        blank = f"{where}本岗位对“{activity}”承担的职责是＿＿＿（负责、批准、咨询或知会）。"
        answer = letters_text(fact.letters)
        proposed_own = any(r is row for _, r, _ in role.proposed_raci)
        if row.proposed or proposed_own:  # the taker's letters on this row are not all the seed's: no letter question
            pass
        elif len(fact.letters) == 1:
            drafts.append(
                _Draft(
                    fact,
                    "letter",
                    answer,
                    blank,
                    f"{where}本岗位对“{activity}”承担哪种职责？",
                    options=RACI_OPTIONS,
                    said=answer,
                    letters=True,
                )
            )
        else:  # 负责（R）、批准（A）: set against the other sets of letters roles hold
            drafts.append(
                _Draft(
                    fact,
                    "letter",
                    answer,
                    blank,
                    f"{where}本岗位对“{activity}”承担哪些职责？",
                    [self.letter_sets],
                    said=answer,
                    letters=True,
                )
            )
        for letter, aspect, verb in (
            ("A", "approver", "批准（A）"),
            ("R", "doer", "负责实施（R）"),
            ("C", "consulted", "提供咨询（C）"),
            ("I", "informed", "知会（I）"),
        ):
            holders = row.letters[letter]
            if len(holders) == 1 and not holders[0].proposed and not row.proposed:
                pools, excluded = self.role_pools(fact.document, holders[0].id, self.mentioned(activity))
                drafts.append(
                    _Draft(
                        fact,
                        aspect,
                        holders[0].title,
                        f"{where}“{activity}”由＿＿＿{verb}。",
                        f"{where}“{activity}”由哪个岗位{verb}？",
                        pools,
                        excluded,
                        said=holders[0].title,
                        alike=self.names_of(holders[0].id),
                    )
                )
        return drafts


# --------------------------------------------------------------------------- choosing the questions


@dataclass
class _Pick:
    """A draft settled as a fill-in or a choice (its distractors drawn, the answer not yet placed)."""

    draft: _Draft
    id: str
    choice: bool
    distractors: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        return self.draft.ask if self.choice and self.draft.ask else self.draft.blank

    def guesses(self, own: str) -> set[str]:
        """The constant answers that get this question right: own role, a letter, a title, the longest option."""
        d = self.draft
        found: set[str] = set()
        if d.aspect in ROLE_ASPECTS:
            found.add(f"role:{d.answer}")
            if d.answer == own:
                found.add("own")
        if d.letters:
            found.add(f"letter:{canonical(d.answer, letters=True)}")
        if d.aspect == "document":
            found.add(f"title:{d.answer}")
        if self.choice and len(d.answer) > max(len(o) for o in self.distractors):
            found.add("longest")
        return found


def _distractors(draft: _Draft, role_id: str, qid: str, seed: str) -> tuple[str, ...] | None:
    """Three wrong options drawn by hash from the draft's pools, most plausible pool first; None: too few."""
    if draft.options is not None:
        return tuple(o for o in draft.options if o != draft.answer)
    distractors: list[str] = []
    for pool in draft.pools:
        if len(distractors) == DISTRACTORS:
            break
        unique = [
            c
            for c in dict.fromkeys(pool)
            if c != draft.answer
            and c not in draft.exclude
            and c not in distractors
            and canonical(c, letters=draft.letters) != canonical(draft.answer, letters=draft.letters)
        ]
        while unique and len(distractors) < DISTRACTORS:
            long = [c for c in unique if len(c) >= len(draft.answer)]
            if len(distractors) == DISTRACTORS - 1 and long and all(len(c) < len(draft.answer) for c in distractors):
                unique = long  # the answer is not the longest option when a pool can say otherwise
            draw = int(_rank(role_id, qid, seed, str(len(distractors))), 16) % len(unique)
            distractors.append(unique.pop(draw))
    return tuple(distractors) if len(distractors) == DISTRACTORS else None


def _pick(draft: _Draft, role_id: str, seed: str) -> _Pick:
    qid = question_id(draft.fact, draft.aspect, draft.answer)
    if draft.ask is not None:
        found = _distractors(draft, role_id, qid, seed)
        if found is not None:
            return _Pick(draft, qid, True, found)
    return _Pick(draft, qid, False)


def _forms(draft: _Draft) -> set[str]:
    """What would give the draft's answer away if another question printed it."""
    return {f for f in (draft.answer, draft.said, *draft.alike) if len(f) >= 2}


def _gives_away(pick: _Pick, others: list[_Pick]) -> bool:
    """Whether ``pick`` prints its own answer, or it and one of ``others`` print each other's."""
    return _prints_own(pick) or any(_print_each_other(pick, other) for other in others)


def _prints_own(pick: _Pick) -> bool:
    prompt = pick.prompt
    mine = _forms(pick.draft)
    if not pick.draft.letters and any(f in prompt for f in mine):
        return True
    # 前台服务“接听电话”由＿＿＿负责提供 -> 前台服务员
    return pick.draft.aspect in ROLE_ASPECTS and any(len(f) >= 4 and f[:-1] in prompt for f in mine)


def _print_each_other(pick: _Pick, other: _Pick) -> bool:
    prompt = pick.prompt
    if not other.draft.letters and any(f in prompt for f in _forms(other.draft)):
        return True
    if not pick.draft.letters and any(f in other.prompt for f in _forms(pick.draft)):
        return True
    if _says_value(other.draft, prompt) or _says_value(pick.draft, other.prompt):
        return True  # 95%以上 in one prompt answers "≥ 95%" in another
    # a quotation of the clause shows what the other question asks of it
    return (pick.draft.aspect == "document" or other.draft.aspect == "document") and _clause(pick) == _clause(other)


def _clause(pick: _Pick) -> tuple[str, str]:
    return pick.draft.fact.document.id, pick.draft.fact.anchor


def _says_value(draft: _Draft, prompt: str) -> bool:
    """Whether ``prompt`` states the value ``draft`` asks for in any words the checker takes for it."""
    return draft.aspect.startswith("value") and said_in(prompt, draft.answer) is not None


def _deal(facts_: list[Fact], role_id: str, seed: str) -> list[Fact]:
    """One of each kind of fact in turn, each kind in hash order."""

    def kind(fact: Fact) -> str:
        return "duty" if fact.kind == "service" else fact.kind

    groups = {
        k: sorted((f for f in facts_ if kind(f) == k), key=lambda f: (_rank(role_id, f.key, seed), f.key))
        for k in KIND_ORDER
    }
    dealt: list[Fact] = []
    while any(groups.values()):
        for k in KIND_ORDER:
            if groups[k]:
                dealt.append(groups[k].pop(0))
    return dealt


def _too_guessable(counts: dict[str, int], own_role: int, role_questions: int, total: int) -> str | None:
    """The constant answer that is right too often in a quiz of ``total`` questions, if any."""
    bound = int(GUESS_SHARE * total)
    for guess, count in sorted(counts.items()):
        if count > bound:
            return guess
    if own_role > role_questions // 4:  # chance, among four options
        return "own"
    return None


def _neighbours(context: QuizContext, role: RoleView, role_facts: list[Fact]) -> list[Fact]:
    """The duties of the other roles in the documents the role applies (its own facts' documents): who does
    what beside it. Asked as "which role", they spread the answers over the roles of the document."""
    documents = {f.document.id for f in role_facts}
    own = {f.key for f in role_facts}
    found: dict[str, Fact] = {}
    for other in context.catalog.roles:
        if other.id == role.id or other.external or not other.trained:
            continue
        for fact in askable(context.catalog, other.id, context.numbers):
            if fact.kind in ("duty", "service") and fact.document.id in documents and fact.key not in own:
                found.setdefault(fact.key, fact)
    return list(found.values())


def _counts(picks: list[_Pick], own: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pick in picks:
        for g in pick.guesses(own):
            counts[g] = counts.get(g, 0) + 1
    return counts


def _greedy(
    context: QuizContext, role: RoleView, queue: list[tuple[Fact, bool]], seed: str, rejected: frozenset[str], size: int
) -> list[_Pick]:
    own = role.link.title
    chosen: list[_Pick] = []
    seen: set[tuple[str, ...]] = set()
    asked: set[str] = set()
    counts: dict[str, int] = {}
    role_questions = 0
    bound = int(GUESS_SHARE * size)
    for fact, neighbour in queue:
        if len(chosen) >= size:
            break
        if fact.key in asked:
            continue
        drafts = context.drafts_of(role, fact)
        if neighbour:  # another role's duty: only who does it
            drafts = [d for d in drafts if d.aspect in ROLE_ASPECTS and d.answer != own]
        # Others' names before one's own: a clause naming two roles asks for the other one first.
        drafts.sort(key=lambda d: (d.aspect in ROLE_ASPECTS and d.answer == own, d.aspect == "document"))
        # A rejected question is not asked again another way: its fill-in, the same blank as a choice, the same
        # answer of the same fact (投诉处理率 100% rejected as a choice is not asked as "应为＿＿＿" either).
        picks = [(draft, context.pick(draft, role.id, seed)) for draft in drafts]  # each worked out once
        refused = {d.blank for d, pick in picks if pick.id in rejected}
        refused_answers = {d.answer for d, pick in picks if pick.id in rejected}
        for draft, pick in picks:
            place = (pick.draft.fact.document.id, pick.draft.aspect, pick.draft.answer, pick.prompt)
            if (
                pick.id in rejected
                or draft.blank in refused
                or draft.answer in refused_answers
                or place in seen
                or context.gives_away(pick, chosen)
            ):
                continue
            guesses = pick.guesses(own)
            role_q = role_questions + (draft.aspect in ROLE_ASPECTS)
            own_q = counts.get("own", 0) + ("own" in guesses)
            if any(counts.get(g, 0) + 1 > bound for g in guesses) or own_q > role_q // 4:
                continue
            if draft.aspect == "document" and counts.get("document", 0) >= MAX_DOCUMENT_QUESTIONS:
                continue
            if draft.aspect == "document":
                counts["document"] = counts.get("document", 0) + 1
            chosen.append(pick)
            seen.add(place)
            asked.add(fact.key)
            role_questions = role_q
            for g in guesses:
                counts[g] = counts.get(g, 0) + 1
            break
    return chosen


def _select(
    context: QuizContext, role: RoleView, role_facts: list[Fact], seed: str, rejected: frozenset[str]
) -> list[_Pick]:
    """At most one question per fact: the role's own facts in hash order, then its colleagues' duties in the
    same documents, then its own facts passed over once more; skipping what a trainer rejected, what would
    give an answer away, and what would make a constant answer right too often."""
    own = role.link.title
    mine = _deal(context.merge(role_facts), role.id, seed)
    others = sorted(
        _neighbours(context, role, role_facts), key=lambda f: (_rank(role.id, f.key, seed, "neighbour"), f.key)
    )
    queue = [
        *((f, False) for f in mine),
        *((f, True) for f in others[: MAX_QUESTIONS // 2]),
        *((f, False) for f in mine),
    ]
    best: list[_Pick] = []
    for size in range(min(MAX_QUESTIONS, len(mine) + len(others)), len(best), -1):
        chosen = _bounded(_greedy(context, role, queue, seed, rejected, size), own)
        if len(chosen) > len(best):  # the largest quiz the bound allows
            best = chosen
        if len(best) >= size - 1:
            break
    return best


def _bounded(chosen: list[_Pick], own: str) -> list[_Pick]:
    """The bound held for the quiz as it came out: questions a constant answer gets right too often dropped."""
    chosen = list(chosen)
    while chosen:
        counts = _counts(chosen, own)
        role_questions = sum(p.draft.aspect in ROLE_ASPECTS for p in chosen)
        over = _too_guessable(
            {g: c for g, c in counts.items() if g != "own"}, counts.get("own", 0), role_questions, len(chosen)
        )
        if over is None:
            break
        del chosen[max(i for i, p in enumerate(chosen) if over in p.guesses(own))]
    return chosen


def _with_fill_ins(chosen: list[_Pick], role_id: str, seed: str) -> list[_Pick]:
    """At least one question in FILL_SHARE is a fill-in (recall, not only recognition): choices of fillable
    aspects become fill-ins, in hash order."""
    wanted = -(-len(chosen) // FILL_SHARE) - sum(not p.choice for p in chosen)
    order = sorted(range(len(chosen)), key=lambda i: _rank(role_id, chosen[i].id, seed, "fill"))
    out = list(chosen)
    for i in order:
        if wanted <= 0:
            break
        pick = out[i]
        if pick.choice and pick.draft.aspect in FILLABLE:
            fill = _Pick(pick.draft, pick.id, False)
            if not _gives_away(fill, [p for j, p in enumerate(out) if j != i]):
                out[i] = fill
                wanted -= 1
    return out


def _positions(picks: list[_Pick], role_id: str, seed: str) -> dict[str, int]:
    """The right option's position (0–3) of each choice, dealt evenly (A, B, C, D in turn) in hash order."""
    choices = sorted((p.id for p in picks if p.choice), key=lambda qid: (_rank(role_id, qid, seed, "position"), qid))
    offset = int(_rank(role_id, seed, "offset"), 16) % len(LETTERS)
    return {qid: (i + offset) % len(LETTERS) for i, qid in enumerate(choices)}


def _question(pick: _Pick, position: int | None) -> Question:
    draft = pick.draft
    fact = draft.fact
    document_id, anchor, _, _ = fact.key.split(":")
    accept = accepted([draft.answer, draft.said, *draft.alike], letters=draft.letters)
    options: tuple[str, ...] = ()
    if pick.choice and position is not None:
        wrong = list(pick.distractors)
        if draft.options is None:
            wrong.sort(key=lambda o: (_rank(pick.id, "option", o), o))
        # An option as long as the answer goes before it: "always the longest" is not "always the answer".
        wrong.sort(key=lambda o: len(o) < len(draft.answer))
        options = (*wrong[:position], draft.answer, *wrong[position:])
    return Question(
        pick.id,
        "choice" if pick.choice else "blank",
        pick.prompt,
        options,
        draft.answer,
        fact.clause,
        document_id,
        fact.anchor,
        fact.key,
        draft.aspect,
        draft.said or draft.answer,
        accept,
        draft.letters,
    )


def _build(context: QuizContext, role: RoleView, role_facts: list[Fact], seed: str, review: QuizReview) -> Quiz:
    chosen = _with_fill_ins(_select(context, role, role_facts, seed, review.rejected), role.id, seed)
    positions = _positions(chosen, role.id, seed)
    return Quiz(role, tuple(_question(p, positions.get(p.id)) for p in chosen))


def askable(catalog: Catalog, role_id: str, numbers: FactNumbers | None = None) -> list[Fact]:
    """The facts a role's quiz may ask about: the one place questions take their facts from (where a filter
    such as "approved facts only" belongs)."""
    return facts(catalog, role_id, numbers)


def build_quiz(catalog: Catalog, role_id: str, *, seed: str = "", review: QuizReview | None = None) -> Quiz:
    """The quiz of one role: at most one question per fact, up to 20. A different ``seed`` gives another
    order and other distractors; the same seed, the same quiz."""
    context = QuizContext(catalog)
    return _build(
        context, catalog.role(role_id), askable(catalog, role_id, context.numbers), seed, review or QuizReview()
    )


def build_quizzes(
    catalog: Catalog, *, seed: str = "", review: QuizReview | None = None, context: QuizContext | None = None
) -> dict[str, Quiz]:
    """A quiz for every staff role (those given a training pack) with at least three facts, in catalog order."""
    context = QuizContext(catalog) if context is None else context
    quizzes = {}
    for role in catalog.roles:
        if role.trained:
            found = askable(catalog, role.id, context.numbers)
            if len(found) >= MIN_FACTS:
                quiz = _build(context, role, found, seed, review or QuizReview())
                if len(quiz.questions) >= MIN_QUESTIONS:
                    quizzes[role.id] = quiz
    return quizzes


def question_ids(catalog: Catalog, context: QuizContext | None = None) -> set[str]:
    """The id of every question the manual can ask any role (asked or not): what a review entry may name."""
    context = QuizContext(catalog) if context is None else context
    found: set[str] = set()
    for role in catalog.roles:
        if role.trained:
            mine = askable(catalog, role.id, context.numbers)
            for fact in [*context.merge(mine), *_neighbours(context, role, mine)]:
                found |= {question_id(d.fact, d.aspect, d.answer) for d in context.drafts(role, fact)}
    return found
