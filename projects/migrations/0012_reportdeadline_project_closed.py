"""Each report deadline keeps whether its project reports no more (withdrawn, or its final report filed): the awaited
and late deadlines are then read on the plan's index alone (issue 18). Filled from the projects' statuses."""

from django.conf import settings
from django.db import migrations, models

CLOSED = ("withdrawn", "final_report")  # projects.models.REPORTING_CLOSED_STATUSES when this was written


def fill(apps, schema_editor):
    ReportDeadline = apps.get_model("projects", "ReportDeadline")
    ReportDeadline.objects.filter(project__status__in=CLOSED).update(project_closed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_plan_version_parts"),
        ("projects", "0011_kept_latest_report_and_values"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="reportdeadline",
            name="chantiers_deadline_unfiled_idx",
        ),
        migrations.RemoveIndex(
            model_name="reportdeadline",
            name="chantiers_deadline_plan_idx",
        ),
        migrations.AddField(
            model_name="reportdeadline",
            name="project_closed",
            field=models.BooleanField(default=False, editable=False, verbose_name="projet clos"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="reportdeadline",
            index=models.Index(
                condition=models.Q(("filed", False), ("project_closed", False)),
                fields=["due_on"],
                name="chantiers_deadline_unfiled_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="reportdeadline",
            index=models.Index(
                condition=models.Q(("filed", False), ("project_closed", False)),
                fields=["plan", "due_on", "id"],
                name="chantiers_deadline_plan_idx",
            ),
        ),
    ]
