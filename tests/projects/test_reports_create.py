"""The report form: what the lead sees, French errors on the field, nothing saved on error, the final report."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import IndicatorValue, ProgressReport, ProjectStatus
from tests import factories as f
from tests.projects.report_helpers import PDF, PNG, file_report, page, report_post, upload

pytestmark = pytest.mark.django_db


def create_url(project, final=False):
    return reverse("projects:report-create-final" if final else "projects:report-create", args=[project.pk])


def test_the_form_shows_indicators_against_targets_and_expenses_against_the_budget(client, cast, reporting):
    client.force_login(cast.bob)
    text = page(client.get(create_url(reporting.project)))
    for expected in (
        "Familles rejointes",
        "Cible : 40 familles",
        "Repas servis",
        "Cible : 1 200 repas",
        "20 000 $",
        "12 500 $",
        "Organisme P",
        "Activités réalisées",
        "Écarts et explications",
        "Vérifier avant de déposer",
        "Enregistrer le brouillon",
    ):
        assert expected in text, expected
    assert "Effets observés" not in text and "Ce rapport répond à l'échéance" not in text


def test_the_lead_files_a_report_and_lands_on_it(client, cast, reporting):
    client.force_login(cast.bob)
    data = report_post(
        **{
            "partners_involved": [reporting.org_p.pk],
            f"indicator_{reporting.people.pk}": "18",
            f"indicator_{reporting.meals.pk}": "1 250,5",
            "attachments": [upload("bilan.pdf", PDF), upload("photo.png", PNG)],
        }
    )
    response = file_report(client, reporting.project, data)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("projects:report-detail", args=[report.pk])
    assert report.expenses == Decimal("5250.50") and report.submitted_by == cast.bob and not report.is_final
    assert {v.indicator_id: v.value for v in IndicatorValue.objects.filter(report=report)} == {
        reporting.people.pk: Decimal("18"),
        reporting.meals.pk: Decimal("1250.5"),
    }
    assert list(report.partners_involved.all()) == [reporting.org_p]
    assert sorted(report.attachments.values_list("original_name", flat=True)) == ["bilan.pdf", "photo.png"]
    text = page(client.get(response["Location"]))
    for expected in ("Rapport d'étape déposé", "40 %", "5 250,50 $", "18", "1 250,5", "bilan.pdf", "Organisme P"):
        assert expected in text, expected


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"percent_done": "120"}, "percent_done", "L'avancement est un pourcentage de 0 à 100."),
        ({"percent_done": "-1"}, "percent_done", "L'avancement est un pourcentage de 0 à 100."),
        ({"people_reached": "10", "citizens_reached": "11"}, "citizens_reached", "ne peuvent être plus nombreux"),
        ({"period_end": "2014-03-31"}, "period_end", "La fin de la période doit suivre son début."),
        ({"expenses": "-5"}, "expenses", "Les dépenses ne peuvent pas être négatives."),
        ({"expenses": "beaucoup"}, "expenses", "n'est pas un montant valide"),
        ({"narrative": ""}, "narrative", "Décrivez les activités réalisées."),
    ],
)
def test_errors_are_in_french_on_the_field_and_nothing_is_saved(
    client, cast, reporting, private_media, fields, field, message
):
    client.force_login(cast.alice)
    response = file_report(client, reporting.project, report_post(attachments=[upload("bilan.pdf", PDF)], **fields))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in " ".join(errors[field])
    assert not ProgressReport.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))


def test_the_form_offers_the_pending_deadlines_of_its_kind_the_earliest_first(client, cast, reporting):
    later = f.make_deadline(reporting.project, due_on=datetime.date(2015, 3, 31), label="Deuxième rapport")
    earliest = f.make_deadline(reporting.project, due_on=datetime.date(2014, 9, 30), label="Premier rapport")
    f.make_deadline(reporting.project, kind="final", due_on=datetime.date(2015, 6, 30))
    client.force_login(cast.alice)
    form = client.get(create_url(reporting.project)).context["form"]
    assert list(form.fields["deadline"].queryset) == [earliest, later]
    assert form["deadline"].value() == earliest.pk
    file_report(client, reporting.project, report_post(deadline=str(later.pk)))
    assert ProgressReport.objects.get().deadline == later
    form = client.get(create_url(reporting.project)).context["form"]
    assert list(form.fields["deadline"].queryset) == [earliest]


def test_a_deadline_of_another_project_is_not_a_choice(client, cast, theme, reporting):
    f.make_deadline(reporting.project)
    other = f.make_deadline(f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS))
    client.force_login(cast.alice)
    response = client.post(create_url(reporting.project), report_post(deadline=str(other.pk)))
    assert response.status_code == 400 and "deadline" in response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_a_partner_cannot_be_chosen_outside_the_project(client, cast, reporting):
    client.force_login(cast.alice)
    response = client.post(create_url(reporting.project), report_post(partners_involved=[cast.org_b.pk]))
    assert response.status_code == 400 and "partners_involved" in response.context["form"].errors


def test_the_final_report_of_a_completed_project_asks_for_effects_and_closes_it(client, cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.COMPLETED)
    deadline = f.make_deadline(project, kind="final")
    client.force_login(cast.alice)
    text = page(client.get(create_url(project, final=True)))
    assert "Effets observés" in text and "Pérennité" in text and "Ce que d'autres pourraient reprendre" in text
    response = client.post(create_url(project, final=True), report_post(percent_done="100"))
    assert response.status_code == 400 and "effects" in response.context["form"].errors
    response = file_report(
        client,
        project,
        report_post(
            deadline=str(deadline.pk),
            percent_done="100",
            effects="Plus d'entraide.",
            sustainability="La cuisine continue.",
            reusable="Le guide.",
        ),
        final=True,
    )
    report = ProgressReport.objects.get()
    assert (
        response.status_code == 302
        and report.is_final
        and report.deadline == deadline
        and report.reusable == "Le guide."
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.FINAL_REPORT
    response = client.get(create_url(project, final=True))
    assert response.status_code == 403 and "déjà déposé" in page(response)


@pytest.mark.parametrize(
    "status, final",
    [
        (ProjectStatus.SUBMITTED, False),
        (ProjectStatus.WITHDRAWN, False),
        (ProjectStatus.AGREEMENT_SIGNED, True),
    ],
)
def test_the_lead_is_told_when_a_report_cannot_be_filed(client, cast, theme, status, final):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    client.force_login(cast.alice)
    response = client.get(create_url(project, final=final))
    assert response.status_code == 403
    assert project.get_status_display() in page(response)


def test_a_filed_report_is_read_only(client, cast, reporting):
    client.force_login(cast.alice)
    file_report(client, reporting.project, report_post())
    report = ProgressReport.objects.get()
    text = page(client.get(reverse("projects:report-detail", args=[report.pk])))
    # The only form on the page adds attachments; there is no edit page for a report.
    assert text.count('action="/rapports/') == 1  # the attachments form
    assert 'name="narrative"' not in text and "Ajouter des pièces justificatives" in text
    client.force_login(cast.coordinator)
    assert "Ajouter des pièces justificatives" not in page(
        client.get(reverse("projects:report-detail", args=[report.pk]))
    )
