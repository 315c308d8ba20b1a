# The hyperconcertation figures' state is kept per alliance (issue 17, item 7): a write in one alliance marks
# its own figures stale, never another alliance's. Both tables are a cache: the global state row (pk 1) and
# every row of figures are dropped, and the next read of an alliance's page creates its state row and builds
# its figures again (`chantiers.selectors._meeting_loads_build`).

import django.db.models.deletion
from django.db import migrations, models


def empty_the_cache(apps, schema_editor):
    apps.get_model("chantiers", "MeetingLoad").objects.all().delete()
    apps.get_model("chantiers", "MeetingLoadState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0004_alliance_slug_not_reserved"),
        ("chantiers", "0015_meetingload_per_alliance"),
    ]

    operations = [
        migrations.RunPython(empty_the_cache, empty_the_cache),
        migrations.AddField(
            model_name="meetingloadstate",
            name="alliance",
            # No row is left to fill: the default only lets the column be added.
            field=models.OneToOneField(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="alliances.alliance",
                verbose_name="alliance",
            ),
            preserve_default=False,
        ),
    ]
