"""The totals of a plan, kept by its writes (issue 18, item 1).

Each row is a sum the plan-wide pages read instead of summing every project, commitment and payment: the services
that write money and projects add their deltas to it in the same transaction (`figures.services`), the way the
ledger keeps a source's `committed_total`. `manage.py check_figures` recomputes every row from the source rows and
fails on a difference (`budget.figures_check`). Rows are never deleted; a row that sums to zero stays.

The app sits just above the plans (pyproject.toml): budget, projects and chantiers call it; it imports nothing of
theirs. A funding source is therefore named by its id, not by a foreign key to budget's table.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models import Plan, PlanYear, Theme

ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


class PlanMoney(models.Model):
    """What a plan's funding source commits and pays, per theme of the funded project, plan year and status of the
    project: the project's status is a key so that each visitor's sum (the public's: accepted projects only) is a
    sum of rows; a status change moves the project's money from one row to another."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")  # the source's plan
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")  # the project's theme
    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()  # budget.FundingSource, which sits above this app
    status = models.CharField(max_length=20)  # projects.ProjectStatus
    committed = models.DecimalField(_("engagé"), default=ZERO, **MONEY)  # Σ amount − reduced_total
    paid = models.DecimalField(_("versé"), default=ZERO, **MONEY)  # Σ disbursed_total (payments as corrected)
    commitments = models.IntegerField(default=0)  # a signed delta may be inserted first (no CHECK)
    # Projects whose first commitment from this plan's sources (lowest pk) falls in this row: summed over a theme's
    # rows, the projects the plan funds in it.
    projects = models.IntegerField(default=0)  # a signed delta may be inserted first (no CHECK)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "theme", "plan_year", "source_id", "status"], name="figures_planmoney_unique"
            )
        ]

    def __str__(self):
        return f"{self.plan_id}/{self.theme_id}/{self.plan_year_id}/{self.source_id}/{self.status}"


class PlanPayments(models.Model):
    """What a plan's funding sources paid on one day: its payments of that date (`paid_on`) as corrected since (a
    correction counts on the day of the payment it corrects, as the payments per quarter show it). The envelope's
    payments per quarter sum a row per day of the plan, never the payments."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")  # the source's plan
    date = models.DateField()
    paid = models.DecimalField(_("versé"), default=ZERO, **MONEY)  # Σ amount + correction_total

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "date"], name="figures_planpayments_unique")]

    def __str__(self):
        return f"{self.plan_id}/{self.date}: {self.paid}"


class ThemeMoney(models.Model):
    """What was committed and paid on one day to the projects of a theme, per plan year and funding source: the
    commitments decided that day, as reduced since (a reduction counts on the day of the commitment it reduces), the
    payments made that day and the corrections made that day (a correction counts on its own date here, unlike
    PlanPayments). It is the bilan's money as the bilan dates it (bilan.selectors.figures.money_rows_of): a bilan of
    any period sums the rows of its days, a few per day and theme, never the commitments and payments."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")  # the project's theme
    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="+")  # the commitment's
    source_id = models.PositiveBigIntegerField()  # budget.FundingSource, which sits above this app
    date = models.DateField()
    committed = models.DecimalField(_("engagé"), default=ZERO, **MONEY)  # Σ amount − reduced_total, by decided_on
    paid = models.DecimalField(_("versé"), default=ZERO, **MONEY)  # Σ amount by paid_on + Σ delta by corrected_on

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "date", "plan_year", "source_id"], name="figures_thememoney_unique"
            )
        ]
        # what a source has committed up to a day (the bilan's « reste » of each source)
        indexes = [models.Index(fields=["source_id", "date"], name="figures_thememoney_source_idx")]

    def __str__(self):
        return f"{self.theme_id}/{self.date}/{self.plan_year_id}/{self.source_id}: {self.committed} {self.paid}"


class ThemeProjects(models.Model):
    """How many projects a theme has in one status, and what they report and gather: the people and citizens their
    latest progress reports say they reached (reports are cumulative: the latest one, by period end, then filing,
    counts), their other funding and their confirmed partners' contributions (the leverage)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")  # the theme's plan
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    # Signed deltas may be inserted first (no CHECK) on every count and sum below.
    projects = models.IntegerField(default=0)
    people_reached = models.BigIntegerField(default=0)  # Σ of each project's latest report
    citizens_reached = models.BigIntegerField(default=0)  # Σ of each project's latest report
    other_funding = models.DecimalField(_("autre financement"), default=ZERO, **MONEY)  # Σ OtherFunding.amount
    # Σ ProjectPartner.contribution_value of the confirmed partners (an unconfirmed amount is only the lead's word)
    contributions = models.DecimalField(_("contributions des partenaires"), default=ZERO, **MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "status"], name="figures_themeprojects_unique")]

    def __str__(self):
        return f"{self.theme_id}/{self.status}: {self.projects}"


class MeetingCounts(models.Model):
    """What a day's meetings add up to: how many, the attendance rows marked present at them, and of those the
    citizens'. Keyed by day: "held" (before today) is a sum of rows, a plan year a range of days; the rows stay
    bounded by the days of the plan, not by the meetings."""

    date = models.DateField()
    meetings = models.IntegerField(default=0)  # a signed delta may be inserted first (no CHECK)
    present = models.IntegerField(default=0)
    citizens_present = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ThemeMeetings(MeetingCounts):
    """The meetings of the spaces serving a theme on one day (`MeetingCounts`)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")  # the theme's plan
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "date"], name="figures_thememeetings_unique")]

    def __str__(self):
        return f"{self.theme_id}/{self.date}: {self.meetings}"


class PlanMeetings(MeetingCounts):
    """The same, counted once per plan: a meeting whose space serves two themes of the plan counts once."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "date"], name="figures_planmeetings_unique")]

    def __str__(self):
        return f"{self.plan_id}/{self.date}: {self.meetings}"
