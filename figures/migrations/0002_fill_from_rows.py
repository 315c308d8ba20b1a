"""Fill the kept totals from the rows already there (the same sums as budget.figures_check, on the historical
models)."""

from django.db import migrations
from django.db.models import Count, F, Min, Q, Sum


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Commitment = apps.get_model("budget", "Commitment")
    ActionProject = apps.get_model("projects", "ActionProject")
    PlanMoney = apps.get_model("figures", "PlanMoney")
    ThemeProjects = apps.get_model("figures", "ThemeProjects")
    firsts = (
        Commitment.objects.using(db)
        .order_by()
        .values("project_id", "source__plan_id")
        .annotate(first=Min("pk"))
        .values("first")
    )
    money = (
        Commitment.objects.using(db)
        .order_by()
        .values("source__plan_id", "project__theme_id", "plan_year_id", "source_id", "project__status")
        .annotate(
            committed=Sum(F("amount") - F("reduced_total")),
            paid=Sum("disbursed_total"),
            n=Count("pk"),
            first=Count("pk", filter=Q(pk__in=firsts)),
        )
    )
    PlanMoney.objects.using(db).bulk_create(
        PlanMoney(
            plan_id=r["source__plan_id"],
            theme_id=r["project__theme_id"],
            plan_year_id=r["plan_year_id"],
            source_id=r["source_id"],
            status=r["project__status"],
            committed=round(r["committed"] or 0, 2),
            paid=round(r["paid"] or 0, 2),
            commitments=r["n"],
            projects=r["first"],
        )
        for r in money
    )
    projects = ActionProject.objects.using(db).order_by().values("theme__plan_id", "theme_id", "status")
    ThemeProjects.objects.using(db).bulk_create(
        ThemeProjects(plan_id=r["theme__plan_id"], theme_id=r["theme_id"], status=r["status"], projects=r["n"])
        for r in projects.annotate(n=Count("pk"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0001_kept_totals"),
        ("budget", "0010_commitment_carried_from"),
        ("projects", "0005_report_draft"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
