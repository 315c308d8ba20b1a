"""Each planned payment keeps the plan of the envelope that pays it (its commitment's source's), and a plan's open
payments are one index in due order (« À traiter », the envelope's payments page and its count: issue 18).

The ledger is append-only on PostgreSQL (0005): its trigger refuses this UPDATE, so the fill disables it for the
one statement, in the migration's transaction (ALTER TABLE takes the table's lock until the commit: no writer sees
it off). The old index of every plan's open payments is dropped: nothing reads them but by plan (the others read a
commitment's or an agreement's few, through their own indexes)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery

TRIGGER = "budget_plannedpayment_append_only"


def fill(apps, schema_editor):
    """Each planned payment's plan, and its history's: its commitment's source's (one UPDATE each)."""
    FundingSource = apps.get_model("budget", "FundingSource")
    plan = Subquery(FundingSource.objects.filter(commitments=OuterRef("commitment_id")).values("plan_id")[:1])
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute(f"ALTER TABLE budget_plannedpayment DISABLE TRIGGER {TRIGGER}")
    apps.get_model("budget", "PlannedPayment").objects.update(plan_id=plan)
    if postgresql:
        schema_editor.execute(f"ALTER TABLE budget_plannedpayment ENABLE TRIGGER {TRIGGER}")
    # the history's rows too: otherwise the next change of a payment would list its plan as changed
    apps.get_model("budget", "HistoricalPlannedPayment").objects.update(plan_id=plan)
    if postgresql:  # the deferred foreign keys of the rows just filled checked now, before the column is altered
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0012_commitment_to_pay_index"),
        ("plans", "0008_plan_version_parts"),
    ]

    operations = [
        migrations.AddField(
            model_name="plannedpayment",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="plans.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalplannedpayment",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.plan",
                verbose_name="plan",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="plannedpayment",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="plans.plan",
                verbose_name="plan",
            ),
        ),
        migrations.RemoveIndex(
            model_name="plannedpayment",
            name="budget_plannedpayment_open_idx",
        ),
        migrations.AddIndex(
            model_name="plannedpayment",
            index=models.Index(
                condition=Q(("cancelled_on__isnull", True), ("disbursement__isnull", True)),
                fields=["plan", "due_on", "id"],
                name="budget_planned_plan_open_idx",
            ),
        ),
    ]
