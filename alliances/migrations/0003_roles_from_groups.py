"""Roles from the global groups: every member of Coordination coordinates each existing alliance, every member of
Personnel is its staff. The groups are global today, so each keeps exactly what it can do; a fresh database has no
alliance nor group member and gets no role."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

# The groups' names as organisations.roles names them when this migration was written.
ROLES_OF_GROUPS = {"Coordination": "coordination", "Personnel": "personnel"}


def roles_from_groups(apps, schema_editor):
    db = schema_editor.connection.alias
    Alliance = apps.get_model("alliances", "Alliance")
    AllianceRole = apps.get_model("alliances", "AllianceRole")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    now = timezone.now()
    alliances = list(Alliance.objects.using(db).order_by("pk"))
    seen = set()
    # Coordination first: a member of both groups coordinates (one open role per person and alliance).
    for group, role in ROLES_OF_GROUPS.items():
        for user in User.objects.using(db).filter(groups__name=group).order_by("pk").distinct():
            for alliance in alliances:
                if (user.pk, alliance.pk) in seen:
                    continue
                seen.add((user.pk, alliance.pk))
                AllianceRole.objects.using(db).create(user=user, alliance=alliance, role=role, granted_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0002_alliance_role"),
        ("plans", "0003_alliances_from_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Back, the roles go with their table (0002's reverse).
        migrations.RunPython(roles_from_groups, migrations.RunPython.noop),
    ]
