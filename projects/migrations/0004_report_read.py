"""Who read a report and when (issue 23, « À traiter »: the reports received and not read yet). The reports filed
before the marker existed count as read when they were filed (`read_by` left empty): the coordinators read them
without a marker, and listing years of reports as new would bury the ones that are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def earlier_reports_read(apps, schema_editor):
    ProgressReport = apps.get_model("projects", "ProgressReport")
    ProgressReport.objects.using(schema_editor.connection.alias).update(read_at=F("submitted_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_actionproject_continues'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalprogressreport',
            name='read_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lu le'),
        ),
        migrations.AddField(
            model_name='historicalprogressreport',
            name='read_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lu par'),
        ),
        migrations.AddField(
            model_name='progressreport',
            name='read_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='lu le'),
        ),
        migrations.AddField(
            model_name='progressreport',
            name='read_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='lu par'),
        ),
        migrations.AddIndex(
            model_name='progressreport',
            index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['submitted_at', 'id'], name='chantiers_report_unread_idx'),
        ),
        # Back, the marker goes with its columns.
        migrations.RunPython(earlier_reports_read, migrations.RunPython.noop),
    ]
