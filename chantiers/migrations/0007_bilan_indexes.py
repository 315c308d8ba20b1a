from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes for the bilan (issue 7): each project's latest report up to a date, and the latest
    reports of a period (its highlights), read from the index."""

    dependencies = [
        ("chantiers", "0006_performance_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(fields=["project", "period_end", "submitted_at", "id"], name="chantiers_report_latest_idx"),
        ),
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(fields=["period_end"], name="chantiers_report_end_idx"),
        ),
    ]
