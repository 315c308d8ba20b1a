"""What a bilan holds: frozen dataclasses that the page and every export render as they are."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from bilan.selectors.period import Period
from budget.terms import TERMS
from sustainability.selectors import Durability


@dataclass(frozen=True)
class ResolutionRef:
    """A board resolution behind a project's money: its number and the day the board decided."""

    number: str
    decided_on: datetime.date


def resolutions_text(resolutions) -> str:
    """The resolutions as one cell of an export: « CA-2014-04-15 (2014-04-15); … »."""
    return "; ".join(f"{r.number} ({r.decided_on.isoformat()})" for r in resolutions)


@dataclass(frozen=True)
class Tally:
    """A labelled count (projects by status, by theme)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class MoneyLine:
    """One line of the money tables. `envelope` and `left` only for sources."""

    key: str
    label: str
    committed: Decimal
    disbursed: Decimal
    envelope: Decimal | None = None
    left: Decimal | None = None


@dataclass(frozen=True)
class IndicatorLine:
    pk: int
    name: str
    unit: str
    target: Decimal | None
    value: Decimal | None  # latest value on or before the end of the period
    measured_on: datetime.date | None

    @property
    def on_track(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


@dataclass(frozen=True)
class Highlight:
    project_pk: int
    project_title: str
    period_start: datetime.date
    period_end: datetime.date
    text: str


@dataclass(frozen=True)
class ProjectLine:
    pk: int
    title: str
    lead: str
    partners: tuple[str, ...]
    status: str
    status_label: str
    theme: str
    space: str
    percent_done: int | None
    people_reached: int | None
    citizens_reached: int | None
    committed: Decimal
    disbursed: Decimal
    indicators: tuple[IndicatorLine, ...]
    highlights: tuple[Highlight, ...]
    resolutions: tuple[ResolutionRef, ...] = ()  # the board's decisions behind its commitments of the period

    @property
    def on_track(self) -> bool | None:
        verdicts = [i.on_track for i in self.indicators if i.target is not None]
        if not verdicts:
            return None
        return all(v is True for v in verdicts)


@dataclass(frozen=True)
class SpaceMeetings:
    """Meetings held in the period in one concertation space."""

    pk: int
    name: str
    meetings: int
    present: int  # attendance rows marked present (people, citizens, organisations)
    citizen_attendances: int
    citizens: int  # distinct citizens present


@dataclass(frozen=True)
class UnitTotal:
    unit: str
    value: Decimal
    target: Decimal
    indicators: int


@dataclass(frozen=True)
class Rollup:
    """Indicators of the projects of one space (or theme): sums per shared unit; otherwise the
    count of projects on track."""

    level: str  # "space" or "theme"
    name: str
    units: tuple[UnitTotal, ...]
    projects: int  # projects with at least one indicator with a target
    on_track: int


@dataclass(frozen=True)
class Filters:
    theme: str = ""
    space: str = ""
    organisation: str = ""
    status: str = ""

    @property
    def any(self) -> bool:
        return bool(self.theme or self.space or self.organisation or self.status)


@dataclass(frozen=True)
class Reconciliation:
    """How the bilan's two « Engagé » add up: the committed by decision date (`total`) is the sum of its parts by
    the plan year each commitment funds (`parts`: (label, amount), the years of the plan with money, in order),
    plus what funds a year of another plan (`elsewhere`: a commitment carried from or into another plan)."""

    total: Decimal
    parts: tuple[tuple[str, Decimal], ...]
    elsewhere: Decimal

    @property
    def adds_up(self) -> bool:
        return sum((amount for _label, amount in self.parts), self.elsewhere) == self.total


@dataclass(frozen=True)
class Bilan:
    plan_title: str
    alliance: str
    period: Period
    filters: Filters
    partial: bool  # a partner's bilan: only its organisations' projects
    generated_at: datetime.datetime
    # Headline figures
    projects_by_status: tuple[Tally, ...]
    projects_by_theme: tuple[Tally, ...]
    lead_organisations: int
    partner_organisations: int
    partners_per_project: Decimal
    meetings_held: int
    attendances: int
    citizen_attendances: int
    citizens: int
    citizens_reached: int
    people_reached: int
    # Money
    envelope: Decimal
    committed: Decimal
    disbursed: Decimal
    left: Decimal
    by_source: tuple[MoneyLine, ...]
    by_theme: tuple[MoneyLine, ...]
    by_year: tuple[MoneyLine, ...]
    # Projects (one page of them), meetings, indicators
    project_count: int
    projects: tuple[ProjectLine, ...]  # the lines of page `page` only (none for an export); every line: `lines()`
    meetings: tuple[SpaceMeetings, ...]
    space_rollups: tuple[Rollup, ...]
    theme_rollups: tuple[Rollup, ...]
    highlights: tuple[Highlight, ...] = field(default=())  # the latest HIGHLIGHTS_SHOWN; every one: `lines()`
    highlight_count: int = 0
    page: int = 1
    pages: int = 1
    per_page: int = 50
    lines_of: Callable[[], Iterator[ProjectLine]] | None = field(default=None, compare=False, repr=False)
    # « Durabilité »: the follow-ups after funding due in the period (issue 20, part 6), read with the tallies
    durability: Durability | None = None

    def lines(self) -> Iterator[ProjectLine]:
        """Every project line of the bilan, read again from the database a chunk at a time (exports)."""
        return self.lines_of() if self.lines_of is not None else iter(self.projects)

    def all_highlights(self) -> Iterator[Highlight]:
        """Every highlight of the period, latest first (read again with the lines)."""
        return iter(
            sorted(
                (h for line in self.lines() for h in line.highlights),
                key=lambda h: (h.period_end, h.project_title),
                reverse=True,
            )
        )

    def reconciliation(self) -> Reconciliation:
        """The committed by decision date split by plan year (budget.terms: « Engagé (par date de décision) » and
        « Engagé (par année du plan) »): the lines of `by_year` with money, and the rest, funding another plan's
        year. Both come from the same commitments (decided in the period, less their reductions), so the parts add
        up to the cent."""
        parts = tuple((line.label, line.committed) for line in self.by_year if line.committed)
        return Reconciliation(
            total=self.committed,
            parts=parts,
            elsewhere=self.committed - sum((amount for _label, amount in parts), Decimal("0.00")),
        )

    def summary_rows(self) -> list[tuple[str, object, str]]:
        """The headline figures as (label, value, kind) rows: kind is "money", "number" or "text"."""
        rows = [
            (_("Période"), self.period.label, "text"),
            (_("Du"), self.period.start, "date"),
            (_("Au"), self.period.end, "date"),
            (_("Projets"), self.project_count, "number"),
        ]
        rows += [(_("Projets — %(status)s") % {"status": c.label}, c.count, "number") for c in self.projects_by_status]
        rows += [
            (_("Projets — enjeu : %(theme)s") % {"theme": c.label}, c.count, "number") for c in self.projects_by_theme
        ]
        rows += [
            (_("Organisations porteuses"), self.lead_organisations, "number"),
            (_("Organisations partenaires (confirmées)"), self.partner_organisations, "number"),
            (_("Partenaires confirmés par projet (moyenne)"), self.partners_per_project, "decimal"),
            (_("Rencontres tenues"), self.meetings_held, "number"),
            (_("Présences aux rencontres"), self.attendances, "number"),
            (_("Présences de citoyens et citoyennes"), self.citizen_attendances, "number"),
            (_("Citoyens et citoyennes distincts aux rencontres"), self.citizens, "number"),
            (_("Personnes rejointes par les projets"), self.people_reached, "number"),
            (_("Citoyens et citoyennes rejoints par les projets"), self.citizens_reached, "number"),
            (str(TERMS["envelope"].label), self.envelope, "money"),
            (str(TERMS["committed"].label), self.committed, "money"),
        ]
        rows += [  # the committed by plan year, which adds up to the line above (the reconciliation)
            (f"{TERMS['committed_by_year'].label} — {label}", amount, "money")
            for label, amount in self.reconciliation().parts
        ]
        rows += [
            (str(TERMS["disbursed"].label), self.disbursed, "money"),
            (str(TERMS["left"].label), self.left, "money"),
        ]
        return rows
