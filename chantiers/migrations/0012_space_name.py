import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Model -> (old model name, new model name) of the renamed models, and the codenames of their permissions.
RENAMED = [("chantier", "space"), ("chantiermembership", "spacemembership"), ("chantiercitizen", "spacecitizen"),
           ("historicalchantier", "historicalspace")]
ACTIONS = ("add", "change", "delete", "view")


def rename_permissions(apps, schema_editor, renamed=RENAMED):
    """The renamed models' permissions keep their rows (same ids, so group grants hold) under the new codenames;
    Django would otherwise add new ones and leave the old ones behind. A new database has none yet."""
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(schema_editor.connection.alias)
    for old, new in renamed:
        for action in ACTIONS:
            permissions.filter(content_type__app_label="chantiers", codename=f"{action}_{old}").update(
                codename=f"{action}_{new}"
            )


def restore_permissions(apps, schema_editor):
    rename_permissions(apps, schema_editor, renamed=[(new, old) for old, new in RENAMED])


class Migration(migrations.Migration):
    """One name for the concertation space: Chantier -> Space, ChantierMembership -> SpaceMembership,
    ChantierCitizen -> SpaceCitizen, their `chantier` fields -> `space`. The tables keep their names (`db_table`);
    the columns `chantier_id` become `space_id`; the content types and permissions follow in place."""

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('chantiers', '0011_project_models_in_projects'),
        ('organisations', '0005_membership_invitation'),
        ('plans', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables keep their names: pinned before the models change name (no change in the database).
        migrations.AlterModelTable(name='chantier', table='chantiers_chantier'),
        migrations.AlterModelTable(name='chantiermembership', table='chantiers_chantiermembership'),
        migrations.AlterModelTable(name='chantiercitizen', table='chantiers_chantiercitizen'),
        migrations.AlterModelTable(name='historicalchantier', table='chantiers_historicalchantier'),
        migrations.RenameModel(old_name='Chantier', new_name='Space'),
        migrations.RenameModel(old_name='ChantierMembership', new_name='SpaceMembership'),
        migrations.RenameModel(old_name='ChantierCitizen', new_name='SpaceCitizen'),
        migrations.RenameModel(old_name='HistoricalChantier', new_name='HistoricalSpace'),
        # The seat constraints and the meetings' index name the fields about to be renamed: dropped, then made
        # again on the renamed columns (SQLite rebuilds a table from the model's state to rename a column).
        migrations.RemoveConstraint(
            model_name='spacecitizen',
            name='chantiers_chantiercitizen_one_active_seat',
        ),
        migrations.RemoveConstraint(
            model_name='spacemembership',
            name='chantiers_chantiermembership_one_active_seat',
        ),
        migrations.RemoveIndex(
            model_name='meeting',
            name='chantiers_meeting_space_idx',
        ),
        migrations.RenameField(model_name='spacemembership', old_name='chantier', new_name='space'),
        migrations.RenameField(model_name='spacecitizen', old_name='chantier', new_name='space'),
        migrations.RenameField(model_name='meeting', old_name='chantier', new_name='space'),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['space', 'date'], name='chantiers_meeting_space_idx'),
        ),
        migrations.AddConstraint(
            model_name='spacecitizen',
            constraint=models.UniqueConstraint(condition=models.Q(('left_on__isnull', True)), fields=('space', 'citizen'), name='chantiers_chantiercitizen_one_active_seat', violation_error_message='Ce citoyen siège déjà à ce lieu de concertation.'),
        ),
        migrations.AddConstraint(
            model_name='spacemembership',
            constraint=models.UniqueConstraint(condition=models.Q(('left_on__isnull', True)), fields=('space', 'organisation'), name='chantiers_chantiermembership_one_active_seat', violation_error_message='Cette organisation siège déjà à ce lieu de concertation.'),
        ),
        # The related names say `spaces` (no change in the database).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='space',
                    name='citizens',
                    field=models.ManyToManyField(blank=True, related_name='spaces', through='chantiers.SpaceCitizen', to='organisations.citizen', verbose_name='citoyens'),
                ),
                migrations.AlterField(
                    model_name='space',
                    name='coordinator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='coordinated_spaces', to=settings.AUTH_USER_MODEL, verbose_name='coordonnateur ou coordonnatrice'),
                ),
                migrations.AlterField(
                    model_name='space',
                    name='lead_organisation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='led_spaces', to='organisations.organisation', verbose_name='organisation responsable'),
                ),
                migrations.AlterField(
                    model_name='space',
                    name='member_organisations',
                    field=models.ManyToManyField(blank=True, related_name='spaces', through='chantiers.SpaceMembership', to='organisations.organisation', verbose_name='organisations membres'),
                ),
                migrations.AlterField(
                    model_name='space',
                    name='themes',
                    field=models.ManyToManyField(related_name='spaces', to='plans.theme', verbose_name='enjeux'),
                ),
                migrations.AlterField(
                    model_name='spacecitizen',
                    name='citizen',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='space_memberships', to='organisations.citizen', verbose_name='citoyen'),
                ),
                migrations.AlterField(
                    model_name='spacemembership',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='space_memberships', to='organisations.organisation', verbose_name='organisation'),
                ),
            ],
        ),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
