from django.db import migrations


class Migration(migrations.Migration):
    """The project's concertation space: `chantier` -> `space` (the column `chantier_id` becomes `space_id`)."""

    dependencies = [
        ('projects', '0001_initial'),
        ('chantiers', '0012_space_name'),
    ]

    operations = [
        migrations.RenameField(model_name='actionproject', old_name='chantier', new_name='space'),
        migrations.RenameField(model_name='historicalactionproject', old_name='chantier', new_name='space'),
    ]
