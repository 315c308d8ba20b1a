from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from chantiers.models import ActionProject, Plan, PlanYear

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class FundingSourceQuerySet(models.QuerySet):
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


class Commitment(models.Model):
    """An amount of one source committed to one accepted project for one plan year.

    `amount` is the decision as taken; reductions and cancellations are entries of their own
    (CommitmentReduction) summed in `reduced_total`. Sum `Commitment.CURRENT` for what is committed now.
    """

    CURRENT = F("amount") - F("reduced_total")

    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("source"))
    project = models.ForeignKey(ActionProject, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("projet"))
    plan_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("année du plan"))
    amount = models.DecimalField(_("montant engagé"), **MONEY)
    reduced_total = models.DecimalField(_("réduit ou annulé"), default=ZERO, editable=False, **MONEY)
    disbursed_total = models.DecimalField(_("versé"), default=ZERO, editable=False, **MONEY)
    decided_on = models.DateField(_("date de la décision"))
    reference = models.CharField(_("référence"), max_length=100, blank=True, help_text=_("Par exemple, le numéro de la résolution du conseil d'administration."))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("saisi par"))
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_commitment_amount_positive"),
            models.CheckConstraint(
                condition=Q(disbursed_total__gte=0) & Q(reduced_total__gte=0)
                & Q(disbursed_total__lte=F("amount") - F("reduced_total")),
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


class CommitmentReduction(models.Model):
    """A commitment reduced or cancelled: a new dated entry with its reason; the commitment itself never changes."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="reductions", verbose_name=_("engagement"))
    amount = models.DecimalField(_("montant retiré"), **MONEY)
    reduced_on = models.DateField(_("date"))
    reason = models.TextField(_("motif"))
    is_cancellation = models.BooleanField(_("annulation"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("saisi par"))
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réduction d'engagement")
        verbose_name_plural = _("réductions d'engagements")
        ordering = ["-reduced_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_commitmentreduction_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="budget_commitmentreduction_has_reason"),
        ]

    def __str__(self):
        return f"{self.commitment} − {self.amount}"


class Disbursement(models.Model):
    """A payment (versement) against a commitment."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("engagement"))
    amount = models.DecimalField(_("montant versé"), **MONEY)
    paid_on = models.DateField(_("date du versement"))
    reference = models.CharField(_("référence du paiement"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("saisi par"))
    created_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["-paid_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_disbursement_amount_positive")]

    def __str__(self):
        return f"{self.commitment.project} — {self.paid_on:%Y-%m-%d}: {self.amount}"
