"""What a bilan holds: frozen dataclasses that the page and every export render as they are."""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from bilan.selectors.period import Period
from budget.terms import TERMS
from plans.models import SharedIndicator
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
    shared: str = ""  # the name of the shared indicator it counts towards (issue 21), if any

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
    # concertation as a contribution (issue 21, part 3): partner staff's hours and their valued time (in kind, not
    # money), the support paid to help citizens take part (money of the alliance's own, not of the envelope)
    staff_hours: Decimal = Decimal("0.00")
    valued_time: Decimal = Decimal("0.00")
    support: Decimal = Decimal("0.00")
    support_people: int = 0


@dataclass(frozen=True)
class ThemeContribution:
    """Partner staff's hours at the meetings of a theme's spaces, their valued time, and the support paid in those
    spaces (a space working on several themes counts in each: the lines do not add up to the total)."""

    pk: int
    name: str
    staff_hours: Decimal
    valued_time: Decimal
    support: Decimal


@dataclass(frozen=True)
class AvoidedTally:
    """Meetings avoided in the period (principle 3) for one theme or one organisation spared: how many, and the
    person-minutes they saved (a theme's: invitees × planned duration; an organisation's: the planned durations)."""

    pk: int
    name: str
    meetings: int
    person_minutes: int

    @property
    def person_hours(self) -> Decimal:
        return hours_of(self.person_minutes)


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours, to the tenth."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


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


# Results-Based Accountability's three questions, in their order
RBA_ORDER = tuple(SharedIndicator.Category.values)


@dataclass(frozen=True)
class SharedLine:
    """A shared indicator of a theme in the bilan (issue 21): its definition, the sum of the latest values up to the
    end of the period of the bilan's projects' indicators linked to it and, for a population indicator, its latest
    measure up to then; its progress from the baseline to the target (`percent`: % of the way, negative when it went
    the wrong way, beyond 100 when the target is passed)."""

    pk: int
    theme_pk: int
    theme: str
    name: str
    unit: str
    source: str
    kind: str
    category: str
    direction: str
    is_active: bool
    baseline: Decimal | None
    baseline_on: datetime.date | None
    target: Decimal | None
    target_on: datetime.date | None
    linked: int = 0  # the bilan's projects' indicators linked to it
    with_value: int = 0  # those of them with a value up to the end of the period
    projects: int = 0  # distinct projects linked
    projects_value: Decimal | None = None  # Σ of their latest values (None: no value yet)
    measured: Decimal | None = None  # a population indicator's latest measure up to the end of the period
    measured_on: datetime.date | None = None

    def get_kind_label(self) -> str:
        return str(SharedIndicator.Kind(self.kind).label) if self.kind in SharedIndicator.Kind.values else self.kind

    @property
    def is_population(self) -> bool:
        return self.kind == "population"

    @property
    def current(self) -> Decimal | None:
        """Where it stands at the end of the period: a population indicator's latest measure, else its projects' sum."""
        return self.measured if self.is_population else self.projects_value

    @property
    def percent(self) -> int | None:
        """% of the way from the baseline (0 without one, for a count of what projects did) to the target."""
        start = self.baseline if self.baseline is not None else (None if self.is_population else Decimal("0"))
        if self.target is None or self.current is None or start is None or self.target == start:
            return None
        share = (self.current - start) / (self.target - start) * 100
        return int(share.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


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
    # Concertation as a contribution (issue 21, part 3), read with the meetings: never added to a cash total
    staff_hours: Decimal = Decimal("0.00")
    valued_time: Decimal = Decimal("0.00")
    support_total: Decimal = Decimal("0.00")
    contribution_by_theme: tuple[ThemeContribution, ...] = ()
    # The shared indicators of the plan's themes (issue 21, part 1), read with the tallies
    shared: tuple[SharedLine, ...] = ()

    def shared_by_category(self) -> list[tuple[str, str, tuple[SharedLine, ...]]]:
        """The shared indicators grouped as Results-Based Accountability does: (category, its question, lines),
        the questions in their order, those without a line left out."""
        labels = dict(SharedIndicator.Category.choices)
        return [
            (category, str(labels[category]), lines)
            for category in RBA_ORDER
            if (lines := tuple(line for line in self.shown_shared() if line.category == category))
        ]

    def shown_shared(self) -> tuple[SharedLine, ...]:
        """The shared indicators this bilan shows: every one for who reads the figures; a partner's bilan (its own
        projects) those its projects' indicators link to."""
        return tuple(line for line in self.shared if line.linked) if self.partial else self.shared

    @property
    def shared_count(self) -> int:
        return len(self.shown_shared())

    # Meetings avoided (issue 21, part 2), read with the meetings held: in all, per theme, per organisation spared
    meetings_avoided: int = 0
    avoided_minutes: int = 0
    avoided_by_theme: tuple[AvoidedTally, ...] = ()
    avoided_by_organisation: tuple[AvoidedTally, ...] = ()

    @property
    def person_hours_avoided(self) -> Decimal:
        return hours_of(self.avoided_minutes)

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
            (_("Rencontres évitées"), self.meetings_avoided, "number"),
            (_("Heures-personnes épargnées (rencontres évitées)"), self.person_hours_avoided, "decimal"),
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
        if not self.partial:  # who reads the figures: the valued time and the support, apart from the cash
            rows += [
                (_("Heures du personnel des partenaires aux rencontres"), self.staff_hours, "decimal"),
                (str(TERMS["valued_time"].label), self.valued_time, "money"),
            ]
            rows += [
                (f"{TERMS['valued_time'].label} — {line.name}", line.valued_time, "money")
                for line in self.contribution_by_theme
            ]
            rows.append((str(TERMS["participation_support"].label), self.support_total, "money"))
        return rows
