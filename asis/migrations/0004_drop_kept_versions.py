# The kept figures' data versions go (issue 18): the figures built on demand are cached under each plan's version
# (plans.PlanVersion, moved explicitly by the services), not under versions moved by watching every SQL statement.
from django.db import migrations


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS asis_kept_version_seq")


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS asis_kept_version_seq")


class Migration(migrations.Migration):
    dependencies = [
        ("asis", "0003_outbox_worker"),
    ]

    operations = [
        migrations.RunPython(drop_sequence, create_sequence),
        migrations.DeleteModel(name="AllianceVersion"),
        migrations.DeleteModel(name="KeptVersion"),
    ]
