"""The access matrix of every report URL: outsider 404 (even on a public project), no right 403, anonymous the login page."""

import pytest
from django.urls import reverse

from projects.services import reports as report_services
from tests.projects.report_helpers import PDF, WHO, report_fields, report_post, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(cast, reporting):
    report = report_services.report_create(
        project=reporting.project, by=cast.alice, attachments=[upload("bilan.pdf", PDF)], **report_fields()
    )
    report_services.report_draft_save(
        project=reporting.project,
        is_final=False,
        answers=report_post(period_start="2014-10-01", period_end="2015-03-31"),
        by=cast.alice,
    )
    return {"project": reporting.project, "report": report, "attachment": report.attachments.get()}


def url(name, objects):
    args = {
        "report-create": [objects["project"].pk],
        "report-create-final": [objects["project"].pk],
        "report-review": [objects["project"].pk],
        "report-review-final": [objects["project"].pk],
        "report-detail": [objects["report"].pk],
        "report-attachment-add": [objects["report"].pk],
        "report-mark-read": [objects["report"].pk],
        "attachment-download": [objects["attachment"].pk],
        "report-late": [],
    }[name]
    return reverse(f"projects:{name}", args=args)


def matrix(name, method, statuses):
    return [(name, method, who, status) for who, status in zip(WHO, statuses, strict=True)]


CASES = [
    # who:                                   anonymous alice bob charlie dave(partner) staff coordinator
    *matrix("report-create", "get", [302, 200, 200, 404, 403, 403, 403]),
    *matrix("report-create", "post", [302, 400, 400, 404, 403, 403, 403]),  # 400: the empty form with its errors
    *matrix("report-create-final", "get", [302, 200, 200, 404, 403, 403, 403]),
    # the review of the draft: only the lead's members see it (the others are told nothing of a draft)
    *matrix("report-review", "get", [302, 200, 200, 404, 403, 403, 403]),
    *matrix("report-review", "post", [302, 302, 302, 404, 403, 403, 403]),  # filed: on to the report
    *matrix("report-review-final", "get", [302, 302, 302, 404, 403, 403, 403]),  # no final draft: to the form
    *matrix("report-detail", "get", [302, 200, 200, 404, 200, 200, 200]),
    *matrix("report-attachment-add", "get", [302, 405, 405, 405, 405, 405, 405]),
    *matrix("report-attachment-add", "post", [302, 400, 400, 404, 403, 403, 403]),  # 400: no file chosen
    *matrix("report-mark-read", "get", [302, 405, 405, 405, 405, 405, 405]),
    *matrix("report-mark-read", "post", [302, 403, 403, 404, 403, 302, 302]),  # Coordination and staff mark it read
    *matrix("attachment-download", "get", [302, 200, 200, 404, 200, 200, 200]),
    *matrix("report-late", "get", [302, 403, 403, 403, 403, 200, 200]),
]


@pytest.mark.parametrize("name, method, who, status", CASES)
def test_access(login, cast, reporting, objects, name, method, who, status):
    user = reporting.dave if who == "dave" else getattr(cast, who)
    response = getattr(login(user), method)(url(name, objects))
    assert response.status_code == status
    if status == 302 and who == "anonymous":
        assert response["Location"].startswith("/connexion/")


def test_every_report_url_is_in_the_matrix():
    from projects.urls import urlpatterns

    names = {
        p.name for p in urlpatterns if p.name and (p.name.startswith("report-") or p.name.startswith("attachment-"))
    }
    assert names == {name for name, *_rest in CASES}


def test_a_member_of_another_organisation_cannot_file_even_by_posting(login, cast, reporting):
    response = login(cast.charlie).post(reverse("projects:report-create", args=[reporting.project.pk]), report_post())
    assert response.status_code == 404
    assert not reporting.project.reports.exists()


def test_staff_is_told_why_it_cannot_file(login, cast, reporting):
    response = login(cast.staff).get(reverse("projects:report-create", args=[reporting.project.pk]))
    assert "organisation porteuse" in response.content.decode()
