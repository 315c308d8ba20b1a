"""A deadline says whether a report answers it (`filed`), set from the reports already there (issue 18: the late
reports read a partial index, not the reports)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    ReportDeadline = apps.get_model("projects", "ReportDeadline")
    ProgressReport = apps.get_model("projects", "ProgressReport")
    ReportDeadline.objects.using(db).filter(
        Exists(ProgressReport.objects.using(db).filter(deadline=OuterRef("pk")))
    ).update(filed=True)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_report_draft'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reportdeadline',
            name='filed',
            field=models.BooleanField(default=False, verbose_name='rapport reçu'),
        ),
        migrations.AddIndex(
            model_name='reportdeadline',
            index=models.Index(condition=models.Q(('filed', False)), fields=['due_on'], name='chantiers_deadline_unfiled_idx'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
