from django.db import migrations
from django.utils.text import slugify


def _unique_slug(name, taken):
    base = slugify(name)[:70] or "alliance"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def alliances_from_plans(apps, schema_editor):
    """One alliance per distinct (alliance name, coordinating organisation) of the plans, with the facts of its
    latest-starting plan; that plan is the alliance's current one and its others are closed. The plans are read
    latest start first (the order that chose the current plan), so the alliance of the plan the portal showed is
    created first and stays the instance's default alliance."""
    db = schema_editor.connection.alias
    Plan = apps.get_model("plans", "Plan")
    Alliance = apps.get_model("alliances", "Alliance")
    taken = set(Alliance.objects.using(db).values_list("slug", flat=True))
    alliances = {}
    for plan in Plan.objects.using(db).order_by("-start_date", "pk"):
        key = (plan.alliance_name, plan.coordinating_organisation_id)
        if key in alliances:
            status = "closed"
        else:
            alliances[key] = Alliance.objects.using(db).create(
                name=plan.alliance_name,
                acronym=plan.alliance_acronym,
                slug=_unique_slug(plan.alliance_name, taken),
                coordinating_organisation_id=plan.coordinating_organisation_id,
                mandated_by=plan.mandated_by,
                mandate_date=plan.mandate_date,
            )
            status = "current"
        Plan.objects.using(db).filter(pk=plan.pk).update(alliance=alliances[key], status=status)


def plans_from_alliances(apps, schema_editor):
    """Back: each plan takes its alliance's facts again, and the alliances go (their territory, region and
    funders have nowhere to go)."""
    db = schema_editor.connection.alias
    Plan = apps.get_model("plans", "Plan")
    Alliance = apps.get_model("alliances", "Alliance")
    for plan in Plan.objects.using(db).select_related("alliance").exclude(alliance=None):
        alliance = plan.alliance
        Plan.objects.using(db).filter(pk=plan.pk).update(
            alliance_name=alliance.name,
            alliance_acronym=alliance.acronym,
            coordinating_organisation_id=alliance.coordinating_organisation_id,
            mandated_by=alliance.mandated_by,
            mandate_date=alliance.mandate_date,
            alliance=None,
        )
    Alliance.funders.through.objects.using(db).all().delete()
    Alliance.objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ('plans', '0002_plan_alliance_and_status'),
    ]

    operations = [
        migrations.RunPython(alliances_from_plans, plans_from_alliances),
    ]
