"""The demo's follow-ups after funding (issue 20, part 6): on « Banque de bénévoles partagée », whose final report
was filed on 31 May 2014, the 6-month check answered, the 12-month check sent and still awaited, and the practice
its lead published in the register. Written around the services, as the rest of the demo's history; idempotent."""

import datetime

from django.utils import timezone

from projects.models import ProgressReport
from sustainability.models import Practice, SustainabilityCheck
from sustainability.services import add_months, final_report_day

PROJECT = "Banque de bénévoles partagée"


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def load(users) -> None:
    """`users`: the demo logins by name (Coordination entered what the lead, which has no login, answered)."""
    report = (
        ProgressReport.objects.filter(project__title=PROJECT, project__is_demo=True, is_final=True)
        .select_related("project")
        .first()
    )
    if report is None:
        return
    project, by = report.project, users["coordination"]
    filed = final_report_day(report)
    six, twelve = add_months(filed, 6), add_months(filed, 12)
    SustainabilityCheck.objects.get_or_create(
        project=project,
        months=6,
        defaults={
            "final_report": report,
            "due_on": six,
            "sent_at": _at(six),
            "answered_at": _at(six + datetime.timedelta(days=9)),
            "answered_by": by,
            "continues": SustainabilityCheck.Continues.YES,
            "funded_by": "Ville de Rouyn-Noranda; Centraide Abitibi-Témiscamingue et Nord-du-Québec",
            "reusable": "La fiche d'accueil commune des bénévoles et la soirée de reconnaissance annuelle.",
        },
    )
    SustainabilityCheck.objects.get_or_create(
        project=project, months=12, defaults={"final_report": report, "due_on": twelve, "sent_at": _at(twelve)}
    )
    Practice.objects.get_or_create(
        project=project,
        defaults={
            "organisation_id": project.lead_id,
            "title": "Une banque de bénévoles partagée entre organismes",
            "summary": (
                "Un seul accueil pour les personnes qui veulent donner du temps : une fiche commune, une "
                "rencontre d'orientation, puis un jumelage avec l'un des organismes membres."
            ),
            "reuse": (
                "La fiche d'accueil commune, l'entente de partage entre organismes et le déroulement de la soirée "
                "de reconnaissance des bénévoles."
            ),
            "contact_role": "Coordination des bénévoles",
            "published": True,
            "published_at": _at(six + datetime.timedelta(days=10)),
            "created_by": by,
        },
    )
