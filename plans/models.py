"""The Alliance's plan: its years, principles, mobilisation, themes, objectives and actions.

The models kept their tables (`chantiers_*`) when they moved here from chantiers."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance
from organisations.models import Organisation


class PlanQuerySet(models.QuerySet):
    # The one definition of the current plan (the plan the portal shows): the default alliance's plans first (the
    # first alliance, `AllianceQuerySet.default()`), among them the one whose status is current, then the latest
    # start, then the first created. Every page and service finds it through these two methods; among one
    # alliance's plans (`Alliance.current_plan()`) it is that alliance's current plan.
    def current_first(self) -> "PlanQuerySet":
        """These plans, the current one first: for a subquery that needs the current plan's pk."""
        not_current = Case(When(status=Plan.Status.CURRENT, then=Value(0)), default=Value(1))
        return self.order_by("alliance_id", not_current, "-start_date", "pk")

    def current(self) -> "Plan | None":
        """The current plan among these (None without a plan); chain select_related, annotate or
        prefetch_related before it to read more in the same query."""
        return self.current_first().first()


class Plan(models.Model):
    """An alliance's three-year plan of social development and fight against poverty. Its alliance runs one
    plan at a time (the current one), prepares the next and keeps the closed ones."""

    class Status(models.TextChoices):
        PREPARATION = "preparation", _("en préparation")
        CURRENT = "current", _("en cours")
        CLOSED = "closed", _("terminé")

    title = models.CharField(_("titre"), max_length=255)
    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="plans", verbose_name=_("alliance"))
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.PREPARATION)
    # The plan's part of its pages' addresses (/<alliance>/<plan>/...), for instance 2013-2016.
    slug = models.SlugField(
        _("identifiant"),
        max_length=40,
        blank=True,
        help_text=_("Partie de l'adresse des pages du plan, par exemple 2013-2016 ; déduite des dates si vide."),
    )
    start_date = models.DateField(_("début du plan"))
    description = models.TextField(_("mise en contexte"), blank=True)
    mobilised_organisations = models.PositiveIntegerField(
        _("organisations mobilisées (environ)"), null=True, blank=True
    )
    mobilised_people = models.PositiveIntegerField(_("personnes mobilisées"), null=True, blank=True)
    source_note = models.TextField(_("source"), blank=True)
    DEFAULT_MEETING_THRESHOLD = 4
    meeting_threshold_per_month = models.PositiveSmallIntegerField(
        _("seuil d'hyperconcertation (rencontres par mois)"),
        default=DEFAULT_MEETING_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Au-delà de ce nombre de rencontres par mois, une organisation ou une personne est signalée."),
    )
    dates_note = models.TextField(
        _("note sur les dates"),
        blank=True,
        help_text=_("Ce que la source dit, ou ne dit pas, des dates du plan."),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_plan"
        verbose_name = _("plan d'action")
        verbose_name_plural = _("plans d'action")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_threshold_per_month__gte=1) & Q(meeting_threshold_per_month__lte=99),
                name="chantiers_plan_threshold_range",
            ),
            models.UniqueConstraint(
                fields=["alliance", "slug"],
                name="plans_plan_unique_slug_per_alliance",
                violation_error_message=_("Cette alliance a déjà un plan avec cet identifiant."),
            ),
            models.UniqueConstraint(
                fields=["alliance"],
                condition=Q(status="current"),
                name="plans_plan_one_current_per_alliance",
                violation_error_message=_("Cette alliance a déjà un plan en cours : terminez-le d'abord."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = self.default_slug(self.start_date)
            taken = set(Plan.objects.filter(alliance_id=self.alliance_id).values_list("slug", flat=True))
            self.slug = next(s for s in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))) if s not in taken)
        super().save(*args, **kwargs)

    def mobilisation_summary(self) -> dict:
        """The mobilisation for the public (no query when the activities are prefetched): how many activities, from
        the first one's start to the last one's end, and those with a date of their own (`held_on`), listed by
        name; the others are counted, not listed (their titles may be placeholders, as in ASIS's source)."""
        activities = list(self.mobilisation_activities.all())
        starts = [a.period_start for a in activities if a.period_start]
        ends = [a.period_end for a in activities if a.period_end]
        return {
            "count": len(activities),
            "start": min(starts) if starts else None,
            "end": max(ends) if ends else None,
            "dated": sorted((a for a in activities if a.held_on), key=lambda a: a.held_on),
        }

    @staticmethod
    def default_slug(start_date: datetime.date) -> str:
        """A three-year plan's years, as its addresses show them: 2013-2016 for a plan started on 1 April 2013."""
        return f"{start_date.year}-{start_date.year + 3}"

    @property
    def is_archived(self) -> bool:
        """A closed plan's pages stay readable, marked archived, and refuse every change."""
        return self.status == self.Status.CLOSED

    @staticmethod
    def fiscal_year_start(day: datetime.date) -> datetime.date:
        """1 April of the Quebec government fiscal year that contains `day`."""
        year = day.year if day.month >= 4 else day.year - 1
        return datetime.date(year, 4, 1)


# Dates of the plan's work (meetings, projects, reports, decisions, agreements, payments) fall within the plan's
# years give or take PLAN_DATE_MARGIN_YEARS (work is prepared the year before and reported the year after), or
# within NO_PLAN_DATE_YEARS of today: the plan's years are a working assumption coordinators may not have moved
# yet, and that must not stop today's work. A date outside both is a typo, or year 9999 (which overflows a page).
PLAN_DATE_MARGIN_YEARS = 1
NO_PLAN_DATE_YEARS = 5


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` years later (or earlier); 29 February becomes the 28th; clamped to Python's dates."""
    year = min(max(day.year + years, datetime.MINYEAR), datetime.MAXYEAR)
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


def plan_date_bounds(plan: "Plan | None" = None) -> tuple[datetime.date, datetime.date]:
    """The range of a date of the plan's work: from a year before the plan's start to a year after its last
    plan year's end, widened to five years either side of today (the current plan when none is given).
    One query (two without `plan`)."""
    today = timezone.localdate()
    first, last = _shift_years(today, -NO_PLAN_DATE_YEARS), _shift_years(today, NO_PLAN_DATE_YEARS)
    plan = plan or Plan.objects.current()
    if plan is None:
        return first, last
    end = plan.years.aggregate(end=models.Max("end_date"))["end"] or _shift_years(plan.start_date, 3)
    return (
        min(first, _shift_years(plan.start_date, -PLAN_DATE_MARGIN_YEARS)),
        max(last, _shift_years(end, PLAN_DATE_MARGIN_YEARS)),
    )


class PlanYear(models.Model):
    """One year of the plan: a Quebec fiscal year, 1 April to 31 March, written `2013-2014`."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="years", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("année du plan"), validators=[MinValueValidator(1)])
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))

    class Meta:
        db_table = "chantiers_planyear"
        verbose_name = _("année du plan")
        verbose_name_plural = _("années du plan")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="chantiers_planyear_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="chantiers_planyear_ends_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.start_date.year}-{self.end_date.year}"

    @classmethod
    def fiscal_bounds(cls, first_day: datetime.date, offset: int) -> tuple[datetime.date, datetime.date]:
        start = datetime.date(first_day.year + offset, first_day.month, first_day.day)
        end = datetime.date(start.year + 1, 3, 31) if start.month >= 4 else datetime.date(start.year, 3, 31)
        return start, end

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    def clean(self):
        if not (self.plan_id and self.start_date and self.end_date):
            return
        overlapping = PlanYear.objects.filter(
            plan_id=self.plan_id, start_date__lte=self.end_date, end_date__gte=self.start_date
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(
                _("Cette période chevauche l'année %(year)s du plan.") % {"year": overlapping.first().label}
            )


class Principle(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="principles", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("numéro"))
    text = models.TextField(_("énoncé"))

    class Meta:
        db_table = "chantiers_principle"
        verbose_name = _("principe d'action")
        verbose_name_plural = _("principes d'action")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="chantiers_principle_unique_number")]

    def __str__(self):
        return f"{self.number}) {self.text}"


class MobilisationActivity(models.Model):
    """The mobilisation-consultation activities that chose the priorities (March–September 2013)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="mobilisation_activities")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=255)
    period_start = models.DateField(_("au plus tôt le"))
    period_end = models.DateField(_("au plus tard le"))
    held_on = models.DateField(
        _("tenue le"), null=True, blank=True, help_text=_("Laisser vide si la date exacte n'est pas connue.")
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    organisations_count = models.PositiveIntegerField(_("organisations représentées"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        db_table = "chantiers_mobilisationactivity"
        verbose_name = _("activité de mobilisation")
        verbose_name_plural = _("activités de mobilisation")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="chantiers_mobilisationactivity_unique_number"),
        ]

    def __str__(self):
        return self.title


class Theme(models.Model):
    """One of the six priority themes (enjeux) chosen by the mobilisation."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="themes", verbose_name=_("plan"))
    order = models.PositiveSmallIntegerField(_("ordre"))
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    orientation = models.TextField(_("orientation"), blank=True, help_text=_("« Une communauté qui… »"))
    # The theme of the previous plan this one carries on (succession.services.plan_next_start).
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("reporté de l'enjeu"),
    )

    class Meta:
        db_table = "chantiers_theme"
        verbose_name = _("enjeu prioritaire")
        verbose_name_plural = _("enjeux prioritaires")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="chantiers_theme_unique_slug"),
            models.UniqueConstraint(fields=["plan", "order"], name="chantiers_theme_unique_order"),
        ]

    def __str__(self):
        return self.name


class Objective(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("enjeu"))
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("objectif"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        db_table = "chantiers_objective"
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["theme", "order"]

    def __str__(self):
        return self.title


class PlanAction(models.Model):
    """An action of the plan under an objective (lead, partners, timeline, indicators)."""

    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="actions", verbose_name=_("objectif")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    title = models.CharField(_("action"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("porteur"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_plan_actions", verbose_name=_("partenaires")
    )
    timeline = models.CharField(_("échéancier"), max_length=200, blank=True)
    indicators = models.TextField(_("indicateurs"), blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        db_table = "chantiers_planaction"
        verbose_name = _("action du plan")
        verbose_name_plural = _("actions du plan")
        ordering = ["objective", "order"]

    def __str__(self):
        return self.title


class SharedIndicatorQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        """The shared indicators of `alliance`'s plans; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(theme__plan__alliance=alliance)

    def active(self):
        return self.filter(is_active=True)


class SharedIndicator(models.Model):
    """An indicator Coordination defines for a theme of its plan, shared by the alliance's projects (issue 21, part
    1): a project's own indicator links to one (same unit) and the bilan adds their values against the theme's
    target. A population indicator (a territory's deprivation index) is measured by Coordination itself
    (`SharedIndicatorMeasure`). Grouped as Results-Based Accountability does (`Category`). Archived, never deleted."""

    class Kind(models.TextChoices):
        PROJECTS = "projects", _("résultat des projets")
        POPULATION = "population", _("population")

    class Category(models.TextChoices):
        HOW_MUCH = "how_much", _("Combien avons-nous fait ?")
        HOW_WELL = "how_well", _("Avons-nous bien fait ?")
        BETTER_OFF = "better_off", _("Quelqu'un s'en porte-t-il mieux ?")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("plus haut, c'est mieux")
        LOWER = "lower", _("plus bas, c'est mieux")

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="shared_indicators", verbose_name=_("enjeu")
    )
    name = models.CharField(_("indicateur"), max_length=200)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=Kind.PROJECTS)
    category = models.CharField(_("question"), max_length=20, choices=Category.choices, default=Category.HOW_MUCH)
    unit = models.CharField(_("unité"), max_length=60)
    direction = models.CharField(_("sens"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(_("valeur de départ"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_on = models.DateField(_("valeur de départ au"), null=True, blank=True)
    target = models.DecimalField(_("cible"), max_digits=12, decimal_places=2, null=True, blank=True)
    target_on = models.DateField(
        _("cible à atteindre le"), null=True, blank=True, help_text=_("La fin de la période visée par la cible.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    is_active = models.BooleanField(_("en usage"), default=True)

    objects = SharedIndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicateur partagé")
        verbose_name_plural = _("indicateurs partagés")
        ordering = ["theme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "name"],
                name="plans_sharedindicator_unique_name",
                violation_error_message=_("Cet enjeu a déjà un indicateur partagé de ce nom."),
            ),
            models.CheckConstraint(
                condition=Q(baseline__isnull=True) | Q(baseline_on__isnull=False),
                name="plans_sharedindicator_baseline_dated",
                violation_error_message=_("Datez la valeur de départ."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def clean(self):
        if self.baseline_on and self.target_on and self.target_on <= self.baseline_on:
            raise ValidationError({"target_on": _("La cible se fixe après la date de la valeur de départ.")})

    def same_unit(self, unit: str) -> bool:
        """A project's indicator in `unit` adds up with this one (case and spaces aside)."""
        return " ".join(unit.split()).lower() == " ".join(self.unit.split()).lower()


class SharedIndicatorMeasure(models.Model):
    """A value of a population indicator measured over the territory (its source and date), recorded by
    Coordination: the bilan shows the latest one up to the end of its period."""

    indicator = models.ForeignKey(
        SharedIndicator, on_delete=models.PROTECT, related_name="measures", verbose_name=_("indicateur partagé")
    )
    measured_on = models.DateField(_("mesurée le"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("mesure d'un indicateur de population")
        verbose_name_plural = _("mesures des indicateurs de population")
        ordering = ["indicator", "-measured_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="plans_sharedindicatormeasure_unique_day",
                violation_error_message=_("Cet indicateur a déjà une mesure à cette date."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} — {self.measured_on}: {self.value}"


class PlanVersion(models.Model):
    """The version of a plan's figures (`plans.versions`): moved by every service that writes what a plan-wide figure
    or the bilan shows, once its transaction commits. The figures built on demand (asis.figures_cache) are cached
    under it: a new version, and the next reader builds them again. A plan without a row is at version 0.

    `version` moves on every write (the pages that read everything); each part's column moves only when a write
    names that part (plans.versions.PARTS): the bilan caches each of its parts under the versions of what it reads."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    money = models.PositiveBigIntegerField(default=0)
    projects = models.PositiveBigIntegerField(default=0)
    reports = models.PositiveBigIntegerField(default=0)
    meetings = models.PositiveBigIntegerField(default=0)
    activity = models.PositiveBigIntegerField(default=0)
    activity_beyond = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "plans_planversion"
        verbose_name = _("version des chiffres d'un plan")
        verbose_name_plural = _("versions des chiffres des plans")

    def __str__(self):
        return f"{self.plan_id}: {self.version}"
