import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def fill(apps, schema_editor):
    """Each report deadline's plan: the plan of its project's theme (one UPDATE)."""
    ReportDeadline = apps.get_model("projects", "ReportDeadline")
    ActionProject = apps.get_model("projects", "ActionProject")
    plan = ActionProject.objects.filter(pk=OuterRef("project_id")).values("theme__plan_id")
    ReportDeadline.objects.update(plan_id=Subquery(plan))


def constraints_now(apps, schema_editor):
    """PostgreSQL checks the deferred foreign keys of the rows just filled now, before the column is altered."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0007_plan_version"),
        ("projects", "0009_progressreport_plan"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportdeadline",
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
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(constraints_now, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reportdeadline",
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
        migrations.AddIndex(
            model_name="reportdeadline",
            index=models.Index(
                condition=Q(("filed", False)),
                fields=["plan", "due_on", "id"],
                name="chantiers_deadline_plan_idx",
            ),
        ),
    ]
