"""Synthetic volume for measuring the portal: other alliances of Quebec, reproducible from a seed.

`generate_volume(scale=N, seed=2013)` adds N alliances (N rounded, at least one; a fractional scale
gives one smaller alliance). Each is a real alliance: its coordinator's account (`coordination-<slug>`, an
AllianceRole COORDINATION), its organisations and their people, citizens, a current plan (six themes, three plan
years, two funding sources, concertation spaces and their meetings, action projects and their reports,
commitments and payments, the agreements' report deadlines and the payments still planned) and the closed plan
before it (four themes, two sources, finished projects, their
reports and money, no spaces). One regional funder's account (`REGIONAL_FUNDER_USERNAME`, a member of
`REGIONAL_FUNDER_NAME`, listed among every generated alliance's funders) holds the FUNDER role in all of them.
The current plan at scale 1 is about ASIS's size; the counts per unit are in `PER_UNIT` (current plan) and
`PAST_PER_UNIT` (closed plan), and every total is exact: `expected_counts(scale)`.

Rows are written with `bulk_create`, one alliance at a time. `save()` does not run, so what it would
compute is computed here (a meeting's duration) and the running totals (a source's committed and paid
money, a commitment's paid money, a deadline's `filed` flag) are summed in Python from the rows written with them:
`check_budget` passes afterwards. The deadlines and planned payments follow from the projects, reports and money
drawn (no draw of their own: the rest of a seed's data is the same with them): each report of a project under
agreement answers a deadline a month after its period; a project still running awaits its next report four months
after its last one, and a finished one its final report two months after its end (past due when `today` is later:
the coordinators' late reports); what a running project's first commitment has not paid yet is planned as one
payment, waiting for that next report (its other commitments are paid outside a schedule). Each generated alliance's current plan starts on the same day as the instance's current plan,
its closed plan three years before; the alliances are created after the instance's, so
`Plan.objects.current()` (the first alliance's current plan) does not change. The closed plan is written
closed (status CLOSED), with no frozen bilan: the volume measures reads, not the closing of plans.

`generate_volume(scale=N, into_current=True)` grows the CURRENT plan instead: one very large alliance
(N times ASIS's organisations, citizens, spaces, meetings, projects, reports and money) in the current
plan's themes and years, with one generated funding source sized so that nothing is over-committed. The
pages that read the current plan only (home, theme, envelope, bilan and its exports) then have N times
the rows. Its rows are recognised by their funding source's code (`vol-…`) and their `vol…` users.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from alliances.models import Alliance, AllianceRole
from alliances.services import alliance_role_grant
from budget.figures_check import figures_rewrite
from budget.models import Agreement, Commitment, Disbursement, FundingSource, PlannedPayment
from chantiers.models import (
    Attendance,
    Decision,
    FollowUp,
    Invitation,
    Meeting,
    Space,
    SpaceCitizen,
    SpaceMembership,
)
from organisations.models import Citizen, Membership, Organisation, User
from plans.models import Objective, Plan, PlanYear, Theme
from projects.models import (
    ActionProject,
    BoardDecision,
    Indicator,
    IndicatorValue,
    OtherFunding,
    ProgressReport,
    ProjectPartner,
    ProjectStatus,
    ProjectStatusChange,
    ProjectYearAmount,
    ReportDeadline,
    Resolution,
)

CENT = Decimal("0.01")
BATCH = 2000
ACRONYM_PREFIX = "VOL-"  # generated plans are recognised by their alliance's acronym (`VOL-001`…)
SOURCE_PREFIX = "vol-"  # the funding source of a volume grown into the current plan (`vol-001`…)

# Rows per unit of scale. Scale 1 is an alliance the size of ASIS (about 40 organisations, 60 citizens,
# 10 spaces); its 200 projects are every record over three years, intentions and refusals included.
PER_UNIT = {
    "organisations": 40,
    "citizens": 60,
    "spaces": 10,
    "projects": 200,
    "reports": 600,
    "meetings": 200,
    "attendances": 2000,
    "commitments": 300,
    "disbursements": 600,
}
# The least an alliance needs to have a coordinating body, a lead and a partner, a space and a meeting.
MINIMUM = {"organisations": 3, "citizens": 1, "spaces": 1, "projects": 1, "meetings": 1}
# Rows per unit of scale of each alliance's closed plan: a quarter of the current plan's projects, all finished.
PAST_PER_UNIT = {"projects": 50, "reports": 100, "commitments": 75, "disbursements": 150}
PAST_MINIMUM = {"projects": 1}
PAST_THEMES = 4  # the first four of THEMES
REGIONAL_FUNDER_USERNAME = "region-volume"
REGIONAL_FUNDER_NAME = "Direction régionale du FQIS (volume généré)"

S = ProjectStatus
# Share of each status among an alliance's projects (the review process as these alliances ran it).
STATUS_WEIGHTS = [
    (S.INTENTION, 10),
    (S.DRAFT, 15),
    (S.SUBMITTED, 10),
    (S.UNDER_ANALYSIS, 10),
    (S.RECOMMENDED, 5),
    (S.ACCEPTED, 10),
    (S.REFUSED, 15),
    (S.AGREEMENT_SIGNED, 10),
    (S.IN_PROGRESS, 45),
    (S.COMPLETED, 30),
    (S.FINAL_REPORT, 30),
    (S.WITHDRAWN, 10),
]
# The statuses a project went through to reach its own.
PATHS = {
    S.INTENTION: [S.INTENTION],
    S.DRAFT: [S.DRAFT],
    S.SUBMITTED: [S.DRAFT, S.SUBMITTED],
    S.UNDER_ANALYSIS: [S.DRAFT, S.SUBMITTED, S.UNDER_ANALYSIS],
    S.RECOMMENDED: [S.DRAFT, S.SUBMITTED, S.UNDER_ANALYSIS, S.RECOMMENDED],
    S.ACCEPTED: [S.DRAFT, S.SUBMITTED, S.UNDER_ANALYSIS, S.RECOMMENDED, S.ACCEPTED],
    S.REFUSED: [S.DRAFT, S.SUBMITTED, S.UNDER_ANALYSIS, S.REFUSED],
    S.AGREEMENT_SIGNED: [S.DRAFT, S.SUBMITTED, S.UNDER_ANALYSIS, S.RECOMMENDED, S.ACCEPTED, S.AGREEMENT_SIGNED],
    S.IN_PROGRESS: [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_ANALYSIS,
        S.RECOMMENDED,
        S.ACCEPTED,
        S.AGREEMENT_SIGNED,
        S.IN_PROGRESS,
    ],
    S.COMPLETED: [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_ANALYSIS,
        S.RECOMMENDED,
        S.ACCEPTED,
        S.AGREEMENT_SIGNED,
        S.IN_PROGRESS,
        S.COMPLETED,
    ],
    S.FINAL_REPORT: [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_ANALYSIS,
        S.RECOMMENDED,
        S.ACCEPTED,
        S.AGREEMENT_SIGNED,
        S.IN_PROGRESS,
        S.COMPLETED,
        S.FINAL_REPORT,
    ],
    S.WITHDRAWN: [S.DRAFT, S.SUBMITTED, S.WITHDRAWN],
}
# A closed plan's projects are finished: reported on, refused or withdrawn (the rest: FINAL_REPORT).
PAST_STATUS_WEIGHTS = [(S.FINAL_REPORT, 50), (S.COMPLETED, 20), (S.REFUSED, 20), (S.WITHDRAWN, 10)]
FUNDED = (S.ACCEPTED, S.AGREEMENT_SIGNED, S.IN_PROGRESS, S.COMPLETED, S.FINAL_REPORT)
PAID = (S.AGREEMENT_SIGNED, S.IN_PROGRESS, S.COMPLETED, S.FINAL_REPORT)
REPORTING = (S.IN_PROGRESS, S.COMPLETED, S.FINAL_REPORT)

CITIES = [
    "Amos",
    "Val-d'Or",
    "La Sarre",
    "Ville-Marie",
    "Témiscaming",
    "Senneterre",
    "Malartic",
    "Macamic",
    "Rimouski",
    "Matane",
    "Amqui",
    "Gaspé",
    "Sept-Îles",
    "Baie-Comeau",
    "Saguenay",
    "Alma",
    "Roberval",
    "Dolbeau-Mistassini",
    "Trois-Rivières",
    "Shawinigan",
    "La Tuque",
    "Sherbrooke",
    "Magog",
    "Granby",
    "Drummondville",
    "Victoriaville",
    "Thetford Mines",
    "Saint-Georges",
    "Lévis",
    "Montmagny",
    "Rivière-du-Loup",
    "Joliette",
    "Terrebonne",
    "Saint-Jérôme",
    "Mont-Laurier",
    "Gatineau",
    "Maniwaki",
    "Laval",
    "Longueuil",
    "Saint-Hyacinthe",
    "Sorel-Tracy",
    "Valleyfield",
    "Chibougamau",
    "Îles-de-la-Madeleine",
    "Kuujjuaq",
]
ORG_KINDS = [
    ("Maison de la famille", Organisation.Kind.COMMUNITY, "Famille"),
    ("Centre d'action bénévole", Organisation.Kind.COMMUNITY, "Bénévolat"),
    ("Carrefour jeunesse-emploi", Organisation.Kind.COMMUNITY, "Emploi"),
    ("Office municipal d'habitation", Organisation.Kind.PUBLIC, "Logement"),
    ("CISSS, point de service", Organisation.Kind.PUBLIC, "Santé et services sociaux"),
    ("Comptoir alimentaire", Organisation.Kind.COMMUNITY, "Sécurité alimentaire"),
    ("Association des aînés", Organisation.Kind.CITIZENS, "Vieillissement"),
    ("Service d'entraide", Organisation.Kind.COMMUNITY, "Entraide"),
    ("Municipalité, service des loisirs", Organisation.Kind.MUNICIPAL, "Loisirs"),
    ("Coopérative de solidarité", Organisation.Kind.PRIVATE, "Économie sociale"),
    ("Centre de la petite enfance", Organisation.Kind.COMMUNITY, "Petite enfance"),
    ("Comité logement", Organisation.Kind.CITIZENS, "Logement"),
]
THEMES = [
    "Bénévolat et entraide",
    "Emploi, main-d'œuvre et insertion socioprofessionnelle",
    "Logement et habitation",
    "Pauvreté et défavorisation",
    "Petite enfance et famille",
    "Vieillissement de la population",
]
SPACE_KINDS = [
    ("Chantier", Space.Kind.CHANTIER),
    ("Comité", Space.Kind.COMMITTEE),
    ("Table", Space.Kind.TABLE),
]
PROJECT_WORDS = [
    "Cuisines collectives",
    "Jardins communautaires",
    "Accompagnement vers l'emploi",
    "Répit aux familles",
    "Transport solidaire",
    "Halte-garderie",
    "Popote roulante",
    "Logement de transition",
    "Friperie-école",
    "Ateliers d'éveil à la lecture",
    "Visites d'amitié aux aînés",
    "Clinique d'impôts",
    "Épicerie solidaire",
    "Parrainage de nouveaux arrivants",
    "Groupe d'achats",
    "Soutien aux proches aidants",
]
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Sylvie",
    "Luc",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Michel",
    "Julie",
    "André",
    "Chantal",
    "Daniel",
    "Mélanie",
    "Stéphane",
    "Geneviève",
    "Martin",
    "Josée",
    "Éric",
    "Annie",
    "Yves",
]
LAST_NAMES = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
]


def expected_counts(scale: float, *, into_current: bool = False) -> dict[str, int]:
    """The exact number of rows of each kind `generate_volume(scale)` adds (both plans of every alliance)."""
    alliances = 1 if into_current else alliance_count(scale)
    counts = _plan_counts(scale, alliances, PER_UNIT, MINIMUM)
    if not into_current:
        for key, value in _plan_counts(scale, alliances, PAST_PER_UNIT, PAST_MINIMUM).items():
            counts[key] += value
    counts["alliances"] = alliances
    return counts


def _plan_counts(scale: float, alliances: int, per_unit: dict, minimum: dict) -> dict[str, int]:
    return {key: max(round(value * scale), minimum.get(key, 0) * alliances) for key, value in per_unit.items()}


def alliance_count(scale: float) -> int:
    return max(1, round(scale))


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _spread(rng: random.Random, total: int, buckets: int) -> list[int]:
    """`total` items over `buckets`, as even as possible, the remainder on random buckets."""
    if buckets == 0:
        return []
    counts = [total // buckets] * buckets
    for index in rng.sample(range(buckets), total % buckets):
        counts[index] += 1
    return counts


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (no primary key back) in multi-row INSERTs: for the largest link tables,
    where building a model instance per row would cost most of the time. `columns` are attnames."""
    if not rows:
        return
    fields = [model._meta.get_field(column) for column in columns]
    convert = [
        (index, column)
        for index, column in enumerate(fields)
        if isinstance(column, (models.DateField, models.DecimalField))  # DateTimeField is a DateField
    ]
    table, quote = model._meta.db_table, connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, 900 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params = []
            for row in chunk:
                row = list(row)
                for index, column in convert:
                    row[index] = column.get_db_prep_save(row[index], connection)
                params += row
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


def _statistics_now() -> None:
    """PostgreSQL's statistics of the tables just filled, before the kept figures are summed from them: without
    them it takes the new rows for a few and reads each indicator's values by scanning them all (minutes at scale
    100 instead of seconds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _aware(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class VolumeAlreadyGenerated(Exception):
    pass


@dataclass
class Generation:
    """What one generated alliance needs to keep between its steps."""

    number: int
    rng: random.Random
    counts: dict
    today: datetime.date
    city: str = ""
    plan: Plan | None = None
    years: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    objectives: dict = field(default_factory=dict)
    orgs: list = field(default_factory=list)
    users: dict = field(default_factory=dict)  # organisation pk -> user
    citizens: list = field(default_factory=list)
    spaces: list = field(default_factory=list)
    space_orgs: dict = field(default_factory=dict)
    space_citizens: dict = field(default_factory=dict)
    # Funding sources to create: (code, name, funder); commitments are drawn 80 % / 20 % when there are two.
    sources: list = field(default_factory=list)
    title_suffix: str = ""  # after each project's title: a closed plan's projects are told from the current ones


def generated_alliances():
    return Alliance.objects.filter(acronym__startswith=ACRONYM_PREFIX)


def generated_plans():
    """Every plan of the generated alliances: a closed one and a current one each."""
    return Plan.objects.filter(alliance__acronym__startswith=ACRONYM_PREFIX)


def generated_sources():
    """The funding sources of volumes grown into the current plan."""
    from budget.models import FundingSource

    return FundingSource.objects.filter(code__startswith=SOURCE_PREFIX)


@transaction.atomic
def generate_volume(
    *,
    scale: float,
    seed: int = 2013,
    today: datetime.date | None = None,
    force: bool = False,
    log=None,
    into_current: bool = False,
) -> dict[str, int]:
    """Add `alliance_count(scale)` synthetic alliances. Refuses a second run unless `force`
    (the next run numbers its alliances after the existing ones, so names stay unique).

    Meetings fall in the 12 months before `today` and the 2 months after it (as the demo's do), so the
    pages that count recent or upcoming meetings have some: the same seed and the same `today` give the
    same data."""
    today = today or timezone.localdate()
    if scale <= 0:
        raise ValueError("scale must be positive")
    current = Plan.objects.current()
    if current is None:
        raise VolumeAlreadyGenerated(
            "Aucun plan : chargez d'abord les données de référence (python manage.py load_asis)."
        )
    if into_current:
        grown = _grow_current(current, scale=scale, seed=seed, today=today, force=force)
        _statistics_now()
        figures_rewrite()  # the rows were bulk-created: the plan's kept totals are summed from them once
        return grown
    already = generated_alliances().count()
    if already and not force:
        raise VolumeAlreadyGenerated(
            f"Cette base contient déjà {already} alliance(s) générée(s) : relancez avec --force pour en ajouter d'autres."
        )
    alliances = alliance_count(scale)
    counts = _plan_counts(scale, alliances, PER_UNIT, MINIMUM)
    past_counts = _plan_counts(scale, alliances, PAST_PER_UNIT, PAST_MINIMUM)
    # Every generated alliance's current plan starts with the instance's current plan, and the alliance is created
    # after the instance's: the instance's current plan stays the first alliance's.
    start = current.start_date
    coordinator = current.alliance.coordinating_organisation
    funder_organisation, funder = _regional_funder()
    totals = dict.fromkeys(PER_UNIT, 0)
    for index in range(alliances):
        number = already + index + 1
        share = {key: _share(counts[key], alliances, index) for key in PER_UNIT}
        alliance = Generation(number=number, rng=random.Random(seed * 1_000_003 + number), counts=share, today=today)
        made = _generate_alliance(alliance, start=start, mandator=coordinator)
        # The closed plan draws from its own generator, so the current plan's rows stay those of a given seed.
        past = Generation(
            number=number,
            rng=random.Random(f"{seed}:{number}:past"),
            counts={key: _share(past_counts[key], alliances, index) for key in PAST_PER_UNIT},
            today=today,
        )
        for key, value in _generate_past_plan(past, alliance, start=start).items():
            made[key] += value
        _grant_roles(alliance, past.rng, funder_organisation=funder_organisation, funder=funder)
        for key, value in made.items():
            totals[key] = totals.get(key, 0) + value
        if log:
            log(f"alliance {index + 1}/{alliances}")
    _statistics_now()
    figures_rewrite()  # the rows were bulk-created: the plans' kept totals are summed from them once
    return totals


def _regional_funder() -> tuple[Organisation, User]:
    """The regional funder's organisation and account, created once (a run with --force funds its alliances too)."""
    organisation, _created = Organisation.objects.get_or_create(
        name=REGIONAL_FUNDER_NAME,
        defaults={
            "kind": Organisation.Kind.PUBLIC,
            "sector": "Financement public",
            "city": "Rouyn-Noranda",
            "status": Organisation.Status.APPROVED,
        },
    )
    user, _created = User.objects.get_or_create(
        username=REGIONAL_FUNDER_USERNAME,
        defaults={
            "password": "!",  # unusable, as every generated account's
            "first_name": "Bailleur",
            "last_name": "régional",
            "email": f"{REGIONAL_FUNDER_USERNAME}@example.org",
        },
    )
    Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": Membership.Role.MEMBER, "joined_on": datetime.date(2013, 4, 1)},
    )
    return organisation, user


def _grant_roles(a: Generation, rng: random.Random, *, funder_organisation: Organisation, funder: User) -> None:
    """The alliance's coordinator (a responsable of its coordinating organisation) and the regional funder."""
    alliance = a.plan.alliance
    username = f"coordination-{alliance.slug}"
    coordinator = User.objects.create(
        username=username,
        password="!",
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        email=f"{username}@example.org",
        calendar_token=uuid.UUID(int=rng.getrandbits(128)),
    )
    Membership.objects.create(
        user=coordinator,
        organisation=alliance.coordinating_organisation,
        role=Membership.Role.RESPONSABLE,
        joined_on=datetime.date(2013, 4, 1),
    )
    alliance_role_grant(user=coordinator, alliance=alliance, role=AllianceRole.Role.COORDINATION, by=None)
    alliance.funders.add(funder_organisation)
    alliance_role_grant(user=funder, alliance=alliance, role=AllianceRole.Role.FUNDER, by=None)


def _grow_current(current: Plan, *, scale: float, seed: int, today: datetime.date, force: bool) -> dict[str, int]:
    """One alliance of `scale` times ASIS's size, added to the current plan (its themes, objectives and years)."""
    already = generated_sources().filter(plan=current).count()
    if already and not force:
        raise VolumeAlreadyGenerated(
            f"Le plan courant contient déjà {already} volume(s) généré(s) : relancez avec --force pour en ajouter d'autres."
        )
    number = already + 1
    counts = expected_counts(scale, into_current=True)
    a = Generation(
        number=900 + number,  # users vol901-…, apart from the generated alliances' vol001-…
        rng=random.Random(seed * 1_000_003 - number),
        counts={key: counts[key] for key in PER_UNIT},
        today=today,
        city=f"Rouyn-Noranda, volume {number}",
        plan=current,
        sources=[
            (
                f"{SOURCE_PREFIX}{number:03d}",
                f"Source générée pour mesurer le portail (volume {number})",
                "generate_volume",
            )
        ],
    )
    a.years = list(current.years.order_by("number"))
    a.themes = list(current.themes.order_by("order"))
    if not a.years or not a.themes:
        raise VolumeAlreadyGenerated("Le plan courant n'a pas d'années ou d'enjeux : chargez load_asis.")
    for objective in Objective.objects.filter(theme__plan=current).order_by("theme", "order", "pk"):
        a.objectives.setdefault(objective.theme_id, []).append(objective)
    _create_organisations(a)
    _create_citizens(a)
    _create_spaces(a)
    meetings, attendances = _create_meetings(a)
    made = _create_projects(a)
    return {
        "organisations": len(a.orgs),
        "citizens": len(a.citizens),
        "spaces": len(a.spaces),
        "projects": made.pop("projects"),
        "reports": made.pop("reports"),
        "meetings": meetings,
        "attendances": attendances,
        **made,
    }


def _generate_alliance(a: Generation, *, start: datetime.date, mandator: Organisation) -> dict[str, int]:
    base = CITIES[(a.number - 1) % len(CITIES)]
    round_ = (a.number - 1) // len(CITIES)
    a.city = base if round_ == 0 else f"{base} ({round_ + 1})"
    a.sources = [
        ("fqis", "Fonds québécois d'initiatives sociales (FQIS)", "Gouvernement du Québec"),
        ("municipalite", f"Contribution de la municipalité de {a.city}", f"Municipalité de {a.city}"),
    ]
    _create_organisations(a)
    alliance = Alliance.objects.create(
        name=f"Alliance pour la solidarité et l'inclusion sociale de {a.city}",
        acronym=f"{ACRONYM_PREFIX}{a.number:03d}",
        slug=f"{ACRONYM_PREFIX.lower()}{a.number:03d}-{slugify(a.city)}"[:80],
        territory=a.city,
        coordinating_organisation=a.orgs[0],
        mandated_by=f"Mandat confié par {mandator.short_name}" if mandator else "",
    )
    a.plan = Plan.objects.create(
        title=f"Plan de lutte contre la pauvreté — {a.city}",
        alliance=alliance,
        status=Plan.Status.CURRENT,
        start_date=start,
        description="Alliance générée pour mesurer le portail (generate_volume).",
        source_note="Données synthétiques (python manage.py generate_volume).",
    )
    a.years = _create_years(a.plan)
    a.themes = Theme.objects.bulk_create(
        Theme(plan=a.plan, order=order, name=name, slug=slugify(name)[:80])
        for order, name in enumerate(THEMES, start=1)
    )
    objectives = Objective.objects.bulk_create(
        Objective(theme=theme, order=n, title=f"{theme.name} : objectif {n}") for theme in a.themes for n in (1, 2)
    )
    for objective in objectives:
        a.objectives.setdefault(objective.theme_id, []).append(objective)
    _create_citizens(a)
    _create_spaces(a)
    meetings, attendances = _create_meetings(a)
    made = _create_projects(a)
    return {
        "organisations": len(a.orgs),
        "citizens": len(a.citizens),
        "spaces": len(a.spaces),
        "projects": made.pop("projects"),
        "reports": made.pop("reports"),
        "meetings": meetings,
        "attendances": attendances,
        **made,
    }


def _generate_past_plan(past: Generation, current: Generation, *, start: datetime.date) -> dict[str, int]:
    """The closed plan before the current one: three years earlier, its first themes, its two sources, finished
    projects with their reports and money; the alliance's organisations and people, no space of its own."""
    past.city, past.orgs, past.users, past.citizens = current.city, current.orgs, current.users, current.citizens
    past.sources = current.sources
    first = Plan.fiscal_year_start(start)
    past.plan = Plan.objects.create(
        title=f"Plan de lutte contre la pauvreté — {current.city} (plan précédent)",
        alliance=current.plan.alliance,
        status=Plan.Status.CLOSED,
        start_date=first.replace(year=first.year - 3),
        description="Plan terminé d'une alliance générée pour mesurer le portail (generate_volume).",
        source_note="Données synthétiques (python manage.py generate_volume).",
    )
    past.title_suffix = f" ({past.plan.slug})"
    past.years = _create_years(past.plan)
    past.themes = Theme.objects.bulk_create(
        Theme(plan=past.plan, order=order, name=name, slug=slugify(name)[:80])
        for order, name in enumerate(THEMES[:PAST_THEMES], start=1)
    )
    return _create_projects(past, weights=PAST_STATUS_WEIGHTS, rest=S.FINAL_REPORT)


def _create_years(plan: Plan) -> list[PlanYear]:
    first = Plan.fiscal_year_start(plan.start_date)
    return PlanYear.objects.bulk_create(
        PlanYear(
            plan=plan,
            number=n,
            start_date=PlanYear.fiscal_bounds(first, n - 1)[0],
            end_date=PlanYear.fiscal_bounds(first, n - 1)[1],
        )
        for n in (1, 2, 3)
    )


def _create_organisations(a: Generation) -> None:
    rng = a.rng
    orgs = []
    for n in range(a.counts["organisations"]):
        prefix, kind, sector = ORG_KINDS[n % len(ORG_KINDS)]
        rank = n // len(ORG_KINDS)
        name = f"{prefix} de {a.city}" if rank == 0 else f"{prefix} de {a.city}, secteur {rank + 1}"
        orgs.append(
            Organisation(
                name=name,
                kind=kind,
                sector=sector,
                city=a.city,
                status=Organisation.Status.APPROVED,
                phone=f"819-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
                email=f"info@{slugify(prefix)[:20]}-{a.number}-{n}.example.org",
            )
        )
    orgs[0].name = f"Corporation de développement communautaire de {a.city}"
    a.orgs = Organisation.objects.bulk_create(orgs, batch_size=BATCH)
    users = User.objects.bulk_create(
        (
            User(
                username=f"vol{a.number:03d}-{n:04d}",
                password="!",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"vol{a.number:03d}-{n:04d}@example.org",
                calendar_token=uuid.UUID(int=rng.getrandbits(128)),
            )
            for n in range(len(a.orgs))
        ),
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        (
            Membership(
                user=user, organisation=org, role=Membership.Role.RESPONSABLE, joined_on=datetime.date(2013, 4, 1)
            )
            for user, org in zip(users, a.orgs)
        ),
        batch_size=BATCH,
    )
    a.users = {org.pk: user for org, user in zip(a.orgs, users)}


def _create_citizens(a: Generation) -> None:
    rng = a.rng
    citizens = []
    for n in range(a.counts["citizens"]):
        consent = rng.random() < 0.7
        citizens.append(
            Citizen(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"citoyen{a.number:03d}-{n:04d}@example.org" if consent else "",
                neighbourhood=a.city,
                consent_to_contact=consent,
                consent_given_on=datetime.date(2013, 5, 1) + datetime.timedelta(days=rng.randint(0, 700))
                if consent
                else None,
            )
        )
    a.citizens = Citizen.objects.bulk_create(citizens, batch_size=BATCH)


def _create_spaces(a: Generation) -> None:
    rng = a.rng
    spaces = []
    for n in range(a.counts["spaces"]):
        word, kind = SPACE_KINDS[n % len(SPACE_KINDS)]
        theme = a.themes[n % len(a.themes)]
        spaces.append(
            Space(
                alliance_id=a.plan.alliance_id,
                name=f"{word} {theme.name.lower()} de {a.city}"
                + (f" no {n // len(a.themes) + 1}" if n >= len(a.themes) else ""),
                kind=kind,
                mandate=f"Concerter les partenaires de {a.city} sur l'enjeu « {theme.name} ».",
            )
        )
    a.spaces = Space.objects.bulk_create(spaces, batch_size=BATCH)
    theme_links, seats, citizen_seats = [], [], []
    Through = Space.themes.through
    for n, space in enumerate(a.spaces):
        themes = {a.themes[n % len(a.themes)]}
        if rng.random() < 0.3:
            themes.add(rng.choice(a.themes))
        theme_links += [(space.pk, theme.pk) for theme in sorted(themes, key=lambda t: t.pk)]
        members = rng.sample(a.orgs, min(len(a.orgs), rng.randint(6, 10)))
        citizens = rng.sample(a.citizens, min(len(a.citizens), rng.randint(2, 4)))
        a.space_orgs[space.pk] = members
        a.space_citizens[space.pk] = citizens
        space.lead_organisation_id = members[0].pk
        seats += [
            SpaceMembership(
                space=space, organisation=org, role="lead" if i == 0 else "member", joined_on=datetime.date(2013, 4, 1)
            )
            for i, org in enumerate(members)
        ]
        citizen_seats += [SpaceCitizen(space=space, citizen=c, joined_on=datetime.date(2013, 4, 1)) for c in citizens]
    _insert(Through, ["space_id", "theme_id"], theme_links)
    Space.objects.bulk_update(a.spaces, ["lead_organisation"], batch_size=BATCH)
    SpaceMembership.objects.bulk_create(seats, batch_size=BATCH)
    SpaceCitizen.objects.bulk_create(citizen_seats, batch_size=BATCH)


def _create_meetings(a: Generation) -> tuple[int, int]:
    rng = a.rng
    first_day, days = a.today - datetime.timedelta(days=365), 365 + 60
    meetings = []
    for space, count in zip(a.spaces, _spread(rng, a.counts["meetings"], len(a.spaces))):
        for _n in range(count):
            start = datetime.time(rng.choice((9, 13, 18)), rng.choice((0, 30)))
            minutes = rng.choice((90, 120, 150, 180))
            end = (datetime.datetime.combine(first_day, start) + datetime.timedelta(minutes=minutes)).time()
            meetings.append(
                Meeting(
                    space=space,
                    date=first_day + datetime.timedelta(days=rng.randint(0, days)),
                    start_time=start,
                    end_time=end,
                    duration_minutes=minutes,
                    place=f"Salle communautaire, {a.city}",
                    agenda="1. Mot de bienvenue\n2. Suivi des projets\n3. Varia",
                    minutes="Les partenaires ont fait le point sur les projets en cours.",
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    invitations, attendances, decisions = [], [], []
    for meeting, want in zip(meetings, _spread(rng, a.counts["attendances"], len(meetings))):
        orgs = a.space_orgs[meeting.space_id]
        citizens = a.space_citizens[meeting.space_id]
        invited_at = _aware(meeting.date - datetime.timedelta(days=14))
        invitations += [(meeting.pk, org.pk, None, invited_at) for org in orgs]
        invitations += [(meeting.pk, None, c.pk, invited_at) for c in citizens]
        people = [("user", org) for org in orgs] + [("citizen", c) for c in citizens]
        chosen = rng.sample(people, min(want, len(people)))
        for kind, who in chosen:
            if kind == "user":
                attendances.append((meeting.pk, a.users[who.pk].pk, None, who.pk, rng.random() < 0.9))
            else:
                attendances.append((meeting.pk, None, who.pk, None, rng.random() < 0.85))
        # Beyond one seat per member, the other delegates of an organisation come for it.
        attendances += [(meeting.pk, None, None, rng.choice(orgs).pk, True) for _n in range(want - len(chosen))]
        decisions.append(Decision(meeting=meeting, text="Les partenaires conviennent de poursuivre les travaux."))
    _insert(Invitation, ["meeting_id", "organisation_id", "citizen_id", "invited_at"], invitations)
    _insert(Attendance, ["meeting_id", "user_id", "citizen_id", "organisation_id", "present"], attendances)
    decisions = Decision.objects.bulk_create(decisions, batch_size=BATCH)
    # A follow-up per decision: done three weeks later, unless it is still ahead of today (then open).
    follow_ups = []
    for decision, meeting in zip(decisions, meetings):
        done_on = meeting.date + datetime.timedelta(days=20)
        done = done_on <= a.today
        follow_ups.append(
            (
                decision.pk,
                "Transmettre le compte rendu aux partenaires",
                a.space_orgs[meeting.space_id][0].pk,
                meeting.date + datetime.timedelta(days=30),
                done,
                done_on if done else None,
            )
        )
    _insert(FollowUp, ["decision_id", "what", "responsible_organisation_id", "due_on", "done", "done_on"], follow_ups)
    return len(meetings), len(attendances)


def _statuses(rng: random.Random, count: int, weights=STATUS_WEIGHTS, rest=S.IN_PROGRESS) -> list[str]:
    weight = sum(w for _s, w in weights)
    statuses = []
    for status, w in weights:
        statuses += [status] * (count * w // weight)
    statuses += [rest] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


def _create_projects(a: Generation, *, weights=STATUS_WEIGHTS, rest=S.IN_PROGRESS) -> dict[str, int]:
    rng = a.rng
    plan_start, plan_end = a.years[0].start_date, a.years[-1].end_date
    statuses = _statuses(rng, a.counts["projects"], weights, rest)
    projects = []
    for n, status in enumerate(statuses):
        theme = a.themes[rng.randrange(len(a.themes))]
        lead = a.orgs[rng.randrange(1, len(a.orgs))]
        start = plan_start + datetime.timedelta(days=rng.randint(0, 400))
        end = min(plan_end, start + datetime.timedelta(days=rng.randint(180, 700)))
        projects.append(
            ActionProject(
                title=f"{PROJECT_WORDS[n % len(PROJECT_WORDS)]} — {a.city} {n + 1}{a.title_suffix}",
                lead=lead,
                theme=theme,
                objective=rng.choice(a.objectives.get(theme.pk) or [None]),
                space=rng.choice(a.spaces) if a.spaces and rng.random() < 0.6 else None,
                summary=f"Un projet de {lead.name} pour l'enjeu « {theme.name} ».",
                description="Description du projet, de ses activités et de ses retombées attendues.",
                target_population="Personnes et familles à faible revenu",
                area_served=a.city,
                start_date=start,
                end_date=end,
                status=status,
                amount_requested=_money(rng.randint(50, 600) * 100),
            )
        )
    projects = ActionProject.objects.bulk_create(projects, batch_size=BATCH)

    partners, other_funding, year_links, year_amounts, history, decisions, indicators = [], [], [], [], [], [], []
    project_years = {}
    Through = ActionProject.plan_years.through
    for project in projects:
        partner = a.orgs[rng.randrange(1, len(a.orgs))]
        if partner.pk != project.lead_id:
            partners.append(
                ProjectPartner(
                    project=project,
                    organisation=partner,
                    contribution_value=_money(rng.randint(5, 50) * 100),
                    status=ProjectPartner.Status.CONFIRMED,
                )
            )
        years = [y for y in a.years if y.start_date <= project.end_date and y.end_date >= project.start_date]
        project_years[project.pk] = years
        year_links += [(project.pk, y.pk) for y in years]
        per_year = (project.amount_requested / len(years)).quantize(CENT, ROUND_HALF_UP)
        for i, year in enumerate(years):
            amount = per_year if i < len(years) - 1 else project.amount_requested - per_year * (len(years) - 1)
            year_amounts.append((project.pk, year.pk, amount))
        path = PATHS[project.status]
        moment = project.start_date - datetime.timedelta(days=20 * len(path))
        previous = ""
        for step in path:
            moment += datetime.timedelta(days=rng.randint(5, 20))
            history.append((project.pk, previous, step, _aware(moment), ""))
            previous = step
        if project.status in FUNDED:
            other_funding.append(
                OtherFunding(
                    project=project,
                    kind=OtherFunding.Kind.OWN,
                    source_name=project.lead.name,
                    amount=_money(rng.randint(10, 100) * 100),
                    confirmed=True,
                )
            )
            decisions.append(
                BoardDecision(
                    project=project,
                    outcome=BoardDecision.Outcome.ACCEPTED,
                    resolution_number=f"CA-{a.number:03d}-{project.pk}",
                    decided_on=project.start_date - datetime.timedelta(days=10),
                    granted_amount=project.amount_requested,
                    recorded_at=_aware(project.start_date - datetime.timedelta(days=10)),
                )
            )
        if project.status in REPORTING:
            indicators.append(
                Indicator(
                    project=project, name="Personnes rejointes", unit="personnes", target=Decimal(rng.randint(20, 200))
                )
            )
    ProjectPartner.objects.bulk_create(partners, batch_size=BATCH)
    OtherFunding.objects.bulk_create(other_funding, batch_size=BATCH)
    _insert(Through, ["actionproject_id", "planyear_id"], year_links)
    _insert(ProjectYearAmount, ["project_id", "plan_year_id", "amount"], year_amounts)
    _insert(ProjectStatusChange, ["project_id", "from_status", "to_status", "changed_at", "comment"], history)
    BoardDecision.objects.bulk_create(decisions, batch_size=BATCH)
    indicators = {i.project_id: i for i in Indicator.objects.bulk_create(indicators, batch_size=BATCH)}
    agreements = Agreement.objects.bulk_create(
        (
            Agreement(project=p, signed_on=p.start_date, reference=f"CONV-{a.number:03d}-{p.pk}")
            for p in projects
            if p.status in PAID
        ),
        batch_size=BATCH,
    )
    reports, awaited = _create_reports(a, [p for p in projects if p.status in REPORTING], indicators)
    signed = ReportDeadline.objects.bulk_create(  # no report yet: the first one four months after the start
        (_deadline(p, p.start_date + AWAITED_AFTER, filed=False) for p in projects if p.status == S.AGREEMENT_SIGNED),
        batch_size=BATCH,
    )
    next_reports = {d.project_id: d for d in (*awaited, *signed) if d.kind == ReportDeadline.Kind.PROGRESS}
    made = _create_money(a, [p for p in projects if p.status in FUNDED], project_years)
    planned = _create_planned_payments(
        {agreement.project_id: agreement for agreement in agreements}, made.pop("unpaid"), next_reports
    )
    return {
        "projects": len(projects),
        "reports": reports["reports"],
        **made,
        "deadlines": reports["deadlines"] + len(signed),
        "planned_payments": planned,
    }


ANSWERED_AFTER = datetime.timedelta(days=30)  # a report's deadline: a month after the end of its period
AWAITED_AFTER = datetime.timedelta(days=120)  # a running project's next report: four months after its last one
FINAL_AFTER = datetime.timedelta(days=60)  # a finished project's final report: two months after its end


def _deadline(project, due_on: datetime.date, *, filed: bool, final: bool = False) -> ReportDeadline:
    return ReportDeadline(
        project=project,
        kind=ReportDeadline.Kind.FINAL if final else ReportDeadline.Kind.PROGRESS,
        due_on=due_on,
        label="Rapport final" if final else "Rapport d'étape",
        filed=filed,
    )


def _create_reports(a: Generation, projects: list, indicators: dict) -> tuple[dict[str, int], list[ReportDeadline]]:
    rng = a.rng
    reports = []
    for project, count in zip(projects, _spread(rng, a.counts["reports"] if projects else 0, len(projects))):
        days = max((project.end_date - project.start_date).days, count)
        step = days // max(count, 1)
        people = 0
        for n in range(count):
            period_start = project.start_date + datetime.timedelta(days=n * step)
            period_end = project.start_date + datetime.timedelta(days=(n + 1) * step - 1) if step else period_start
            last = n == count - 1
            people += rng.randint(5, 40)
            reports.append(
                ProgressReport(
                    project=project,
                    plan=a.plan,  # the generation's plan: every project generated is in one of its themes
                    period_start=period_start,
                    period_end=max(period_end, period_start),
                    percent_done=100
                    if last and project.status != S.IN_PROGRESS
                    else min(95, (n + 1) * 100 // (count + 1)),
                    narrative="Les activités prévues se sont tenues.",
                    highlights="Bonne participation des familles.",
                    people_reached=people,
                    citizens_reached=rng.randint(0, people),
                    expenses=_money(float(project.amount_requested) * (n + 1) / (count + 1)),
                    is_final=last and project.status == S.FINAL_REPORT,
                    submitted_at=_aware(period_end + datetime.timedelta(days=7)),
                )
            )
    # Under agreement (every reporting status is), each report answers its deadline; the next one is awaited.
    answered = ReportDeadline.objects.bulk_create(
        (_deadline(r.project, r.period_end + ANSWERED_AFTER, filed=True, final=r.is_final) for r in reports),
        batch_size=BATCH,
    )
    for report, deadline in zip(reports, answered, strict=True):
        report.deadline = deadline
    last = {}
    for report in reports:
        last[report.project_id] = report
    awaited = []
    for project in projects:
        if project.status == S.IN_PROGRESS:
            since = last[project.pk].period_end if project.pk in last else project.start_date
            awaited.append(_deadline(project, since + AWAITED_AFTER, filed=False))
        elif project.status == S.COMPLETED:
            awaited.append(_deadline(project, project.end_date + FINAL_AFTER, filed=False, final=True))
    awaited = ReportDeadline.objects.bulk_create(awaited, batch_size=BATCH)
    # the latest report and values of every project are said once at the end (figures_rewrite), not per batch
    reports = ProgressReport.objects.bulk_create(reports, batch_size=BATCH, keep_latest=False)
    _insert(
        IndicatorValue,
        ["report_id", "indicator_id", "value"],
        [(r.pk, indicators[r.project_id].pk, Decimal(r.people_reached)) for r in reports],
    )
    return {"reports": len(reports), "deadlines": len(answered) + len(awaited)}, awaited


def _create_money(a: Generation, projects: list, project_years: dict) -> dict:
    """Commitments and payments, and the sources sized to hold them (each a little larger than what it
    commits). The running totals are the sums of the rows written with them. `unpaid`: each commitment with what
    it has not paid yet (for the planned payments)."""
    rng = a.rng
    last = len(a.sources) - 1
    specs = []  # (project, year, source index, amount)
    for project, count in zip(projects, _spread(rng, a.counts["commitments"] if projects else 0, len(projects))):
        years = project_years[project.pk]
        for n in range(count):
            share = (project.amount_requested / count).quantize(CENT, ROUND_HALF_UP)
            specs.append((project, years[n % len(years)], 0 if rng.random() < 0.8 else last, max(share, CENT)))
    committed = [sum((amount for _p, _y, s, amount in specs if s == i), Decimal("0.00")) for i in range(len(a.sources))]
    # Payments: only agreements signed and later; a commitment is paid in parts, never beyond its amount.
    payable = [i for i, spec in enumerate(specs) if spec[0].status in PAID]
    paid_parts = dict(zip(payable, _spread(rng, a.counts["disbursements"] if payable else 0, len(payable))))
    paid = {}
    for i, parts in paid_parts.items():
        amount = specs[i][3]
        fraction = 1 if specs[i][0].status in (S.COMPLETED, S.FINAL_REPORT) else rng.choice((0.25, 0.5, 0.75))
        total = (amount * Decimal(str(fraction))).quantize(CENT, ROUND_HALF_UP)
        if parts and total >= CENT * parts:
            each = (total / parts).quantize(CENT, ROUND_HALF_UP)
            paid[i] = [each] * (parts - 1) + [total - each * (parts - 1)]
            if paid[i][-1] <= 0:  # rounding up left nothing for the last part
                paid[i] = [CENT] * parts
    source_paid = [Decimal("0.00")] * len(a.sources)
    for i, parts in paid.items():
        source_paid[specs[i][2]] += sum(parts)
    first_order = (FundingSource.objects.filter(plan=a.plan).aggregate(m=models.Max("order"))["m"] or 0) + 1
    sources = FundingSource.objects.bulk_create(
        FundingSource(
            plan=a.plan,
            code=code,
            order=first_order + n,
            name=name,
            funder=funder,
            amount=(committed[n] * Decimal("1.1") + Decimal("10000")).quantize(Decimal("1")),
            committed_total=committed[n],
            disbursed_total=source_paid[n],
        )
        for n, (code, name, funder) in enumerate(a.sources)
    )
    # the board's resolution of the alliance's commitments (projects.Resolution), one for the whole volume
    resolution, _made = Resolution.objects.get_or_create(
        alliance_id=a.plan.alliance_id,
        number=f"CA-VOLUME-{a.number:03d}",
        defaults={"decided_on": min(p.start_date for p, _y, _s, _a in specs) if specs else a.plan.start_date},
    )
    commitments = Commitment.objects.bulk_create(
        (
            Commitment(
                resolution=resolution,
                source=sources[s],
                project=project,
                plan_year=year,
                amount=amount,
                disbursed_total=sum(paid.get(i, []), Decimal("0.00")),
                decided_on=project.start_date - datetime.timedelta(days=10),
                reference=f"CA-{a.number:03d}-{project.pk}",
            )
            for i, (project, year, s, amount) in enumerate(specs)
        ),
        batch_size=BATCH,
    )
    disbursements = []
    now = timezone.now()
    for i, parts in paid.items():
        commitment = commitments[i]
        for n, amount in enumerate(parts):
            paid_on = commitment.decided_on + datetime.timedelta(days=30 + 90 * n)
            disbursements.append((commitment.pk, amount, Decimal("0.00"), paid_on, f"CHQ-{commitment.pk}-{n + 1}", now))
    _insert(
        Disbursement,
        ["commitment_id", "amount", "correction_total", "paid_on", "reference", "created_at"],
        disbursements,
    )
    unpaid = [(c, c.amount - c.disbursed_total) for c in commitments if c.amount > c.disbursed_total]
    return {"commitments": len(commitments), "disbursements": len(disbursements), "unpaid": unpaid}


def _create_planned_payments(agreements: dict, unpaid: list, next_reports: dict) -> int:
    """What a running project's first commitment has not paid yet, planned as one payment when its next report is
    filed (a month after that report is due). The project's other commitments (another year's, decided after the
    agreement's schedule was written) are left to pay on the commitment itself, outside a schedule: the envelope's
    « Verser » list, which every scale then holds. A finished project's rest is not planned (its agreement closed)."""
    planned, scheduled = [], set()
    for commitment, rest in unpaid:
        project_id = commitment.project_id
        if (
            project_id in scheduled
            or project_id not in agreements
            or project_id not in next_reports
            or commitment.project.status not in (S.AGREEMENT_SIGNED, S.IN_PROGRESS)
        ):
            continue
        scheduled.add(project_id)
        planned.append(
            PlannedPayment(
                agreement=agreements[project_id],
                commitment=commitment,
                plan_id=commitment.source.plan_id,  # the source was just made: no query to read it
                due_on=next_reports[project_id].due_on + ANSWERED_AFTER,
                amount=rest,
                required_report=next_reports[project_id],
            )
        )
    return len(PlannedPayment.objects.bulk_create(planned, batch_size=BATCH))
