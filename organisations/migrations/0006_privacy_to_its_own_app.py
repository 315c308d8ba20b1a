"""The privacy models (Law 25) leave this app for the privacy app (privacy/0001), keeping their tables: only the
state changes here, the tables and their rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0005_membership_invitation"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PrivacyAction"),
                migrations.DeleteModel(name="PrivacyRequest"),
                migrations.DeleteModel(name="Consent"),
                migrations.DeleteModel(name="ConfidentialityIncident"),
            ],
        ),
    ]
