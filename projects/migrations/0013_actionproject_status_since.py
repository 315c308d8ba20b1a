"""Each project keeps when its status last changed (its latest status change): « À traiter » orders the projects
waiting by it without looking up each one's history (issue 18). Filled from the status changes."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):
    ActionProject = apps.get_model("projects", "ActionProject")
    ProjectStatusChange = apps.get_model("projects", "ProjectStatusChange")
    last = (
        ProjectStatusChange.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(last=Max("changed_at"))
        .values("last")
    )
    ActionProject.objects.update(status_since=Subquery(last))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0012_reportdeadline_project_closed"),
    ]

    operations = [
        migrations.AddField(
            model_name="actionproject",
            name="status_since",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="statut depuis le"),
        ),
        migrations.AddField(
            model_name="historicalactionproject",
            name="status_since",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="statut depuis le"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
