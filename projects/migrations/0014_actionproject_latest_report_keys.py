"""Each project keeps the two keys its latest report is the latest by (the end of its period, when it was filed),
with the report (ActionProject.latest_report): a theme's page lists its projects' latest progress newest first by
walking its projects on an index of these keys, ten rows, instead of joining every report of the theme (issue 18).
Filled from the kept latest report."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    ActionProject = apps.get_model("projects", "ActionProject")
    ProgressReport = apps.get_model("projects", "ProgressReport")
    # order_by(): the report's default ordering (its project, then the project's title) would join the projects
    # inside the subquery under the outer table's own name, and read another report's keys
    report = ProgressReport.objects.filter(pk=OuterRef("latest_report_id")).order_by()
    ActionProject.objects.filter(latest_report__isnull=False).update(
        latest_period_end=Subquery(report.values("period_end")[:1]),
        latest_submitted_at=Subquery(report.values("submitted_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0013_actionproject_status_since"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionproject",
            name="latest_period_end",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="fin de la période du dernier rapport"
            ),
        ),
        migrations.AddField(
            model_name="actionproject",
            name="latest_submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="dernier rapport déposé le"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="actionproject",
            index=models.Index(
                condition=models.Q(("latest_report__isnull", False)),
                fields=["theme", "-latest_period_end", "-latest_submitted_at", "-latest_report"],
                name="chantiers_project_progress_idx",
            ),
        ),
    ]
