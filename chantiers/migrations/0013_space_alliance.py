import django.db.models.deletion
from django.db import migrations, models


def spaces_to_their_alliance(apps, schema_editor):
    """Each space belongs to the alliance of its themes' plan; a space with no theme to the first alliance."""
    Space = apps.get_model("chantiers", "Space")
    Alliance = apps.get_model("alliances", "Alliance")
    first = Alliance.objects.order_by("pk").values_list("pk", flat=True).first()
    for space in Space.objects.all():
        alliance_id = space.themes.order_by("pk").values_list("plan__alliance_id", flat=True).first() or first
        if alliance_id is None:
            raise RuntimeError("A concertation space exists but no alliance: run the alliances' migrations first.")
        Space.objects.filter(pk=space.pk).update(alliance_id=alliance_id)


class Migration(migrations.Migration):
    """A concertation space belongs to one alliance (and lives across its plans); its name is unique within it."""

    dependencies = [
        ("alliances", "0003_roles_from_groups"),
        ("chantiers", "0012_space_name"),
        ("plans", "0005_plan_slug"),
    ]

    operations = [
        migrations.AddField(
            model_name="space",
            name="alliance",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="spaces",
                to="alliances.alliance",
                verbose_name="alliance",
            ),
        ),
        migrations.RunPython(spaces_to_their_alliance, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="space",
            name="alliance",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="spaces",
                to="alliances.alliance",
                verbose_name="alliance",
            ),
        ),
        migrations.AlterField(
            model_name="space",
            name="name",
            field=models.CharField(max_length=200, verbose_name="nom"),
        ),
        migrations.AddConstraint(
            model_name="space",
            constraint=models.UniqueConstraint(
                fields=("alliance", "name"),
                name="chantiers_space_unique_name_per_alliance",
                violation_error_message="Cette alliance a déjà un lieu de concertation de ce nom.",
            ),
        ),
    ]
