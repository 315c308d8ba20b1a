# The hyperconcertation figures (a cache) are kept per alliance: each alliance's page counts its own meetings and
# seats (issue 17, item 2). The cache is emptied and marked stale; the next read of a page builds it again.

import django.db.models.deletion
from django.db import migrations, models

FIGURES = ("spaces", "meetings_3", "minutes_3", "meetings_6", "minutes_6", "meetings_12", "minutes_12")


def empty_the_cache(apps, schema_editor):
    apps.get_model("chantiers", "MeetingLoad").objects.all().delete()
    apps.get_model("chantiers", "MeetingLoadState").objects.update(built_version=None, as_of=None)


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0004_alliance_slug_not_reserved"),
        ("chantiers", "0014_historical_space_alliance"),
    ]

    operations = [
        migrations.RunPython(empty_the_cache, empty_the_cache),
        migrations.RemoveConstraint(model_name="meetingload", name="chantiers_meetingload_unique_who"),
        *[
            migrations.RemoveIndex(model_name="meetingload", name=f"chantiers_load_{column}_idx")
            for column in FIGURES
        ],
        migrations.AddField(
            model_name="meetingload",
            name="alliance",
            # No row is left to fill: the default only lets the column be added.
            field=models.ForeignKey(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="alliances.alliance",
                verbose_name="alliance",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="meetingload",
            constraint=models.UniqueConstraint(
                fields=("alliance", "kind", "who"), name="chantiers_meetingload_unique_who"
            ),
        ),
        *[
            migrations.AddIndex(
                model_name="meetingload",
                index=models.Index(fields=["alliance", "kind", column], name=f"chantiers_load_{column}_idx"),
            )
            for column in FIGURES
        ],
    ]
