from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Round
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asis.history_records import ChangeHistory
from plans.models import Plan, PlanYear, Theme
from projects.models import ActionProject, ProjectPartner, ReportDeadline, Resolution

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class LedgerEntry(models.Model):
    """An entry of the append-only ledger: who wrote it and when. Corrections are new entries;
    on PostgreSQL a trigger refuses UPDATE (except of running totals) and DELETE of these rows."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        abstract = True


class InAllianceQuerySet(models.QuerySet):
    """Rows of one alliance: each money model says through which path its row belongs to an alliance (a source
    through its plan, a commitment through its source, an agreement through its project's theme)."""

    alliance_path = ""

    def in_alliance(self, alliance):
        return self.filter(**{self.alliance_path: alliance})


class FundingSourceQuerySet(InAllianceQuerySet):
    alliance_path = "plan__alliance"

    def totals(self) -> dict[str, Decimal]:
        """Envelope, committed, disbursed and left, to the cent, in one query."""
        row = self.aggregate(
            envelope=Sum("amount", default=ZERO),
            committed=Sum("committed_total", default=ZERO),
            disbursed=Sum("disbursed_total", default=ZERO),
        )
        row = {key: value.quantize(CENT) for key, value in row.items()}
        row["remaining"] = row["envelope"] - row["committed"]
        return row


class FundingSource(models.Model):
    """Money the plan can commit: FQIS, Ville de Rouyn-Noranda… The envelope is their sum.

    `committed_total` and `disbursed_total` are running totals kept by budget.services under a
    row lock; the database refuses any state where commitments exceed the source.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="funding_sources", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("nom"), max_length=200)
    funder = models.CharField(_("bailleur de fonds"), max_length=200)
    amount = models.DecimalField(_("montant"), **MONEY)
    committed_total = models.DecimalField(_("engagé"), default=ZERO, editable=False, **MONEY)
    disbursed_total = models.DecimalField(_("versé"), default=ZERO, editable=False, **MONEY)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)

    history = ChangeHistory(
        excluded_fields=["committed_total", "disbursed_total"]
    )  # who, when, what changed (django-simple-history)

    objects = FundingSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source de financement")
        verbose_name_plural = _("sources de financement")
        ordering = ["plan", "order"]
        permissions = [("manage_envelope", _("Engager et verser les montants de l'enveloppe"))]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="budget_fundingsource_unique_code"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_fundingsource_amount_positive"),
            models.CheckConstraint(
                condition=Q(committed_total__gte=0) & Q(committed_total__lte=F("amount")),
                name="budget_fundingsource_not_overcommitted",
                violation_error_message=_("Les engagements dépasseraient le montant de la source."),
            ),
            models.CheckConstraint(
                condition=Q(disbursed_total__gte=0) & Q(disbursed_total__lte=F("committed_total")),
                name="budget_fundingsource_disbursed_within_committed",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed_total


class CommitmentQuerySet(InAllianceQuerySet):
    alliance_path = "source__plan__alliance"


# A commitment with money left to pay (a cent at least: SQLite subtracts in binary floating point); the selectors
# filter on this very expression, so that the partial index below serves them.
LEFT_TO_PAY = Q(GreaterThanOrEqual(F("amount") - F("reduced_total") - F("disbursed_total"), Decimal("0.01")))


class Commitment(LedgerEntry):
    """An amount of one source committed to one accepted project for one plan year.

    `amount` is the decision as taken; reductions and cancellations are entries of their own
    (CommitmentReduction) summed in `reduced_total`. Sum `Commitment.CURRENT` for what is committed now.
    """

    CURRENT = F("amount") - F("reduced_total")

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("source")
    )
    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("projet")
    )
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("année du plan")
    )
    amount = models.DecimalField(_("montant engagé"), **MONEY)
    reduced_total = models.DecimalField(_("réduit ou annulé"), default=ZERO, editable=False, **MONEY)
    disbursed_total = models.DecimalField(_("versé"), default=ZERO, editable=False, **MONEY)
    decided_on = models.DateField(_("date de la décision"))
    # The board's resolution that decides this amount (projects.Resolution, of the same alliance: the services and
    # check_budget see to it).
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("résolution")
    )
    # The free text of before resolutions were records (« CA-2014-04-07 »): kept as written (the ledger is
    # append-only); new commitments get their resolution's number.
    reference = models.CharField(
        _("référence"),
        max_length=100,
        blank=True,
        help_text=_("Par exemple, le numéro de la résolution du conseil d'administration."),
    )
    note = models.TextField(_("note"), blank=True)
    # The commitment of the previous plan whose remaining amount this one carries (budget.services.carry): the old
    # one was reduced by the same amount, so the money is counted once.
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("reporté de l'engagement"),
    )

    history = ChangeHistory(
        excluded_fields=["reduced_total", "disbursed_total"]
    )  # who, when, what changed (django-simple-history)

    objects = CommitmentQuerySet.as_manager()

    class Meta(LedgerEntry.Meta):
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-decided_on", "-pk"]
        indexes = [
            # The envelope's page of commitments, the latest first: read from the index, not sorted.
            models.Index(fields=["decided_on", "id"], name="budget_commitment_decided_idx"),
            # « Versements »: the commitments with money left to pay, the oldest decision first (about half of them,
            # the recent ones: the index on the decision date alone would read every paid commitment before them);
            # with their source, so that counting a plan's reads the index alone (PostgreSQL).
            models.Index(
                fields=["decided_on", "id"],
                condition=LEFT_TO_PAY,
                include=["source"],
                name="budget_commitment_to_pay_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_commitment_amount_positive"),
            models.CheckConstraint(
                # Rounded: SQLite subtracts in binary floating point (500,00 − 375,73 = 124,26999…).
                condition=Q(disbursed_total__gte=0)
                & Q(reduced_total__gte=0)
                & Q(disbursed_total__lte=Round(F("amount") - F("reduced_total"), 2)),
                name="budget_commitment_not_overdisbursed",
                violation_error_message=_("Les versements dépasseraient le montant engagé."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.source} {self.plan_year}: {self.amount}"

    @property
    def current_amount(self) -> Decimal:
        """What is committed now: the original amount less its reductions and cancellation."""
        return self.amount - self.reduced_total

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.reduced_total - self.disbursed_total


class CommitmentReduction(LedgerEntry):
    """A commitment reduced or cancelled: a new dated entry with its reason; the commitment itself never changes."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="reductions", verbose_name=_("engagement")
    )
    amount = models.DecimalField(_("montant retiré"), **MONEY)
    reduced_on = models.DateField(_("date"))
    reason = models.TextField(_("motif"))
    is_cancellation = models.BooleanField(_("annulation"), default=False)
    # The board's resolution that decides this amount (projects.Resolution, of the same alliance: the services and
    # check_budget see to it).
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="reductions", verbose_name=_("résolution")
    )

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    class Meta(LedgerEntry.Meta):
        verbose_name = _("réduction d'engagement")
        verbose_name_plural = _("réductions d'engagements")
        ordering = ["-reduced_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_commitmentreduction_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="budget_commitmentreduction_has_reason"),
        ]

    def __str__(self):
        return f"{self.commitment} − {self.amount}"


class DisbursementQuerySet(InAllianceQuerySet):
    alliance_path = "commitment__source__plan__alliance"


class Disbursement(LedgerEntry):
    """A payment (versement) against a commitment. `amount` is the payment as recorded; corrections
    are entries of their own (DisbursementCorrection) summed, with their sign, in `correction_total`."""

    CURRENT = F("amount") + F("correction_total")

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("engagement")
    )
    amount = models.DecimalField(_("montant versé"), **MONEY)
    correction_total = models.DecimalField(_("corrections"), default=ZERO, editable=False, **MONEY)
    paid_on = models.DateField(_("date du versement"))
    reference = models.CharField(_("référence du paiement"), max_length=100, blank=True)

    history = ChangeHistory(excluded_fields=["correction_total"])  # who, when, what changed (django-simple-history)

    objects = DisbursementQuerySet.as_manager()

    class Meta(LedgerEntry.Meta):
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["-paid_on", "-pk"]
        indexes = [
            # The envelope's latest payments: read from the index, not sorted.
            models.Index(fields=["paid_on", "id"], name="budget_disbursement_paid_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_disbursement_amount_positive"),
            models.CheckConstraint(
                condition=Q(correction_total__gte=-F("amount")),
                name="budget_disbursement_corrected_not_negative",
                violation_error_message=_("Une correction ne peut rendre un versement négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.commitment.project} — {self.paid_on:%Y-%m-%d}: {self.amount}"

    @property
    def current_amount(self) -> Decimal:
        return self.amount + self.correction_total


class DisbursementCorrection(LedgerEntry):
    """A disbursement corrected by a new dated entry with a reason: `delta` is added (or, negative,
    taken away); the original payment stays as it was recorded."""

    disbursement = models.ForeignKey(
        Disbursement, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("versement")
    )
    delta = models.DecimalField(_("écart"), **MONEY)
    corrected_on = models.DateField(_("date de la correction"))
    reason = models.TextField(_("motif"))

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    class Meta(LedgerEntry.Meta):
        verbose_name = _("correction de versement")
        verbose_name_plural = _("corrections de versements")
        ordering = ["-corrected_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="budget_disbursementcorrection_delta_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="budget_disbursementcorrection_has_reason"),
        ]

    def __str__(self):
        return f"{self.disbursement} {self.delta:+}"


# ---------------------------------------------------------------- agreements and payment schedules


class AgreementQuerySet(InAllianceQuerySet):
    alliance_path = "project__theme__plan__alliance"

    def visible_to(self, user):
        """Coordination, staff and the regional funder read every agreement (of the alliance whose pages they are
        on: chain `in_alliance`); a partner those of the projects their organisations lead or are partners of;
        anyone else none."""
        if not user.is_authenticated:
            return self.none()
        if user.reads_figures:
            return self
        org_ids = user.organisation_ids()
        if not org_ids:
            return self.none()
        partner = ProjectPartner.objects.not_declined().filter(
            project_id=models.OuterRef("project_id"), organisation_id__in=org_ids
        )
        return self.filter(Q(project__lead_id__in=org_ids) | models.Exists(partner))

    def with_totals(self):
        """Committed, paid, planned (active), the next payment due and the payments waiting for a
        report, each a subquery: one query for any number of agreements."""
        money = models.DecimalField(**MONEY)
        commitments = (
            Commitment.objects.filter(project_id=models.OuterRef("project_id")).order_by().values("project_id")
        )
        active = PlannedPayment.objects.filter(agreement_id=models.OuterRef("pk"), cancelled_on__isnull=True).order_by()
        unpaid = active.filter(disbursement__isnull=True)
        waiting = unpaid.filter(required_report__isnull=False, required_report__report__isnull=True)
        return self.annotate(
            committed=Coalesce(
                models.Subquery(commitments.annotate(s=Sum(Commitment.CURRENT)).values("s")), ZERO, output_field=money
            ),
            paid=Coalesce(
                models.Subquery(commitments.annotate(s=Sum("disbursed_total")).values("s")), ZERO, output_field=money
            ),
            planned=Coalesce(
                models.Subquery(active.values("agreement_id").annotate(s=Sum("amount")).values("s")),
                ZERO,
                output_field=money,
            ),
            next_due_on=models.Subquery(unpaid.order_by("due_on", "pk").values("due_on")[:1]),
            next_due_amount=models.Subquery(unpaid.order_by("due_on", "pk").values("amount")[:1], output_field=money),
            waiting_for_report=Coalesce(
                models.Subquery(waiting.values("agreement_id").annotate(c=models.Count("pk")).values("c")), 0
            ),
        )


class Agreement(LedgerEntry):
    """The agreement (convention) signed with an accepted project: the amounts are its commitments;
    its payment schedule says when each payment falls due and which report it waits for."""

    project = models.OneToOneField(
        ActionProject, on_delete=models.PROTECT, related_name="agreement", verbose_name=_("projet")
    )
    signed_on = models.DateField(_("signée le"))
    reference = models.CharField(_("référence"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    objects = AgreementQuerySet.as_manager()

    class Meta(LedgerEntry.Meta):
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"{self.project} — {self.signed_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("budget:agreement-detail", args=[self.pk])


class PlannedPaymentQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, each row's `plan` filled from its commitment's source (save() does it for one): 1 query
        more, none when every row has it."""
        objs = list(objs)
        missing = {row.commitment_id for row in objs if row.plan_id is None}
        if missing:
            plans = dict(Commitment.objects.filter(pk__in=missing).values_list("pk", "source__plan_id"))
            for row in objs:
                if row.plan_id is None:
                    row.plan_id = plans.get(row.commitment_id)
        return super().bulk_create(objs, *args, **kwargs)


class PlannedPayment(LedgerEntry):
    """One payment of an agreement's schedule: due date, amount, the commitment it draws on and,
    optionally, the report that must be filed before it is released. `disbursement` is the actual
    payment once made. A planned payment no longer wanted is cancelled with a reason, not deleted.

    `plan` is the plan of the envelope that pays it (its commitment's source's), kept on the row so that a plan's
    open payments are one index, walked in due order and left after a page (through the agreement, the project and
    its theme, PostgreSQL joined every open payment of the instance). A payment's commitment and a commitment's
    source never change: it is set once, on insert (save(), bulk_create()), as the append-only ledger allows;
    check_figures checks it."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, verbose_name=_("plan")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="planned_payments", verbose_name=_("convention")
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="planned_payments", verbose_name=_("engagement")
    )
    due_on = models.DateField(_("prévu le"))
    amount = models.DecimalField(_("montant prévu"), **MONEY)
    required_report = models.ForeignKey(
        ReportDeadline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_payments",
        verbose_name=_("rapport exigé avant le versement"),
    )
    disbursement = models.OneToOneField(
        Disbursement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_payment",
        verbose_name=_("versement"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    objects = PlannedPaymentQuerySet.as_manager()

    class Meta(LedgerEntry.Meta):
        verbose_name = _("versement prévu")
        verbose_name_plural = _("versements prévus")
        ordering = ["agreement", "due_on", "pk"]
        indexes = [
            # A plan's payments still to make, soonest due first (« À traiter », the envelope's payments page and
            # its count): read in this order, among the plan's few not paid nor cancelled, instead of joining every
            # open payment of the instance to its project and theme.
            models.Index(
                fields=["plan", "due_on", "id"],
                condition=Q(disbursement__isnull=True, cancelled_on__isnull=True),
                name="budget_planned_plan_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_plannedpayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | ~Q(cancel_reason=""),
                name="budget_plannedpayment_cancel_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.project} — {self.due_on:%Y-%m-%d}: {self.amount}"

    def save(self, *args, **kwargs):
        if self.plan_id is None:  # its commitment's source's plan: read unless the caller has it
            commitment = self.commitment if type(self).commitment.is_cached(self) else None
            if commitment is not None and Commitment.source.is_cached(commitment):
                self.plan_id = commitment.source.plan_id
            else:
                self.plan_id = (
                    FundingSource.objects.filter(commitments=self.commitment_id).values_list("plan_id", flat=True).get()
                )
        super().save(*args, **kwargs)


# ---------------------------------------------------------------- targets, carry-over and reallocations


class BudgetTargetQuerySet(InAllianceQuerySet):
    alliance_path = "plan__alliance"

    def with_current(self):
        """Annotate `moved_in`, `moved_out` and `current` (the share as first set + moves in − moves out).

        Subqueries, not joins: a target with several moves in and out is summed once per move."""
        money = models.DecimalField(**MONEY)
        return self.with_moves().annotate(
            current=ExpressionWrapper(F("amount") + F("moved_in") - F("moved_out"), output_field=money)
        )

    def with_moves(self):
        """Annotate `moved_in` and `moved_out` alone (`with_current` without `current`, whose expression repeats
        both subqueries: a list read whole adds them up itself, budget.selectors.targets.targets_of)."""
        moves = TargetMove.objects.order_by().values("pk")
        moved_in = Subquery(
            moves.filter(to_target=OuterRef("pk")).values("to_target").annotate(s=Sum("amount")).values("s")
        )
        moved_out = Subquery(
            moves.filter(from_target=OuterRef("pk")).values("from_target").annotate(s=Sum("amount")).values("s")
        )
        money = models.DecimalField(**MONEY)
        return self.annotate(
            moved_in=Coalesce(moved_in, ZERO, output_field=money),
            moved_out=Coalesce(moved_out, ZERO, output_field=money),
        )


class BudgetTarget(LedgerEntry):
    """The share of the envelope meant for one theme, or for one plan year (exactly one of the two).
    `amount` is the share as first set; later changes are TargetMove entries with a reason."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="budget_targets", verbose_name=_("plan"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_targets", verbose_name=_("enjeu")
    )
    plan_year = models.ForeignKey(
        PlanYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_targets",
        verbose_name=_("année du plan"),
    )
    amount = models.DecimalField(_("cible"), **MONEY)

    objects = BudgetTargetQuerySet.as_manager()

    class Meta(LedgerEntry.Meta):
        verbose_name = _("cible budgétaire")
        verbose_name_plural = _("cibles budgétaires")
        ordering = ["plan", "theme__order", "plan_year__number"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(theme__isnull=True) & Q(plan_year__isnull=False))
                | (Q(theme__isnull=False) & Q(plan_year__isnull=True)),
                name="budget_budgettarget_theme_xor_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_budgettarget_amount_not_negative"),
            models.UniqueConstraint(
                fields=["plan", "theme"], condition=Q(theme__isnull=False), name="budget_budgettarget_unique_theme"
            ),
            models.UniqueConstraint(
                fields=["plan", "plan_year"],
                condition=Q(plan_year__isnull=False),
                name="budget_budgettarget_unique_year",
            ),
        ]

    def __str__(self):
        return f"{self.theme or self.plan_year}: {self.amount}"

    @property
    def label(self) -> str:
        """The theme's name or the plan year (« 2014-2015 »); needs theme and plan_year loaded."""
        return self.theme.name if self.theme_id else self.plan_year.label

    @property
    def is_year(self) -> bool:
        return self.plan_year_id is not None


class TargetMove(LedgerEntry):
    """Money moved from one target to another of the same kind (theme to theme, year to year),
    with a reason: a reallocation, or a carry-over of what a year left unspent to the next one."""

    class Kind(models.TextChoices):
        REALLOCATION = "reallocation", _("Réaffectation")
        CARRY_OVER = "carry_over", _("Report à l'année suivante")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.REALLOCATION)
    from_target = models.ForeignKey(
        BudgetTarget, on_delete=models.PROTECT, related_name="moves_out", verbose_name=_("de")
    )
    to_target = models.ForeignKey(
        BudgetTarget, on_delete=models.PROTECT, related_name="moves_in", verbose_name=_("vers")
    )
    amount = models.DecimalField(_("montant"), **MONEY)
    moved_on = models.DateField(_("date"))
    reason = models.TextField(_("motif"))
    # The board's resolution that decides this amount (projects.Resolution, of the same alliance: the services and
    # check_budget see to it).
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="target_moves", verbose_name=_("résolution")
    )

    class Meta(LedgerEntry.Meta):
        verbose_name = _("réaffectation ou report")
        verbose_name_plural = _("réaffectations et reports")
        ordering = ["-moved_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_targetmove_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="budget_targetmove_has_reason"),
            models.CheckConstraint(condition=~Q(from_target=F("to_target")), name="budget_targetmove_distinct_targets"),
        ]

    def __str__(self):
        return f"{self.from_target} → {self.to_target}: {self.amount}"


# ---------------------------------------------------------------- change requests and amendments (issue 20, part 4)


class ChangeSettings(models.Model):
    """What an alliance's Coordination decides about change requests: the share of a project's total that a request
    made of line moves alone may move without review (`auto_accept_percent`, e.g. 10 %; 0 = every move is
    reviewed). One row per alliance, made on first edit; no row reads as 0. A row of its own rather than a field of
    Alliance: the budget app owns the rule, and alliances (below it) cannot name it."""

    alliance = models.OneToOneField(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="change_settings", verbose_name=_("alliance")
    )
    auto_accept_percent = models.DecimalField(
        _("seuil d'acceptation sans examen (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        help_text=_(
            "Une demande qui ne fait que déplacer de l'argent entre lignes budgétaires, pour au plus ce pourcentage "
            "du total du projet, est acceptée sans examen et consignée. 0 : chaque déplacement est examiné."
        ),
    )

    history = ChangeHistory()  # who, when, what changed: the rule that lets money move without review

    class Meta:
        verbose_name = _("règle des demandes de modification")
        verbose_name_plural = _("règles des demandes de modification")
        constraints = [
            models.CheckConstraint(
                condition=Q(auto_accept_percent__gte=0) & Q(auto_accept_percent__lte=100),
                name="budget_changesettings_percent_0_100",
                violation_error_message=_("Le seuil est un pourcentage entre 0 et 100."),
            ),
        ]

    def __str__(self):
        return f"{self.alliance}: {self.auto_accept_percent} %"


class ChangeRequestQuerySet(InAllianceQuerySet):
    alliance_path = "project__theme__plan__alliance"

    def pending(self):
        return self.filter(status=ChangeRequest.Status.PENDING)


class ChangeRequest(models.Model):
    """A change the lead of a project under agreement asks for, with its reason: new dates, moves between its budget
    lines, a new scope (the project's description), new indicator targets — any of them together. Coordination
    accepts or refuses it with its reason; a request of line moves alone under the alliance's threshold
    (ChangeSettings) is accepted at once (AUTO_ACCEPTED). Accepted, it amends the agreement (AgreementAmendment).
    Never deleted: the refused ones stay in the project's record as the accepted ones.

    A field left empty (None, "") is not part of the request; `clear_end_date` asks to remove the end date (a start
    date stays: a project under agreement keeps one); a target row with no new target asks to remove the indicator's
    target. The moves and targets are rows of their own."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        AUTO_ACCEPTED = "auto_accepted", _("Acceptée sans examen")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("convention")
    )
    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("projet")
    )
    new_start_date = models.DateField(_("nouveau début"), null=True, blank=True)
    new_end_date = models.DateField(_("nouvelle fin"), null=True, blank=True)
    clear_end_date = models.BooleanField(_("retirer la date de fin"), default=False)
    new_scope = models.TextField(_("nouvelle portée (description)"), blank=True)
    reason = models.TextField(_("motif"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("demandée par")
    )
    asked_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de modification")
        verbose_name_plural = _("demandes de modification")
        ordering = ["-asked_at", "-pk"]
        indexes = [models.Index(fields=["status", "asked_at"], name="budget_changerequest_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(clear_end_date=False) | Q(new_end_date__isnull=True),
                name="budget_changerequest_clear_or_new_end_date",
                violation_error_message=_("Retirez la date de fin ou indiquez-en une nouvelle, pas les deux."),
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.asked_at:%Y-%m-%d} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("budget:change-request-detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ChangeRequestMove(models.Model):
    """Money a change request moves from one budget line (category × plan year) to another, new or not."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="moves", verbose_name=_("demande")
    )
    from_category = models.ForeignKey(
        "projects.ExpenseCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("de la catégorie")
    )
    from_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("de l'année"))
    to_category = models.ForeignKey(
        "projects.ExpenseCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("vers la catégorie")
    )
    to_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("vers l'année"))
    amount = models.DecimalField(_("montant"), **MONEY)

    class Meta:
        verbose_name = _("déplacement entre lignes")
        verbose_name_plural = _("déplacements entre lignes")
        ordering = ["change_request", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_changerequestmove_amount_positive",
                violation_error_message=_("Le montant déplacé doit être positif."),
            ),
        ]

    def __str__(self):
        return f"{self.from_category} {self.from_year} → {self.to_category} {self.to_year}: {self.amount}"


class ChangeRequestTarget(models.Model):
    """The new target a change request asks for one of the project's indicators (None: no target any more)."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="targets", verbose_name=_("demande")
    )
    indicator = models.ForeignKey(
        "projects.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name=_("indicateur")
    )
    new_target = models.DecimalField(_("nouvelle cible"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("nouvelle cible d'indicateur")
        verbose_name_plural = _("nouvelles cibles d'indicateurs")
        ordering = ["change_request", "pk"]

    def __str__(self):
        return f"{self.indicator}: {self.new_target}"


class AgreementAmendment(models.Model):
    """An accepted change request makes the agreement's next version: amendment 1 makes version 2, and so on. It keeps
    the terms the change touched as they were before and as they are after (`terms_before`, `terms_after`: dates,
    scope, budget lines, indicator targets, total, as plain strings), so every earlier version stays readable on the
    agreement's page even though the project's rows now hold the latest one."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("convention")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    change_request = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="amendment", verbose_name=_("demande")
    )
    made_on = models.DateField(_("en vigueur le"))
    summary = models.TextField(_("ce qui change"))
    terms_before = models.JSONField(_("termes avant"), default=dict)
    terms_after = models.JSONField(_("termes après"), default=dict)
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="budget_agreementamendment_unique_number"),
        ]

    def __str__(self):
        return f"{self.agreement} — avenant {self.number}"

    @property
    def version(self) -> int:
        """The agreement's version this amendment makes (the signed agreement is version 1)."""
        return self.number + 1


# ---------------------------------------------------------------- concertation as a contribution (issue 21, part 3)


class ContributionRateQuerySet(InAllianceQuerySet):
    alliance_path = "alliance"


class ContributionRate(models.Model):
    """The hourly rate at which an alliance values its partners' staff time at meetings (« temps valorisé »), from a
    date: a new row per change, never edited nor deleted, so a meeting is valued at the rate in force on its day and
    the history shows who set what. An in-kind contribution, not money: never added to a cash total."""

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="contribution_rates", verbose_name=_("alliance")
    )
    hourly_rate = models.DecimalField(_("taux horaire"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("à compter du"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("fixé par")
    )
    set_at = models.DateTimeField(_("fixé le"), auto_now_add=True)

    objects = ContributionRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("taux horaire du temps valorisé")
        verbose_name_plural = _("taux horaires du temps valorisé")
        ordering = ["alliance", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "valid_from"],
                name="budget_contributionrate_one_per_day",
                violation_error_message=_("Un taux est déjà fixé à compter de cette date."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gt=0),
                name="budget_contributionrate_positive",
                violation_error_message=_("Le taux horaire doit être plus grand que zéro."),
            ),
        ]

    def __str__(self):
        return f"{self.alliance}: {self.hourly_rate} $/h ({self.valid_from:%Y-%m-%d})"


class ParticipationSupportQuerySet(InAllianceQuerySet):
    alliance_path = "space__alliance"

    def active(self):
        return self.filter(cancelled_at__isnull=True)


class ParticipationSupport(models.Model):
    """A small payment that helps citizens take part in a space's meeting (transport, childcare, meals). Law 25:
    no name, only how many people it helped. Drawn from the alliance's own « Participation citoyenne » expense
    category (or another of its categories), never from the envelope: no commitment nor payment of a project moves.
    Never deleted: cancelled with a reason."""

    class Kind(models.TextChoices):
        TRANSPORT = "transport", _("Transport")
        CHILDCARE = "childcare", _("Garde d'enfants")
        MEALS = "meals", _("Repas")
        OTHER = "other", _("Autre")

    space = models.ForeignKey(
        "chantiers.Space",
        on_delete=models.PROTECT,
        related_name="participation_supports",
        verbose_name=_("lieu de concertation"),
    )
    meeting = models.ForeignKey(
        "chantiers.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participation_supports",
        verbose_name=_("rencontre"),
    )
    category = models.ForeignKey(
        "projects.ExpenseCategory",
        on_delete=models.PROTECT,
        related_name="participation_supports",
        verbose_name=_("catégorie de dépenses"),
    )
    paid_on = models.DateField(_("date"))
    kind = models.CharField(_("type de soutien"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("montant"), **MONEY)
    people = models.PositiveSmallIntegerField(_("nombre de personnes aidées"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisi par")
    )
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annulé par"),
    )
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)

    objects = ParticipationSupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("soutien à la participation citoyenne")
        verbose_name_plural = _("soutiens à la participation citoyenne")
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["space", "paid_on"], name="budget_partsupport_space_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="budget_participationsupport_amount_positive",
                violation_error_message=_("Le montant doit être plus grand que zéro."),
            ),
            models.CheckConstraint(
                condition=Q(people__gte=1),
                name="budget_participationsupport_people_positive",
                violation_error_message=_("Indiquez combien de personnes ce soutien a aidées (au moins une)."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="budget_participationsupport_cancel_reason",
                violation_error_message=_("Donnez le motif de l'annulation."),
            ),
        ]

    def __str__(self):
        return f"{self.space} — {self.get_kind_display()} {self.amount} $ ({self.paid_on:%Y-%m-%d})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None
