"""Every alliance already there starts with the six default expense categories (issue 20, part 3); alliances made
later get them from projects.services.budget_lines.expense_categories_seed (the alliance's post_save)."""

from django.db import migrations

DEFAULTS = (
    ("Salaires", 1),
    ("Matériel", 2),
    ("Loyer", 3),
    ("Transport", 4),
    ("Participation citoyenne", 5),
    ("Autres", 6),
)


def seed(apps, schema_editor):
    Alliance = apps.get_model("alliances", "Alliance")
    ExpenseCategory = apps.get_model("projects", "ExpenseCategory")
    for alliance_id in Alliance.objects.values_list("pk", flat=True):
        for name, order in DEFAULTS:
            ExpenseCategory.objects.get_or_create(alliance_id=alliance_id, name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("projects", "0017_budget_lines")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
