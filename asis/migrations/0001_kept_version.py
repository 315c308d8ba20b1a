from django.db import migrations, models


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS asis_kept_version_seq")
    else:
        schema_editor.execute("INSERT INTO asis_keptversion (id, token) VALUES (1, 0)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS asis_kept_version_seq")


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="KeptVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "asis_keptversion", "verbose_name": "version des chiffres tenus"},
        ),
        migrations.RunPython(create, drop),
    ]
