"""The Manual: the catalog and everything derived above it, each worked out once, on first use.

``procgen check`` builds the catalog (catalog/) from the checked definitions and hands it over as a
Manual with what the views above the catalog read from: the definitions themselves (an earlier
version of a document is laid out among them), the git history, the company's search vocabulary and
the trainer's review of the quizzes. The site and the PDFs read the versions, the quizzes, the
training matrix, retraining and the calendars from here; what neither needs (the check, a preview's
reload) is never computed. Typed attributes, not a cache keyed by strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from generator.catalog.build import Definitions
from generator.catalog.recurrence import CalendarEntry, RoleCalendar, calendar_entries, company_calendar, role_calendars
from generator.catalog.views import Catalog
from generator.control.history import History
from generator.control.versions import VersionView, document_versions, previous_catalogs
from generator.model.review import QuizReview
from generator.model.vocabulary import VocabularyFile
from generator.text.words import NO_CUTS, Cuts
from generator.training.facts import TrainingMatrix, training_matrix
from generator.training.quiz import Quiz, QuizContext, build_quizzes
from generator.training.retraining import Retrain, previous_facts, retraining_after_changes


@dataclass(eq=False)
class Manual:
    catalog: Catalog
    definitions: Definitions | None = None
    """What the catalog was built from (None for a catalog made without the check, in tests)."""
    history: History | None = None
    """The git history the versions are read from (None outside git)."""
    vocabulary: VocabularyFile = field(default_factory=VocabularyFile)
    """procedures/vocabulary.yml, validated (empty when the repository has none)."""
    review: QuizReview = field(default_factory=QuizReview)
    """training/quiz-review.yml, validated: the trainer's rejected and reworded questions."""
    cuts: Cuts = NO_CUTS
    """The texts' cuts into words kept on disk (``.cache/words/``; text/words.py): the quizzes read them
    back instead of loading jieba's dictionary, and save what they cut anew."""

    @cached_property
    def versions(self) -> dict[str, list[VersionView]]:
        """Each document's versions, newest first (control/versions.py): the site and the PDFs need them."""
        return document_versions(self.definitions, self.catalog, self.history)

    @cached_property
    def changes(self) -> list[VersionView]:
        """Every version of every document, newest first: the /changes/ page."""
        every = [v for versions in self.versions.values() for v in versions]
        return sorted(every, key=lambda v: (v.effective, v.since.index if v.since else 1 << 62, v.code), reverse=True)

    @cached_property
    def withdrawn(self) -> list[VersionView]:
        """The register of withdrawn documents (ISO 9001 7.5.3: obsolete documents stay identified): the
        last version of each document whose file was removed from the branch, newest removal first."""
        last = [versions[0] for versions in self.versions.values() if versions and versions[0].withdrawn is not None]
        return sorted(last, key=lambda v: (v.withdrawn.index if v.withdrawn else 0, v.code), reverse=True)

    @cached_property
    def retraining(self) -> list[Retrain]:
        """Who must be trained again after each document's last version change. Reuses the versions when
        the site has worked them out; else only each document's previous version is laid out."""
        known = self.__dict__.get("versions")
        if known is not None:  # the site has laid out every version: their catalogs are compared
            return retraining_after_changes(
                self.catalog, previous_catalogs(self.catalog, self.definitions, self.history, known)
            )
        return retraining_after_changes(self.catalog, previous_facts(self.catalog, self.definitions, self.history))

    @cached_property
    def quiz_context(self) -> QuizContext:
        """What every quiz draws on (role names, word boundaries, distractor values), made once."""
        return QuizContext(self.catalog, self.cuts)

    @cached_property
    def quizzes(self) -> dict[str, Quiz]:
        """A quiz per staff role with enough approved facts, the trainer's review applied."""
        quizzes = build_quizzes(self.catalog, review=self.review, context=self.quiz_context)
        self.cuts.save()  # the texts cut anew, kept for the next run
        return quizzes

    @cached_property
    def training_matrix(self) -> TrainingMatrix:
        return training_matrix(self.catalog)

    @cached_property
    def calendar_entries(self) -> list[CalendarEntry]:
        return calendar_entries(self.catalog)

    @cached_property
    def role_calendars(self) -> dict[str, RoleCalendar]:
        return role_calendars(self.catalog, self.calendar_entries)

    @cached_property
    def company_calendar(self) -> RoleCalendar:
        return company_calendar(self.catalog, self.calendar_entries)
