"""The report with a draft and a review page (issue 23, item 4): « Enregistrer le brouillon » keeps what is typed and
counts nowhere; « Vérifier avant de déposer » shows the report as it will be filed; « Déposer le rapport » files it,
and only then is it received (the deadline met, « À traiter » and the late reports told). The period is proposed from
the deadline the report answers."""

import datetime

import pytest
from django.urls import reverse

from projects.models import ProgressReport, ReportDeadline, ReportDraft
from tests import factories as f
from tests.projects.report_helpers import PDF, page, report_post, upload

pytestmark = pytest.mark.django_db


def form_url(project, final=False):
    return reverse("projects:report-create-final" if final else "projects:report-create", args=[project.pk])


def review_url(project, final=False):
    return reverse("projects:report-review-final" if final else "projects:report-review", args=[project.pk])


def save_draft(client, project, **data):
    return client.post(form_url(project), {**data, "action": "draft"})


def test_a_draft_keeps_what_is_typed_and_files_nothing(client, cast, reporting):
    client.force_login(cast.bob)
    response = save_draft(client, reporting.project, narrative="Trois ateliers, à poursuivre.", percent_done="")
    assert response.status_code == 302 and response["Location"] == form_url(reporting.project)
    draft = ReportDraft.objects.get()
    assert draft.answers["narrative"] == "Trois ateliers, à poursuivre." and draft.report is None
    assert not ProgressReport.objects.exists()
    text = page(client.get(form_url(reporting.project)))
    assert "Brouillon enregistré" in text and "Trois ateliers, à poursuivre." in text
    # Saved again: the same draft, as typed now
    save_draft(client, reporting.project, narrative="Quatre ateliers.")
    assert ReportDraft.objects.get().answers["narrative"] == "Quatre ateliers."


def test_a_draft_is_invisible_to_the_coordination_and_not_received(client, cast, reporting):
    deadline = f.make_deadline(reporting.project, due_on=datetime.date(2014, 9, 30))
    client.force_login(cast.alice)
    save_draft(client, reporting.project, **report_post(deadline=str(deadline.pk)))
    assert ReportDraft.objects.exists()
    # The deadline is still awaited, late; nothing was received
    assert list(ReportDeadline.objects.late(datetime.date(2014, 10, 1))) == [deadline]
    assert not ProgressReport.objects.exists()
    client.force_login(cast.coordinator)
    late = page(client.get(reverse("projects:report-late")))
    assert "Cuisines collectives" in late
    project_page = page(client.get(reverse("projects:project-detail", args=[reporting.project.pk])))
    assert "Trois" not in project_page and "Douze ateliers de cuisine." not in project_page
    assert client.get(review_url(reporting.project)).status_code == 403
    assert client.get(form_url(reporting.project)).status_code == 403


def test_the_review_shows_the_report_as_it_will_be_filed_then_filing_counts(client, cast, reporting):
    deadline = f.make_deadline(reporting.project, due_on=datetime.date(2014, 9, 30))
    client.force_login(cast.alice)
    response = client.post(
        form_url(reporting.project),
        {**report_post(deadline=str(deadline.pk), partners_involved=[reporting.org_p.pk]), "action": "review"},
    )
    assert response["Location"] == review_url(reporting.project)
    assert not ProgressReport.objects.exists()  # checked, kept as a draft, not filed
    review = page(client.get(review_url(reporting.project)))
    for shown in (
        "Vérifier avant de déposer",
        "le 1er avril 2014",
        "le 30 septembre 2014",
        "40 %",
        "Douze ateliers de cuisine.",
        "5 250,50 $",
        "Organisme P",
        "Déposer le rapport",
        "Pièces justificatives",
    ):
        assert shown in review, shown
    assert review.count(f'href="{form_url(reporting.project)}#id_') >= 8  # « Modifier », each to its field

    response = client.post(review_url(reporting.project), {"attachments": [upload("bilan.pdf", PDF)]})
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("projects:report-detail", args=[report.pk])
    assert report.deadline == deadline and report.submitted_by == cast.alice
    assert report.attachments.get().original_name == "bilan.pdf"
    assert ReportDraft.objects.get().report == report  # the draft stays, linked to what it became
    assert not ReportDeadline.objects.awaited().exists()  # received: the deadline is met
    # A new report starts afresh, its period after the last one
    form = client.get(form_url(reporting.project)).context["form"]
    assert form["period_start"].value() == datetime.date(2014, 10, 1)
    assert "narrative" not in form.initial


def test_another_organisation_cannot_see_or_file_the_draft(login, cast, reporting):
    save_draft(login(cast.alice), reporting.project, **report_post())
    for user, status in ((cast.charlie, 404), (reporting.dave, 403), (cast.staff, 403), (cast.coordinator, 403)):
        client = login(user)
        assert client.get(review_url(reporting.project)).status_code == status
        assert client.post(review_url(reporting.project)).status_code == status
    assert not ProgressReport.objects.exists() and ReportDraft.objects.get().report is None


def test_bad_input_keeps_the_draft_and_what_was_typed(client, cast, reporting):
    client.force_login(cast.alice)
    save_draft(client, reporting.project, narrative="Premier jet.")
    response = save_draft(client, reporting.project, narrative="Deuxième jet.", percent_done="beaucoup")
    assert response.status_code == 400
    text = page(response)
    assert "Il y a un problème" in text and 'href="#id_percent_done"' in text
    assert 'value="beaucoup"' in text and "Deuxième jet." in text  # what was typed is shown again
    assert ReportDraft.objects.get().answers["narrative"] == "Premier jet."  # the draft as it was
    # « Vérifier » on an incomplete report: every missing answer at once, nothing filed
    response = client.post(form_url(reporting.project), {"narrative": "Deuxième jet.", "action": "review"})
    assert response.status_code == 400
    assert {"period_start", "period_end", "percent_done"} <= set(response.context["form"].errors)
    assert not ProgressReport.objects.exists()


def test_an_incomplete_draft_is_not_reviewed(client, cast, reporting):
    client.force_login(cast.alice)
    save_draft(client, reporting.project, narrative="Premier jet.")
    response = client.get(review_url(reporting.project))
    assert response["Location"] == form_url(reporting.project)
    assert client.post(review_url(reporting.project)).status_code == 302
    assert not ProgressReport.objects.exists()


def test_the_period_is_proposed_from_the_deadline(client, cast, reporting):
    reporting.project.start_date = datetime.date(2014, 4, 15)
    reporting.project.save(update_fields=["start_date"])
    f.make_deadline(reporting.project, due_on=datetime.date(2015, 3, 31))
    f.make_deadline(reporting.project, due_on=datetime.date(2014, 9, 30))
    client.force_login(cast.alice)
    form = client.get(form_url(reporting.project)).context["form"]
    assert form["period_start"].value() == datetime.date(2014, 4, 15)
    assert form["period_end"].value() == datetime.date(2014, 9, 30)  # the earliest deadline, which it answers


def test_the_review_page_costs_a_bounded_number_of_queries(client, cast, reporting, django_assert_max_num_queries):
    client.force_login(cast.alice)
    client.post(form_url(reporting.project), {**report_post(), "action": "review"})
    for _ in range(5):
        f.make_deadline(reporting.project)
    with django_assert_max_num_queries(30):
        assert client.get(review_url(reporting.project)).status_code == 200
