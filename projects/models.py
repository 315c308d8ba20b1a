"""The action projects: intentions and drafts, partners, funding, indicators and status history; their review
(grid, analyses, board decisions); their report deadlines, progress and final reports and attachments.

The models kept their tables (`chantiers_*`) when they moved here from chantiers."""

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.db.models.lookups import In
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asis.history_records import ChangeHistory
from chantiers.models import Space
from organisations.models import Organisation
from plans.models import Objective, Plan, PlanYear, SharedIndicator, Theme

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


class ProjectStatus(models.TextChoices):
    INTENTION = "intention", _("Intention")
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    UNDER_ANALYSIS = "analysis", _("En analyse")
    RECOMMENDED = "recommended", _("Recommandé")
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé")
    AGREEMENT_SIGNED = "agreement", _("Convention signée")
    IN_PROGRESS = "in_progress", _("En cours")
    COMPLETED = "completed", _("Terminé")
    FINAL_REPORT = "final_report", _("Rapport final déposé")
    WITHDRAWN = "withdrawn", _("Retiré")


S = ProjectStatus
# The review process, as these alliances ran it: filing -> analysis -> recommendation -> board
# decision -> agreement -> work -> final report. A project may be withdrawn until it is done.
TRANSITIONS: dict[str, set[str]] = {
    S.INTENTION: {S.DRAFT, S.WITHDRAWN},
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.UNDER_ANALYSIS, S.DRAFT, S.WITHDRAWN},
    S.UNDER_ANALYSIS: {S.RECOMMENDED, S.REFUSED, S.DRAFT, S.WITHDRAWN},
    S.RECOMMENDED: {S.ACCEPTED, S.REFUSED, S.WITHDRAWN},
    S.ACCEPTED: {S.AGREEMENT_SIGNED, S.WITHDRAWN},
    S.REFUSED: set(),
    S.AGREEMENT_SIGNED: {S.IN_PROGRESS, S.WITHDRAWN},
    S.IN_PROGRESS: {S.COMPLETED, S.WITHDRAWN},
    S.COMPLETED: {S.FINAL_REPORT},
    S.FINAL_REPORT: set(),
    S.WITHDRAWN: set(),
}
# Shown to the public: the board accepted them (public money is at stake).
PUBLIC_STATUSES = (S.ACCEPTED, S.AGREEMENT_SIGNED, S.IN_PROGRESS, S.COMPLETED, S.FINAL_REPORT)
# The lead organisation edits its project only before filing it.
PARTNER_EDITABLE_STATUSES = (S.INTENTION, S.DRAFT)
# Money may be committed to these.
FUNDABLE_STATUSES = (S.ACCEPTED, S.AGREEMENT_SIGNED, S.IN_PROGRESS)
# A project in these reports no more: its deadlines still unanswered are no longer awaited (ReportDeadline.project_closed).
REPORTING_CLOSED_STATUSES = (S.WITHDRAWN, S.FINAL_REPORT)


def visible_projects_q(user, path: str = "") -> Q | None:
    """The condition on the project at `path` (e.g. "project__" from a commitment) for the projects this user may
    see; None when they see every project. A semi-join on the partnerships (not a join + DISTINCT): each row
    once, so a queryset filtered by it can be sliced, counted and summed; and a condition on the joined
    project, not an IN over the pks of every visible project."""
    if user.is_authenticated and user.sees_everything:
        return None
    public = Q(**{f"{path}status__in": PUBLIC_STATUSES})
    own = own_projects_q(user, path)
    return public if own is None else public | own


def own_projects_q(user, path: str = "") -> Q | None:
    """The condition on the project at `path` for the projects of this user's organisations, as lead or as a partner
    that did not decline; None when they have none. What a partner sees beyond the public projects (the pages that
    read the kept totals, figures, add these projects' figures to the public ones)."""
    org_ids = user.organisation_ids() if user.is_authenticated else set()
    if not org_ids:
        return None
    # An organisation that declined is no partner: the project is not among its own (it is told again if named again).
    return Q(**{f"{path}pk__in": own_project_ids(org_ids)})


def own_project_ids(org_ids):
    """The ids of the projects these organisations lead or are partners of (not declined), as a subquery: the two
    kinds each read on their index and united. « lead OR partner » on the project row was tested on every project
    of a plan (20 000 at scale 100), and PostgreSQL, guessing thousands where there are a few, then read the reports
    or commitments of a partner's bilan one project at a time (0,3 s)."""
    partnered = (
        ProjectPartner.objects.not_declined().filter(organisation_id__in=org_ids).order_by().values("project_id")
    )
    return ActionProject.objects.filter(lead_id__in=org_ids).order_by().values("pk").union(partnered)


class ActionProjectQuerySet(models.QuerySet):
    def with_money(self):
        """Each project with its money, in the same query: `committed` (its commitments as reduced) and `paid` (as
        corrected: the commitments' kept `disbursed_total`). Read through the `commitments` relation budget declares
        (budget sits above projects)."""
        commitments = self.model._meta.get_field("commitments").related_model.objects.filter(project=OuterRef("pk"))
        money = DecimalField(max_digits=12, decimal_places=2)

        def total(expression):
            summed = commitments.order_by().values("project").annotate(t=Sum(expression)).values("t")
            return Coalesce(Subquery(summed, output_field=money), Value(Decimal("0.00")), output_field=money)

        return self.annotate(committed=total(F("amount") - F("reduced_total")), paid=total("disbursed_total"))

    def with_money_and_results(self):
        """`with_money()`, and the last progress report's `last_percent_done`, `last_people_reached`,
        `last_citizens_reached` (None without one): what the public reads of a project (issue 23, item 6)."""
        last = ProgressReport.objects.filter(project=OuterRef("pk")).order_by("-period_end", "-pk")
        return self.with_money().annotate(
            last_percent_done=Subquery(last.values("percent_done")[:1]),
            last_people_reached=Subquery(last.values("people_reached")[:1]),
            last_citizens_reached=Subquery(last.values("citizens_reached")[:1]),
        )

    def with_next_payment(self):
        """Each project with the first payment of its agreement's schedule not paid nor cancelled, in the same query
        (« Mon espace » and the project page's panel, issue 23 item 2): `next_payment_id`, `_amount`, `_due_on`,
        `_agreement_id`, `_report_id` (the report deadline it waits for, or None) and `_report_filed`; None without
        one. Read through the `agreement` relation budget declares (budget sits above projects)."""
        agreement = self.model._meta.get_field("agreement").related_model
        planned = agreement._meta.get_field("planned_payments").related_model
        unpaid = planned.objects.filter(
            agreement__project=OuterRef("pk"), cancelled_on__isnull=True, disbursement__isnull=True
        ).order_by("due_on", "pk")
        filed = unpaid.annotate(
            filed=Exists(ProgressReport.objects.filter(deadline_id=OuterRef("required_report_id")))
        ).values("filed")[:1]
        commitment = self.model._meta.get_field("commitments").related_model
        open_commitments = commitment.objects.filter(
            project=OuterRef("pk"), amount__gt=F("reduced_total") + F("disbursed_total")
        ).order_by("decided_on", "pk")
        money = DecimalField(max_digits=12, decimal_places=2)
        return self.annotate(
            # the oldest commitment with money left to pay: « Verser » outside a schedule (the « Financement » panel)
            open_commitment_id=Subquery(open_commitments.values("pk")[:1]),
            next_payment_id=Subquery(unpaid.values("pk")[:1]),
            next_payment_amount=Subquery(unpaid.values("amount")[:1], output_field=money),
            next_payment_due_on=Subquery(unpaid.values("due_on")[:1]),
            next_payment_agreement_id=Subquery(unpaid.values("agreement_id")[:1]),
            next_payment_report_id=Subquery(unpaid.values("required_report_id")[:1]),
            next_payment_report_filed=Subquery(filed, output_field=models.BooleanField()),
        )

    def in_alliance(self, alliance):
        """The projects of `alliance` (through their theme's plan); none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(theme__plan__alliance=alliance)

    def in_plan(self, plan):
        """The projects of `plan` (through their theme); none without a plan."""
        return self.none() if plan is None else self.filter(theme__plan=plan)

    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """Public projects for everyone; every project for coordination and staff;
        a partner also sees the projects of their organisations (as lead or partner)."""
        condition = visible_projects_q(user)
        return self if condition is None else self.filter(condition)

    def fundable(self):
        return self.filter(status__in=FUNDABLE_STATUSES)

    def keep_latest(self) -> None:
        """Say again the kept latest figures of these projects from their reports: each project's latest report
        (`latest_report`) and each of its indicators' latest value and the end of the period it was reported for
        (`latest_value`, `latest_on`), as the bilan reads them (2 statements). Every writer of reports and indicator
        values calls it after its write, in its transaction, the projects locked; check_figures checks them."""
        self.order_by().update(**latest_report_kept())
        Indicator.objects.filter(project__in=self.order_by().values("pk")).keep_latest()


# The project's columns kept by their writers (the ledger: budget.services.ledger; the reports: keep_latest; the
# status changes: ProjectStatusChange.save), never written by the project's save().
KEPT_FIELDS = frozenset(
    {"committed_total", "latest_report", "latest_period_end", "latest_submitted_at", "status_since"}
)
# An indicator's columns kept by the writers of reports and values (ActionProjectQuerySet.keep_latest).
INDICATOR_KEPT_FIELDS = frozenset({"latest_value", "latest_on"})
# Reports are cumulative: the latest one counts (by period, then filing, then id: figures.services.LATEST_REPORT).
LATEST_REPORT = ("-period_end", "-submitted_at", "-pk")


def latest_report_kept() -> dict:
    """The kept latest report of each project of an update() (`latest_report`) and the two keys it is the latest by
    (`latest_period_end`, `latest_submitted_at`), each a subquery on the project's reports in LATEST_REPORT order
    (read backwards on the reports' latest index): what keep_latest writes and check_figures recomputes."""
    latest = ProgressReport.objects.filter(project=OuterRef("pk")).order_by(*LATEST_REPORT)
    return {
        "latest_report": Subquery(latest.values("pk")[:1]),
        "latest_period_end": Subquery(latest.values("period_end")[:1]),
        "latest_submitted_at": Subquery(latest.values("submitted_at")[:1]),
    }


def save_keeping(row, kept: frozenset, kwargs: dict) -> dict:
    """The save() arguments of `row` that leave its `kept` columns alone: on a full save of a row already stored, the
    fields to write are every other one (as Django does for a row read with only() or defer()). Those columns are
    written by their keepers' UPDATE alone: a row read before that UPDATE and saved after it (a form, the admin) would
    otherwise write its stale copy back."""
    updating = row.pk is not None and not row._state.adding and not kwargs.get("force_insert")
    if updating and kwargs.get("update_fields") is None:
        deferred = row.get_deferred_fields()
        kwargs["update_fields"] = [
            field.name
            for field in row._meta.concrete_fields
            if not field.primary_key and field.name not in kept and field.attname not in deferred
        ]
    return kwargs


class ActionProject(models.Model):
    title = models.CharField(_("titre"), max_length=255)
    lead = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("porteur")
    )
    partners = models.ManyToManyField(
        Organisation,
        through="ProjectPartner",
        related_name="partner_projects",
        blank=True,
        verbose_name=_("partenaires"),
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("enjeu"))
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("objectif")
    )
    space = models.ForeignKey(
        Space,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("lieu de concertation"),
    )
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    objectives = models.TextField(_("objectifs du projet"), blank=True)
    target_population = models.TextField(_("population visée"), blank=True)
    area_served = models.CharField(_("territoire desservi"), max_length=200, blank=True)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    plan_years = models.ManyToManyField(PlanYear, blank=True, related_name="projects", verbose_name=_("années du plan"))
    amount_requested = models.DecimalField(_("montant demandé à l'enveloppe"), default=ZERO, **MONEY)
    status = models.CharField(_("statut"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    # What is committed to the project now (its commitments less their reductions), kept by budget.services.ledger
    # in the transaction of each commitment and reduction, as a source's committed_total: « À traiter » lists the
    # projects with money left to commit without summing every project's commitments. check_figures recomputes it.
    committed_total = models.DecimalField(_("engagé"), default=ZERO, editable=False, **MONEY)
    # Its latest report (LATEST_REPORT), kept by every writer of reports (keep_latest): the bilan reads the people
    # and citizens reached through it instead of looking for the latest report of each of its projects. None: no
    # report. check_figures recomputes it.
    latest_report = models.ForeignKey(
        "ProgressReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("dernier rapport"),
    )
    # The end of the period of its latest report and when it was filed, kept with it (keep_latest): a theme's page
    # lists its projects' latest progress newest first by walking its projects on an index of these keys, 10 rows,
    # instead of joining every report of the theme to find which are their project's latest. check_figures
    # recomputes them.
    latest_period_end = models.DateField(
        _("fin de la période du dernier rapport"), null=True, blank=True, editable=False
    )
    latest_submitted_at = models.DateTimeField(_("dernier rapport déposé le"), null=True, blank=True, editable=False)
    # When its status last changed (its latest ProjectStatusChange), kept by the change's save(): « À traiter » orders
    # the projects waiting at each stage by it, without looking up each one's history. None: no change recorded.
    # check_figures recomputes it.
    status_since = models.DateTimeField(_("statut depuis le"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    # The project of the previous plan this one continues (succession.services.plan_next_start): the old record
    # stays as it was, with its money and reports, in the closed plan.
    continues = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="continuations",
        verbose_name=_("suite du projet"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    # who, when, what changed (django-simple-history)
    history = ChangeHistory(
        excluded_fields=["updated_at", "committed_total", "latest_report", "latest_period_end", "latest_submitted_at"],
        table_name="chantiers_historicalactionproject",
    )

    objects = ActionProjectQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_actionproject"
        verbose_name = _("projet d'action")
        verbose_name_plural = _("projets d'action")
        ordering = ["title"]
        permissions = [
            ("view_all_projects", _("Voir tous les projets, quel que soit leur statut")),
            ("export_reports", _("Exporter les rapports pour le bailleur de fonds")),
        ]
        indexes = [
            models.Index(fields=["status", "theme"], name="chantiers_project_status_idx"),
            # /projets/ lists the latest changed first, 25 a page: read in index order, not sorted in full.
            models.Index(fields=["-updated_at", "id"], name="chantiers_project_updated_idx"),
            # The home and theme pages: each theme's first projects by title, and its projects counted by status,
            # read from the index alone.
            models.Index(fields=["theme", "title", "id"], name="chantiers_project_theme_title"),
            models.Index(fields=["theme", "status"], name="chantiers_project_theme_status"),
            # A theme's page: its projects' latest reports, newest first (LATEST_REPORT), the first ten read in index
            # order whatever the number of reports of the theme or of the others.
            models.Index(
                fields=["theme", "-latest_period_end", "-latest_submitted_at", "-latest_report"],
                condition=Q(latest_report__isnull=False),
                name="chantiers_project_progress_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gte=0), name="chantiers_actionproject_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="chantiers_actionproject_ends_after_start",
                violation_error_message=_("La date de fin doit suivre la date de début."),
            ),
            models.CheckConstraint(
                condition=Q(committed_total__gte=0), name="chantiers_actionproject_committed_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # `committed_total` is the ledger's, the latest report the reports', `status_since` the status changes'
        super().save(*args, **save_keeping(self, KEPT_FIELDS, kwargs))

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.pk])

    def get_status_display(self) -> str:
        """The status's label, as Django's would give it. Django's hashes every lazy label of the choices at each
        call (a translation lookup each): 0,36 ms a project, 18 ms for a page of 50 (open data, the bilan's lines,
        lists), against 0,01 ms here."""
        try:
            return str(ProjectStatus(self.status).label)
        except ValueError:  # not a status (as Django's: the value itself)
            return self.status

    def rows_follow_plan(self) -> None:
        """After a move to another theme: the project's reports and report deadlines carry the plan of its theme
        (ProjectPlanKept), 2 queries. The caller holds the project's lock."""
        plan = Theme.objects.filter(pk=self.theme_id).values("plan_id")
        for model in (ProgressReport, ReportDeadline):
            model.objects.filter(project=self).exclude(plan_id=Subquery(plan)).update(plan_id=Subquery(plan))

    def deadlines_follow_status(self, before: str) -> None:
        """After a status change from `before`: the project's report deadlines say whether it still reports
        (ReportDeadline.project_closed), 1 query when that changed. The caller holds the project's lock."""
        closed = self.status in REPORTING_CLOSED_STATUSES
        if closed != (before in REPORTING_CLOSED_STATUSES):
            ReportDeadline.objects.filter(project=self).update(project_closed=closed)

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    @property
    def is_editable_by_partner(self) -> bool:
        return self.status in PARTNER_EDITABLE_STATUSES

    def is_lead_member(self, user) -> bool:
        return user.is_authenticated and self.lead_id in user.organisation_ids()

    def can_edit(self, user) -> bool:
        """Coordination at any time; the lead organisation's members while it is an intention or a draft."""
        if not user.is_authenticated:
            return False
        return user.is_coordinator or (self.is_lead_member(user) and self.is_editable_by_partner)

    def can_comment(self, user, partner_ids=None) -> bool:
        """Coordination and members of the lead or partner organisations (`partner_ids` avoids a query)."""
        if not user.is_authenticated:
            return False
        if user.is_coordinator:
            return True
        if partner_ids is None:
            partner_ids = set(self.partnerships.not_declined().values_list("organisation_id", flat=True))
        return bool(user.organisation_ids() & ({self.lead_id} | set(partner_ids)))

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_fundable(self) -> bool:
        return self.status in FUNDABLE_STATUSES

    def clean(self):
        if self.objective_id and self.theme_id and self.objective.theme_id != self.theme_id:
            raise ValidationError({"objective": _("Cet objectif appartient à un autre enjeu.")})


class ProjectPartnerQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=ProjectPartner.Status.CONFIRMED)

    def not_declined(self):
        """The partners a project still names: confirmed, or asked and not yet answered."""
        return self.exclude(status=ProjectPartner.Status.DECLINED)

    def shown_to(self, insider: bool):
        """Who sees a declined partner: the project's own organisations, coordination and staff (`insider`);
        the public never does (the organisation said no: it is not a partner of the project)."""
        return self if insider else self.not_declined()

    def with_marked_name(self):
        """`marked_name`: the organisation's name, followed by « (non confirmé) » until it confirms (for the bilan
        and its exports, which print names, not badges)."""
        return self.annotate(
            marked_name=models.Case(
                models.When(
                    status=ProjectPartner.Status.PENDING,
                    then=Concat(F("organisation__name"), models.Value(" " + gettext("(non confirmé)"))),
                ),
                default=F("organisation__name"),
                output_field=models.CharField(),
            )
        )


class ProjectPartner(models.Model):
    """An organisation the lead names as a partner of its project, with the contribution the lead declares.

    The named organisation answers (its responsables confirm or decline, `project_partner_answer`): until it
    confirms, the partnership and its amount are shown as unconfirmed and count in no figure."""

    class Contribution(models.TextChoices):
        CASH = "cash", _("En argent")
        SERVICES = "services", _("En services")
        IN_KIND = "in_kind", _("En nature")

    class Status(models.TextChoices):
        PENDING = "pending", _("non confirmé")
        CONFIRMED = "confirmed", _("confirmé")
        DECLINED = "declined", _("a décliné")

    project = models.ForeignKey(ActionProject, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="project_partnerships", verbose_name=_("organisation")
    )
    contribution_kind = models.CharField(
        _("contribution"), max_length=20, choices=Contribution.choices, default=Contribution.SERVICES
    )
    contribution_value = models.DecimalField(_("valeur estimée"), null=True, blank=True, **MONEY)
    contribution_description = models.CharField(_("description de la contribution"), max_length=255, blank=True)
    status = models.CharField(_("réponse du partenaire"), max_length=20, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnership_answers",
        verbose_name=_("réponse donnée par"),
    )
    answered_at = models.DateTimeField(_("réponse donnée le"), null=True, blank=True)

    # Every answer and every change of the declared contribution (who, when, before -> after): a partner's
    # consent is not lost when the lead edits its project again.
    history = ChangeHistory(table_name="chantiers_historicalprojectpartner")

    objects = ProjectPartnerQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_projectpartner"
        verbose_name = _("partenaire du projet")
        verbose_name_plural = _("partenaires du projet")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="chantiers_projectpartner_unique"),
            models.CheckConstraint(
                condition=Q(contribution_value__isnull=True) | Q(contribution_value__gte=0),
                name="chantiers_projectpartner_value_not_negative",
            ),
            # A pending partnership carries no answer (a changed contribution clears the previous one).
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(answered_at__isnull=True, answered_by__isnull=True),
                name="chantiers_projectpartner_pending_unanswered",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_contribution_kind_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_declined(self) -> bool:
        return self.status == self.Status.DECLINED

    def can_answer(self, user) -> bool:
        """The named organisation's responsables, and no one else: not the lead, not coordination (a partner's
        consent is its own). No query: the user's roles are cached."""
        return user.is_authenticated and self.organisation_id in user.responsable_ids()


class OtherFunding(models.Model):
    """The rest of a project's funding package: own money, other funders, in-kind contributions."""

    class Kind(models.TextChoices):
        OWN = "own", _("Mise de fonds de l'organisation")
        OTHER_FUNDER = "funder", _("Autre bailleur de fonds")
        IN_KIND = "in_kind", _("Contribution en nature")

    project = models.ForeignKey(ActionProject, on_delete=models.CASCADE, related_name="other_funding")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    source_name = models.CharField(_("source"), max_length=200)
    amount = models.DecimalField(_("montant"), **MONEY)
    confirmed = models.BooleanField(_("confirmé"), default=False)
    # The budget line it pays for, when the lead says so (issue 20, part 3); none: the project as a whole
    category = models.ForeignKey(
        "ExpenseCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="other_funding",
        verbose_name=_("ligne budgétaire"),
    )

    class Meta:
        db_table = "chantiers_otherfunding"
        verbose_name = _("autre source de financement")
        verbose_name_plural = _("autres sources de financement")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="chantiers_otherfunding_amount_positive")]

    def __str__(self):
        return f"{self.source_name}: {self.amount}"


class ProjectYearAmount(models.Model):
    """The amount a project requests from the envelope for one plan year."""

    project = models.ForeignKey(
        ActionProject, on_delete=models.CASCADE, related_name="year_amounts", verbose_name=_("projet")
    )
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="project_amounts", verbose_name=_("année du plan")
    )
    amount = models.DecimalField(_("montant demandé"), **MONEY)

    class Meta:
        db_table = "chantiers_projectyearamount"
        verbose_name = _("montant demandé par année")
        verbose_name_plural = _("montants demandés par année")
        ordering = ["project", "plan_year__number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "plan_year"], name="chantiers_projectyearamount_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="chantiers_projectyearamount_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.plan_year}: {self.amount}"


DEFAULT_EXPENSE_CATEGORIES = (
    # (name, order): what every alliance starts with (issue 20, part 3); its Coordination renames, adds, archives
    ("Salaires", 1),
    ("Matériel", 2),
    ("Loyer", 3),
    ("Transport", 4),
    ("Participation citoyenne", 5),
    ("Autres", 6),
)


class ExpenseCategoryQuerySet(models.QuerySet):
    def for_alliance(self, alliance_id):
        return self.filter(alliance_id=alliance_id)

    def active(self):
        return self.filter(archived=False)


class ExpenseCategory(models.Model):
    """A category of expense an alliance's projects budget by (salaires, matériel…). Archived rather than deleted:
    budget lines and report spending hang on it."""

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="expense_categories", verbose_name=_("alliance")
    )
    name = models.CharField(_("nom"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    archived = models.BooleanField(
        _("archivée"), default=False, help_text=_("Une catégorie archivée ne s'offre plus aux nouvelles lignes.")
    )

    objects = ExpenseCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("catégorie de dépenses")
        verbose_name_plural = _("catégories de dépenses")
        ordering = ["alliance", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="projects_expensecategory_unique_name"),
        ]

    def __str__(self):
        return self.name


class ProjectBudgetLine(models.Model):
    """What a project budgets for one category of expense in one plan year. A project with lines asks the envelope
    their sum (`amount_requested`), each plan year the sum of its lines (ProjectYearAmount), to the cent: the
    service that writes them writes both (projects.services.budget_lines)."""

    project = models.ForeignKey(
        ActionProject, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("projet")
    )
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("catégorie")
    )
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("année du plan")
    )
    amount = models.DecimalField(_("montant"), **MONEY)

    history = ChangeHistory()  # who, when, what changed: money

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["project", "plan_year__number", "category__order", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "plan_year"], name="projects_projectbudgetline_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="projects_projectbudgetline_amount_not_negative",
                violation_error_message=_("Le montant ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.category} — {self.plan_year}: {self.amount}"


class ProjectComment(models.Model):
    """A comment on a project by Coordination or a member of an organisation named on it."""

    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="comments", verbose_name=_("projet")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_comments", verbose_name=_("auteur")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_comments",
        verbose_name=_("pour l'organisation"),
    )
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        db_table = "chantiers_projectcomment"
        verbose_name = _("commentaire sur un projet")
        verbose_name_plural = _("commentaires sur les projets")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.project} — {self.author}"


class ProjectStatusChange(models.Model):
    """The history of a project's status: who, when, why."""

    project = models.ForeignKey(ActionProject, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("ancien statut"), max_length=20, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("nouveau statut"), max_length=20, choices=ProjectStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("par")
    )
    changed_at = models.DateTimeField(_("le"), default=timezone.now)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        db_table = "chantiers_projectstatuschange"
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["changed_at", "pk"]
        indexes = [
            # When each project reached its status (its last change to it: « À traiter » orders the projects waiting
            # by it): the first entry of the index, no row read nor sorted.
            models.Index(fields=["project", "to_status", "-changed_at", "-id"], name="chantiers_status_since_idx"),
        ]

    def __str__(self):
        return f"{self.project}: {self.from_status or '—'} → {self.to_status}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:  # the project's kept `status_since`, unless a later change is already recorded (1 query)
            ActionProject.objects.filter(
                Q(status_since__isnull=True) | Q(status_since__lte=self.changed_at), pk=self.project_id
            ).update(status_since=self.changed_at)


class IndicatorQuerySet(models.QuerySet):
    def keep_latest(self) -> None:
        """Say again the kept latest value of these indicators, and the end of the period of the report it is in, from
        their values (1 statement): what a value written or deleted changes (ActionProjectQuerySet.keep_latest)."""
        values = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by(
            *(f"-report__{name.lstrip('-')}" for name in LATEST_REPORT)
        )
        self.order_by().update(
            latest_value=Subquery(values.values("value")[:1]),
            latest_on=Subquery(values.values("report__period_end")[:1]),
        )


class Indicator(models.Model):
    project = models.ForeignKey(ActionProject, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicateur"), max_length=200)
    unit = models.CharField(_("unité"), max_length=60, blank=True)
    target = models.DecimalField(_("cible"), max_digits=12, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    # The alliance's indicator of the project's theme this one counts towards (issue 21): same unit, summed in the bilan
    shared = models.ForeignKey(
        SharedIndicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_indicators",
        verbose_name=_("indicateur partagé"),
    )
    # Its latest value (the value of the latest report that has one, LATEST_REPORT) and the end of that report's
    # period, kept by every writer of reports and values (ActionProjectQuerySet.keep_latest): the bilan of a period
    # that ends on or after `latest_on` reads it as is. None: no value yet. check_figures recomputes them.
    latest_value = models.DecimalField(_("dernière valeur"), null=True, blank=True, editable=False, **MONEY)
    latest_on = models.DateField(_("dernière valeur au"), null=True, blank=True, editable=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_indicator"
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["project", "order", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The kept latest value is written by keep_latest alone: an indicator read before a report and saved after
        # it (the admin) would otherwise write its stale copy back.
        super().save(*args, **save_keeping(self, INDICATOR_KEPT_FIELDS, kwargs))

    def clean(self):
        if self.shared_id is None or not self.project_id:
            return
        shared = self.shared
        if shared.theme_id != self.project.theme_id:
            raise ValidationError(
                _("« %(shared)s » est un indicateur partagé d'un autre enjeu que celui du projet.")
                % {"shared": shared.name}
            )
        if not self.unit.strip():
            self.unit = shared.unit  # no unit of its own: the shared one's
        elif not shared.same_unit(self.unit):
            raise ValidationError(
                _(
                    "L'indicateur « %(name)s » est en « %(unit)s » mais l'indicateur partagé « %(shared)s » est en "
                    "« %(shared_unit)s » : les unités doivent concorder pour s'additionner."
                )
                % {"name": self.name, "unit": self.unit, "shared": shared.name, "shared_unit": shared.unit}
            )


# ---------------------------------------------------------------- review of submitted projects


class ReviewCriterionQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        """The criteria of `alliance`'s plans; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(plan__alliance=alliance)


class ReviewCriterion(models.Model):
    """A criterion of the analysis grid. Coordinators define them; the fund's usual ones are seeded.

    A criterion used in a review is archived (`is_active=False`), never deleted."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="review_criteria", verbose_name=_("plan"))
    name = models.CharField(_("critère"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    max_score = models.PositiveSmallIntegerField(
        _("note maximale"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)
    is_active = models.BooleanField(_("en usage"), default=True)

    objects = ReviewCriterionQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_reviewcriterion"
        verbose_name = _("critère d'analyse")
        verbose_name_plural = _("critères d'analyse")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="chantiers_reviewcriterion_unique_name"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="chantiers_reviewcriterion_max_score_positive"),
        ]

    def __str__(self):
        return self.name


class ProjectReview(models.Model):
    """One analysis of a filed project by the analysis committee (a project sent back for changes
    and filed again gets a new one). The committee scores it on the grid and recommends."""

    class Recommendation(models.TextChoices):
        FAVORABLE = "favorable", _("Favorable")
        CONDITIONAL = "conditional", _("Favorable avec conditions")
        UNFAVORABLE = "unfavorable", _("Défavorable")

    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("projet")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouverte par"),
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    committee = models.TextField(_("membres du comité d'analyse"), blank=True)
    recommendation = models.CharField(_("recommandation"), max_length=20, choices=Recommendation.choices, blank=True)
    recommendation_note = models.TextField(_("motifs de la recommandation"), blank=True)
    recommended_amount = models.DecimalField(_("montant recommandé"), null=True, blank=True, **MONEY)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recommandation saisie par"),
    )
    recommended_at = models.DateTimeField(_("recommandée le"), null=True, blank=True)
    # What the recommendation records of the committee (issue 20, part 1): the quorum set for this review, the members
    # who took part (scored the whole grid) and those recused (declared a conflict). Empty for a review the committee's
    # members took no part in (Coordination's grid alone, as before).
    quorum = models.PositiveSmallIntegerField(_("quorum du comité"), null=True, blank=True)
    participants = models.ManyToManyField(
        "CommitteeMember", blank=True, related_name="+", verbose_name=_("membres ayant participé")
    )
    recused_members = models.ManyToManyField(
        "CommitteeMember", blank=True, related_name="+", verbose_name=_("membres récusés")
    )

    class Meta:
        db_table = "chantiers_projectreview"
        verbose_name = _("analyse d'un projet")
        verbose_name_plural = _("analyses des projets")
        ordering = ["project", "-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommended_amount__isnull=True) | Q(recommended_amount__gte=0),
                name="chantiers_projectreview_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.opened_at:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return bool(self.recommendation)


class ReviewScore(models.Model):
    review = models.ForeignKey(
        ProjectReview, on_delete=models.CASCADE, related_name="scores", verbose_name=_("analyse")
    )
    criterion = models.ForeignKey(
        ReviewCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("critère")
    )
    score = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        db_table = "chantiers_reviewscore"
        verbose_name = _("note d'analyse")
        verbose_name_plural = _("notes d'analyse")
        ordering = ["review", "criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="chantiers_reviewscore_unique")]

    def __str__(self):
        return f"{self.criterion}: {self.score}"

    def clean(self):
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError({"score": _("La note ne peut dépasser %(max)s.") % {"max": self.criterion.max_score}})


class Resolution(models.Model):
    """A resolution of an alliance's board of directors (« résolution du conseil d'administration »): its number,
    date and object, the quorum and who was present, the conflicts declared and the recusals. Every commitment,
    reduction and reallocation of the alliance's money points to the resolution that decides it
    (budget.models); a project's board decision too. Never deleted: money and history hang on it."""

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("alliance")
    )
    number = models.CharField(_("numéro de résolution"), max_length=60)
    decided_on = models.DateField(_("date de la résolution"))
    subject = models.TextField(_("objet"), blank=True)
    quorum = models.PositiveSmallIntegerField(_("quorum"), default=0, help_text=_("Nombre de membres requis."))
    members_present = models.TextField(_("membres présents"), blank=True, help_text=_("Un nom par ligne."))
    citizens_present = models.PositiveSmallIntegerField(
        _("citoyennes et citoyens présents"), default=0, help_text=_("Un nombre, sans nom.")
    )
    # Made by the data migration (budget 0015) alone, for money recorded before resolutions were records: its
    # number says so, its presences are unknown. No service falls back on it: every new amount names its own.
    is_reconstructed = models.BooleanField(_("reconstituée"), default=False, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    recorded_at = models.DateTimeField(_("saisie le"), default=timezone.now)

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    class Meta:
        verbose_name = _("résolution du conseil d'administration")
        verbose_name_plural = _("résolutions du conseil d'administration")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "number"], name="projects_resolution_unique_number"),
            models.CheckConstraint(condition=~Q(number=""), name="projects_resolution_has_number"),
        ]

    def __str__(self):
        return gettext("Résolution %(number)s du %(date)s") % {
            "number": self.number,
            "date": self.decided_on.strftime("%Y-%m-%d") if self.decided_on else "",
        }

    @property
    def member_names(self) -> list[str]:
        return [line.strip() for line in self.members_present.splitlines() if line.strip()]

    @property
    def members_count(self) -> int:
        return len(self.member_names)

    @property
    def has_quorum(self) -> bool:
        return self.members_count >= self.quorum


class ResolutionConflict(models.Model):
    """A conflict of interest declared at a board meeting, for one resolution: who, of which organisation, about
    what, and whether that member withdrew from the vote (recusal)."""

    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("résolution")
    )
    person = models.CharField(_("membre"), max_length=200)
    organisation = models.CharField(_("organisme"), max_length=200, blank=True)
    concerns = models.CharField(_("objet du conflit"), max_length=255)
    recused = models.BooleanField(_("s'est retiré du vote"), default=True)

    class Meta:
        verbose_name = _("conflit d'intérêts déclaré")
        verbose_name_plural = _("conflits d'intérêts déclarés")
        ordering = ["resolution", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(person=""), name="projects_resolutionconflict_has_person"),
        ]

    def __str__(self):
        return f"{self.person} — {self.concerns}"


class BoardDecision(models.Model):
    """The board's decision on a recommended project, with its resolution number and date."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepté")
        REFUSED = "refused", _("Refusé")

    project = models.OneToOneField(
        ActionProject, on_delete=models.PROTECT, related_name="board_decision", verbose_name=_("projet")
    )
    outcome = models.CharField(_("décision"), max_length=20, choices=Outcome.choices)
    resolution_number = models.CharField(_("numéro de résolution"), max_length=60)
    decided_on = models.DateField(_("date de la décision"))
    granted_amount = models.DecimalField(_("montant accordé"), null=True, blank=True, **MONEY)
    note = models.TextField(_("note"), blank=True)
    # The resolution record of `resolution_number` in the project's alliance (made by board_decision_record).
    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="board_decisions",
        verbose_name=_("résolution"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    recorded_at = models.DateTimeField(_("saisie le"), default=timezone.now)

    class Meta:
        db_table = "chantiers_boarddecision"
        verbose_name = _("décision du conseil d'administration")
        verbose_name_plural = _("décisions du conseil d'administration")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(resolution_number=""), name="chantiers_boarddecision_has_resolution"),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="chantiers_boarddecision_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.resolution_number}"


# ---------------------------------------------------------------- progress and final reports


class ProjectPlanKeptQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, each row's `plan` filled from its project (save() does it for one): 1 query more."""
        objs = list(objs)
        missing = {row.project_id for row in objs if row.plan_id is None}
        if missing:
            plans = dict(ActionProject.objects.filter(pk__in=missing).values_list("pk", "theme__plan_id"))
            for row in objs:
                if row.plan_id is None:
                    row.plan_id = plans.get(row.project_id)
        return super().bulk_create(objs, *args, **kwargs)


class ProjectPlanKept(models.Model):
    """A row of a project (a report, a report deadline) that keeps the plan of the project's theme, so that a plan's
    rows are one index, walked in the order a page shows them and left after its first few (through the project and
    its theme, every row of the plan was joined and sorted). Filled on insert (save(), bulk_create()); a project
    moved to another plan's theme takes them along (ActionProject.rows_follow_plan); check_figures checks it."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, verbose_name=_("plan")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        moved = getattr(self, "_loaded_project_id", self.project_id) != self.project_id  # another project (admin)
        if self.plan_id is None or moved:  # the plan of the project's theme: read unless the caller has it
            project = self.project if type(self).project.is_cached(self) else None
            if project is not None and ActionProject.theme.is_cached(project):
                self.plan_id = project.theme.plan_id
            else:
                self.plan_id = Theme.objects.filter(projects=self.project_id).values_list("plan_id", flat=True).get()
        super().save(*args, **kwargs)
        self._loaded_project_id = self.project_id

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        row._loaded_project_id = row.__dict__.get("project_id")  # to know, on save, whether it moved
        return row


class ReportDeadlineQuerySet(ProjectPlanKeptQuerySet):
    def in_alliance(self, alliance):
        """The deadlines of `alliance`'s projects; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(plan__alliance=alliance)

    def in_plans(self, plans):
        """The deadlines of the projects of `plans` (a queryset of plans, read as a subquery), through the plan
        each keeps (`ProjectPlanKept`): a plan's pending deadlines are one index."""
        return self.filter(plan__in=plans)

    def pending(self):
        """The deadlines no report answers yet: a flag the report's filing sets (`filed`), read through a partial
        index, rather than a lookup in the reports for each deadline."""
        return self.filter(filed=False)

    def awaited(self):
        """Pending deadlines still expected: not those of a withdrawn project, nor those a final report closed (the
        deadline's kept `project_closed`: no join to every pending deadline's project to count a plan's late ones)."""
        return self.pending().filter(project_closed=False)

    def bulk_create(self, objs, *args, **kwargs):
        """As ProjectPlanKeptQuerySet's, each row's `project_closed` said from its project's status: 1 query more."""
        objs = list(objs)
        closed = set(
            ActionProject.objects.filter(
                pk__in={row.project_id for row in objs}, status__in=REPORTING_CLOSED_STATUSES
            ).values_list("pk", flat=True)
        )
        for row in objs:
            row.project_closed = row.project_id in closed
        return super().bulk_create(objs, *args, **kwargs)

    def late(self, today: datetime.date | None = None):
        return self.awaited().filter(due_on__lt=today or timezone.localdate())


class ReportDeadline(ProjectPlanKept):
    """A report the project's agreement asks for, by a date: a progress report or the final report."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Rapport d'étape")
        FINAL = "final", _("Rapport final")

    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="report_deadlines", verbose_name=_("projet")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    due_on = models.DateField(_("à remettre le"))
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    reminded_on = models.DateField(_("dernier rappel le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    created_at = models.DateTimeField(_("saisie le"), auto_now_add=True)
    # A report answers it (ProgressReport.deadline): set with the report, in its transaction
    # (services.reports.report_create; the admin through deadlines_filed_update), checked by check_figures.
    filed = models.BooleanField(_("rapport reçu"), default=False)
    # Its project reports no more (withdrawn, or its final report filed: REPORTING_CLOSED_STATUSES), kept from the
    # project's status: set on insert (save(), bulk_create()) and by the status change (ActionProject.deadlines_follow_status),
    # checked by check_figures. The late and awaited deadlines (« À traiter », the comparison of alliances, the late
    # reports) are then read and counted on the plan's index alone, not joined to each one's project.
    project_closed = models.BooleanField(_("projet clos"), default=False, editable=False)

    objects = ReportDeadlineQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_reportdeadline"
        verbose_name = _("échéance de rapport")
        verbose_name_plural = _("échéances de rapport")
        ordering = ["project", "due_on", "pk"]
        indexes = [
            # The late and awaited deadlines (the comparison, « À traiter », reminders): a few among every deadline.
            models.Index(
                fields=["due_on"], condition=Q(filed=False, project_closed=False), name="chantiers_deadline_unfiled_idx"
            ),
            # A plan's: the coordinators' late reports and « À traiter », the soonest due first; the comparison's
            # count of each plan's late ones (an index-only scan).
            models.Index(
                fields=["plan", "due_on", "id"],
                condition=Q(filed=False, project_closed=False),
                name="chantiers_deadline_plan_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(kind="final"),
                name="chantiers_reportdeadline_one_final",
                violation_error_message=_("Ce projet a déjà une échéance de rapport final."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.get_kind_display()} {self.due_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self._state.adding or getattr(self, "_loaded_project_id", self.project_id) != self.project_id:
            # a new deadline (or one moved to another project, in the admin) is awaited unless its project reports no
            # more: the project's status, read unless the caller has the project
            if type(self).project.is_cached(self):
                status = self.project.status
            else:
                status = ActionProject.objects.filter(pk=self.project_id).values_list("status", flat=True).get()
            self.project_closed = status in REPORTING_CLOSED_STATUSES
        else:  # kept by the status change (deadlines_follow_status): a stale copy is not written back
            kwargs = save_keeping(self, frozenset({"project_closed"}), kwargs)
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """« Rapport d'étape (Mi-parcours) »: its kind, and its label when it says more. A label that already names
        a report is the name alone: never « Rapport final (Rapport final) » nor « Rapport d'étape (Rapport d'étape
        de mi-parcours) »."""
        kind = str(self.get_kind_display())
        label = " ".join(self.label.split())
        if not label:
            return kind
        if label.casefold().split()[0] == kind.casefold().split()[0]:
            return label
        return f"{kind} ({label})"


WHITESPACE = [
    c for c in map(chr, range(0x3001)) if c.isspace()
]  # what Python's str.strip() takes away (the last is U+3000)


def written(field: str) -> Q:
    """Not blank as Python's str.strip() sees it: a first character that is not white space (cheap),
    else any (a regular expression, only for the few texts that start with a space or a line break). The same Q
    each time: an index whose condition it is serves the queries that filter on it (ProgressReport's
    `chantiers_report_written_idx`)."""
    return ~Q(**{field: ""}) & (~Q(In(Substr(field, 1, 1), WHITESPACE)) | Q(**{f"{field}__regex": r"\S"}))


class ProgressReportQuerySet(ProjectPlanKeptQuerySet):
    def in_alliance(self, alliance):
        """The reports of `alliance`'s projects; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(project__theme__plan__alliance=alliance)

    def bulk_create(self, objs, *args, keep_latest: bool = True, **kwargs):
        """As ProjectPlanKeptQuerySet's (each report's plan), and each project's kept latest report and its
        indicators' latest values said again: 2 queries more. `keep_latest=False`: the caller says them again
        itself once it has written every row (generate_volume's figures_rewrite: per batch of thousands of reports,
        with the values inserted after them, the statements cost minutes for nothing)."""
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        if keep_latest:
            ActionProject.objects.filter(pk__in={report.project_id for report in objs}).keep_latest()
        return created


class ProgressReport(ProjectPlanKept):
    """A project's report for a period (rapport d'étape), or its final report (bilan)."""

    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="reports", verbose_name=_("projet")
    )
    # `plan` (ProjectPlanKept): a plan's reports not read yet are one index, walked in the order « À traiter » shows
    # them.
    deadline = models.OneToOneField(
        ReportDeadline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report",
        verbose_name=_("échéance"),
    )
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    percent_done = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField(_("activités réalisées"), blank=True)
    highlights = models.TextField(_("faits saillants"), blank=True)
    people_reached = models.PositiveIntegerField(_("personnes rejointes"), default=0)
    citizens_reached = models.PositiveIntegerField(_("dont citoyens et citoyennes"), default=0)
    partners_involved = models.ManyToManyField(
        Organisation, blank=True, related_name="reports_involved_in", verbose_name=_("partenaires mis à contribution")
    )
    expenses = models.DecimalField(_("dépenses à ce jour"), null=True, blank=True, **MONEY)
    gaps = models.TextField(_("écarts et explications"), blank=True)
    effects = models.TextField(_("effets observés"), blank=True)
    sustainability = models.TextField(_("pérennité"), blank=True)
    reusable = models.TextField(_("ce que d'autres pourraient reprendre"), blank=True)
    is_final = models.BooleanField(_("rapport final"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("déposé par")
    )
    submitted_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    # Coordination or staff read it (« À traiter » lists the reports received and not read yet): who and when
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lu par"),
    )

    history = ChangeHistory(
        excluded_fields=["plan"], table_name="chantiers_historicalprogressreport"
    )  # who, when, what changed (django-simple-history)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_progressreport"
        verbose_name = _("rapport d'étape")
        verbose_name_plural = _("rapports d'étape")
        ordering = ["project", "-period_end"]
        indexes = [
            # A project's latest report up to a date (the theme page, the bilan): read backwards, no sort.
            models.Index(fields=["project", "period_end", "submitted_at", "id"], name="chantiers_report_latest_idx"),
            # The latest reports of a theme or a period, newest first: read in this order until enough are found.
            models.Index(fields=["-period_end", "-submitted_at", "-id"], name="chantiers_report_newest_idx"),
            # A plan's reports with highlights written, by period end: the bilan of a plan counts those of its period
            # on this index alone (scale 100: 60 000 reports, no table read), and lists its latest from its end.
            models.Index(
                fields=["plan", "period_end"], condition=written("highlights"), name="chantiers_report_written_idx"
            ),
            # A plan's reports not read yet (« À traiter »), oldest first: its first ten, whatever the reports of the
            # plan or of the others. (`plan` has no index of its own: nothing else reads the reports by it.)
            models.Index(
                fields=["plan", "submitted_at", "id"],
                condition=Q(read_at__isnull=True),
                name="chantiers_report_unread_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent_done__lte=100), name="chantiers_progressreport_percent_max_100"),
            models.CheckConstraint(
                condition=Q(citizens_reached__lte=F("people_reached")),
                name="chantiers_progressreport_citizens_within_people",
                violation_error_message=_(
                    "Les citoyens rejoints font partie des personnes rejointes : ils ne peuvent être plus nombreux."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expenses__isnull=True) | Q(expenses__gte=0),
                name="chantiers_progressreport_expenses_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="chantiers_progressreport_period_order",
                violation_error_message=_("La fin de la période doit suivre son début."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.period_end:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        left = getattr(self, "_loaded_project_id", None) or self.project_id  # the project it leaves, if moved
        super().save(*args, **kwargs)  # its plan (ProjectPlanKept)
        # The kept latest report of its project (and of the one it left) and their indicators' latest values: a new
        # report, or a period changed, may change them (2 statements; the writers hold the projects' locks)
        ActionProject.objects.filter(pk__in={self.project_id, left}).keep_latest()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        ActionProject.objects.filter(pk=self.project_id).keep_latest()  # its values went with it
        return deleted


class ReportDraft(models.Model):
    """A report being written (« Enregistrer le brouillon »): the lead organisation's answers as typed, not a report.

    It is a row of its own, so that it counts nowhere a report counts (no deadline met, nothing received or late in
    « À traiter », no figure of the bilan) and only the lead organisation's members, who file, see it. « Déposer le
    rapport », after the review page, files it as a ProgressReport (services.reports.report_draft_file); the draft
    stays, linked to the report it became."""

    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="report_drafts", verbose_name=_("projet")
    )
    is_final = models.BooleanField(_("rapport final"), default=False)
    # The report form's fields as typed (the files are chosen on the review page, when the report is filed)
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("enregistré par")
    )
    updated_at = models.DateTimeField(_("enregistré le"), auto_now=True)
    report = models.OneToOneField(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name=_("rapport déposé"),
    )

    class Meta:
        verbose_name = _("brouillon de rapport")
        verbose_name_plural = _("brouillons de rapport")
        constraints = [
            # One draft being written per project and kind of report: the form finds it again
            models.UniqueConstraint(
                fields=["project", "is_final"],
                condition=Q(report__isnull=True),
                name="projects_reportdraft_one_open_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.project} — {gettext('brouillon')}"


class ReportSpending(models.Model):
    """What a report says the project spent to date on one category of expense (its « dépenses à ce jour » by
    line). A report with spending lines carries their sum as its `expenses` (report_create), which the exports keep."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="spending", verbose_name=_("rapport")
    )
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="spending", verbose_name=_("catégorie")
    )
    amount = models.DecimalField(_("dépensé à ce jour"), **MONEY)

    class Meta:
        verbose_name = _("dépense par ligne")
        verbose_name_plural = _("dépenses par ligne")
        ordering = ["report", "category__order", "category_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="projects_reportspending_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="projects_reportspending_amount_not_negative",
                violation_error_message=_("Les dépenses ne peuvent pas être négatives."),
            ),
        ]

    def __str__(self):
        return f"{self.report} — {self.category}: {self.amount}"


class IndicatorValueQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, the kept latest value of each indicator said again (Indicator.latest_value): 1 query more."""
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        Indicator.objects.filter(pk__in={value.indicator_id for value in objs}).keep_latest()
        return created


class IndicatorValue(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_indicatorvalue"
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="chantiers_indicatorvalue_unique")]

    def __str__(self):
        return f"{self.indicator}: {self.value}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The kept latest value of its indicator (and of the one it left, moved in the admin): 1 statement
        Indicator.objects.filter(
            pk__in={self.indicator_id, getattr(self, "_loaded_indicator_id", None) or self.indicator_id}
        ).keep_latest()
        self._loaded_indicator_id = self.indicator_id

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        Indicator.objects.filter(pk=self.indicator_id).keep_latest()
        return deleted

    @classmethod
    def from_db(cls, db, field_names, values):
        value = super().from_db(db, field_names, values)
        value._loaded_indicator_id = value.__dict__.get("indicator_id")  # to know, on save, whether it moved
        return value

    def clean(self):
        if self.report_id and self.indicator_id and self.indicator.project_id != self.report.project_id:
            raise ValidationError(_("Cet indicateur appartient à un autre projet."))


def attachment_path(instance, filename: str) -> str:
    # A random name: the original one is kept in the row, never trusted on disk.
    return f"rapports/{instance.report.project_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ReportAttachmentQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        """The attachments of `alliance`'s projects' reports; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(report__project__theme__plan__alliance=alliance)


class ReportAttachment(models.Model):
    """A document attached to a report; stored outside the static files and served only to
    those who may see the project (projects.views.reports)."""

    report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("rapport")
    )
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    objects = ReportAttachmentQuerySet.as_manager()

    class Meta:
        db_table = "chantiers_reportattachment"
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["report", "pk"]

    def __str__(self):
        return self.original_name


# ---------------------------------------------------------------- the analysis committee (issue 20, part 1)


class CommitteeMemberQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        """The members of `alliance`'s committee; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(alliance=alliance)

    def current(self, on: datetime.date | None = None):
        """Seated on `on` (today): arrived, not yet left."""
        on = on or timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gt=on), since__lte=on)


class CommitteeMember(models.Model):
    """A seat on an alliance's analysis committee: an account (who then scores with their own login) or a name
    Coordination records (whose scores Coordination enters on their behalf), with the organisation they come from.

    Leaving sets `until`: the seat is archived, never deleted, so the declarations and scores it gave stay readable."""

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="committee_members", verbose_name=_("alliance")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_seats",
        verbose_name=_("compte"),
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    since = models.DateField(_("membre depuis le"), default=timezone.localdate)
    until = models.DateField(_("a quitté le"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du comité d'analyse")
        verbose_name_plural = _("membres du comité d'analyse")
        ordering = ["alliance", "since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="projects_committeemember_user_or_name"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="projects_committeemember_dates"
            ),
            models.UniqueConstraint(
                fields=["alliance", "user"],
                condition=Q(until__isnull=True, user__isnull=False),
                name="projects_committeemember_one_open_seat",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return (self.user.get_full_name() or self.user.username) if self.user_id else ""

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.since <= on and (self.until is None or self.until > on)


class ConflictDeclaration(models.Model):
    """A member's declaration of interests for one analysis: in conflict (recused: they neither see the others'
    scores nor score) or not. `prefilled` keeps what the portal proposed (in conflict when the member's organisation
    leads the project or is named a partner); `on_behalf` marks a declaration Coordination recorded for the member."""

    review = models.ForeignKey(
        ProjectReview, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("analyse")
    )
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("membre")
    )
    in_conflict = models.BooleanField(_("en conflit d'intérêts"))
    prefilled = models.BooleanField(_("conflit proposé par le portail"), default=False)
    note = models.TextField(_("précisions"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déclaré par"),
    )
    on_behalf = models.BooleanField(_("saisi par la coordination"), default=False)
    declared_at = models.DateTimeField(_("déclaré le"), default=timezone.now)

    class Meta:
        verbose_name = _("déclaration de conflit d'intérêts")
        verbose_name_plural = _("déclarations de conflit d'intérêts")
        ordering = ["review", "member"]
        constraints = [
            models.UniqueConstraint(fields=["review", "member"], name="projects_conflictdeclaration_unique"),
        ]

    def __str__(self):
        return f"{self.member} — {self.review}"


class MemberScoreQuerySet(models.QuerySet):
    def counted(self):
        """The scores that count: not withdrawn (a withdrawn score is kept, read only in the admin)."""
        return self.filter(withdrawn_at__isnull=True)


class MemberScore(models.Model):
    """One member's score of one criterion in one analysis, a draft until the recommendation. `on_behalf` marks a
    score Coordination entered for the member (a member without an account, or one who scored on paper).

    Never deleted: a recusal withdraws the member's scores of the analysis and emptying a score withdraws it
    (`withdrawn_at`, why in `withdrawn_reason`). A withdrawn score keeps what was typed, counts in no mean, spread or
    quorum and shows to no one but the admin; a new score of the same criterion is a new row."""

    class WithdrawnReason(models.TextChoices):
        CONFLICT = "conflict", _("conflit d'intérêts déclaré")
        EMPTIED = "emptied", _("note effacée par le membre")

    review = models.ForeignKey(
        ProjectReview, on_delete=models.PROTECT, related_name="member_scores", verbose_name=_("analyse")
    )
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="scores", verbose_name=_("membre")
    )
    criterion = models.ForeignKey(
        ReviewCriterion, on_delete=models.PROTECT, related_name="member_scores", verbose_name=_("critère")
    )
    score = models.PositiveSmallIntegerField(_("note"))
    comment = models.TextField(_("commentaire"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    on_behalf = models.BooleanField(_("saisie par la coordination"), default=False)
    entered_at = models.DateTimeField(_("saisie le"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    withdrawn_reason = models.CharField(
        _("motif du retrait"), max_length=20, choices=WithdrawnReason.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retirée par"),
    )

    objects = MemberScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("note d'un membre du comité")
        verbose_name_plural = _("notes des membres du comité")
        ordering = ["review", "member", "criterion__order", "criterion__pk"]
        constraints = [
            # one score that counts per member and criterion; the withdrawn ones stay beside it
            models.UniqueConstraint(
                fields=["review", "member", "criterion"],
                condition=Q(withdrawn_at__isnull=True),
                name="projects_memberscore_unique",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="projects_memberscore_withdrawn_reason",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.criterion}: {self.score}"

    def clean(self):
        if self.criterion_id and self.score is not None and self.score > self.criterion.max_score:
            raise ValidationError({"score": _("La note ne peut dépasser %(max)s.") % {"max": self.criterion.max_score}})
