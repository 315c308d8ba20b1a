from django.db import migrations, models


def fill_slugs(apps, schema_editor):
    """Each plan's address part from its years (2013-2016); a second plan of the same years gets -2, -3..."""
    Plan = apps.get_model("plans", "Plan")
    taken = set()
    for plan in Plan.objects.order_by("pk"):
        base = f"{plan.start_date.year}-{plan.start_date.year + 3}"
        slug, n = base, 1
        while (plan.alliance_id, slug) in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add((plan.alliance_id, slug))
        plan.slug = slug
        plan.save(update_fields=["slug"])


class Migration(migrations.Migration):
    """A plan's pages live under its alliance's and its own address part (/rouyn-noranda/2013-2016/...)."""

    dependencies = [
        ("plans", "0004_alliance_facts_off_the_plan"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="Partie de l'adresse des pages du plan, par exemple 2013-2016 ; déduite des dates si vide.",
                max_length=40,
                verbose_name="identifiant",
            ),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(
                fields=("alliance", "slug"),
                name="plans_plan_unique_slug_per_alliance",
                violation_error_message="Cette alliance a déjà un plan avec cet identifiant.",
            ),
        ),
    ]
