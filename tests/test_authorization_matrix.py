"""Who may open which page: every URL of the portal, for anonymous visitors and the four demo
logins (`partenaire` of the family organisation, `partenaire2` of the employment one,
`personnel`, `coordination`), on objects of their own organisation and of another.

A URL that is not in the matrix fails the test: no page ships without a decision on who may see it.
The answers are for GET; POST-only actions answer 405 to a signed-in GET (anonymous visitors are
sent to the login page first). `set_language` answers GET with a redirect back.
"""

import pytest
from django.urls import reverse

from chantiers.models import Space
from organisations.models import Organisation
from projects.models import ActionProject, ProgressReport
from tests.page_matrix import (
    CITIZEN,
    CITIZEN_ANSWERS,
    LOGIN,
    MATRIX,
    ROLES,
    actual_matrix,
    page_url,
    url_names,
)


def test_every_url_has_a_decision():
    decided = {name for name, _obj, _answers in MATRIX}
    missing = [name for name in url_names() if name not in decided]
    assert not missing, f"URLs without a line in the authorization matrix: {missing}"


@pytest.mark.django_db
@pytest.mark.guard
def test_each_role_gets_the_decided_answer():
    clients = actual_matrix()
    wrong = []
    for name, obj, answers in MATRIX:
        url = page_url(name, obj)
        for role, expected in zip(ROLES, answers):
            response = clients[role].get(url)
            got = response.status_code
            if (
                got == 302 and reverse("login") in response.url
            ):  # /connexion/, or /<alliance>/connexion/ that leads to it
                got = LOGIN
            if got != expected:
                wrong.append(f"{name} [{obj}] as {role}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_every_new_citizen_page_has_a_citizen_answer():
    """issue 21 part 5: the « citoyen » column covers every page of the citizen's access."""
    names = {name for name, _obj in CITIZEN_ANSWERS}
    missing = [n for n in url_names() if n.startswith("citizen:") or "citizen-access" in n if n not in names]
    assert not missing, f"Pages of the citizen's access without an answer for a citizen's account: {missing}"


@pytest.mark.django_db
@pytest.mark.guard
def test_a_citizen_account_gets_the_decided_answer():
    """issue 21 part 5: the demo citizen's account opens its own pages; the rest of the portal, as a partner without
    rights (403), its home page leading to « Mes rencontres »; on the second alliance's pages too."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.page_matrix_alliances import second_url

    actual_matrix()
    client = Client()
    client.force_login(get_user_model().objects.get(username=CITIZEN))
    wrong = []
    for (name, obj), expected in CITIZEN_ANSWERS.items():
        url = page_url(name, obj)
        got = client.get(url).status_code
        if got != expected:
            wrong.append(f"{url} ({name} [{obj}]) as {CITIZEN}: {got}, expected {expected}")
    for name in ("chantiers:space-list", "projects:project-list", "home"):
        got = client.get(second_url(name, None)).status_code
        if got not in (302, 403) or (name != "home" and got != 403):
            wrong.append(f"{second_url(name, None)} as {CITIZEN}: {got}")
    assert not wrong, "\n".join(wrong)


# Actions that change a status, an amount or another organisation: a partner posting to them is
# refused (403, or 404 where the object is not theirs to know) and nothing changes. A third item
# names the only partner to try, where the object is the other partner's own.
PARTNER_REFUSED_POSTS = [
    ("projects:review-open", "filed project of another"),
    ("projects:review-recommend", "project naming partenaire as partner"),
    ("projects:board-decision-create", "recommended project of another"),
    ("projects:board-decision-create", "project naming partenaire as partner"),
    ("projects:project-request-changes", "project naming partenaire as partner"),
    ("projects:intention-to-draft", "intention naming partenaire2 as partner"),
    ("projects:criterion-create", None),
    ("projects:criterion-archive", "criterion"),
    ("projects:criterion-delete", "criterion"),
    ("projects:project-update", "project of partenaire2"),
    ("projects:project-submit", "filed project of another"),
    ("projects:partnership-answer", "partnership of partenaire", ("partenaire2",)),  # another organisation's answer
    ("projects:report-create", "project of partenaire2", ("partenaire",)),
    ("projects:report-review", "project of partenaire2", ("partenaire",)),  # another's draft: not to be filed
    ("projects:report-mark-read", "report of partenaire"),  # the lead reads its report; Coordination marks it read
    ("projects:deadline-remind", "deadline of partenaire"),
    ("chantiers:space-archive", "space"),
    ("chantiers:meeting-update", "meeting"),
    ("organisations:organisation-approve", "pending organisation"),
    ("organisations:organisation-update", "organisation of partenaire2", ("partenaire",)),
    ("organisations:member-invite", "organisation of partenaire2", ("partenaire",)),
    ("organisations:invitation-cancel", "invitation of partenaire's organisation", ("partenaire2",)),
    ("privacy:privacy-person-erase", "partenaire (privacy)"),
    ("privacy:privacy-person-rectify", "citizen (privacy)"),
    ("privacy:privacy-request-create", "citizen (privacy)"),
    ("privacy:incident-create", None),
    ("budget:commitment-create", None),
    ("budget:disbursement-create", "commitment"),
    ("budget:commitment-reduce", "commitment"),
    ("budget:disbursement-correct", "disbursement of partenaire"),
    ("budget:targets", None),
    ("budget:target-move", None),
    ("budget:agreement-create", None),
    ("budget:report-deadline-add", "agreement of partenaire"),
    ("budget:planned-payment-add", "agreement of partenaire"),
    ("budget:planned-payment-cancel", "planned payment of partenaire"),
    ("budget:planned-payment-release", "planned payment of partenaire"),
    ("bilan:progress-import-apply", None),
]


def fingerprint() -> tuple:
    """Statuses, money and the rows that history hangs on: what a refused post must leave as it was."""
    from budget.models import (
        Agreement,
        Commitment,
        Disbursement,
        FundingSource,
        PlannedPayment,
    )
    from organisations.models import Membership
    from projects.models import (
        BoardDecision,
        ProjectPartner,
        ProjectReview,
        ProjectStatusChange,
        ReportDeadline,
        ReviewCriterion,
    )

    return (
        tuple(ActionProject.objects.order_by("pk").values_list("pk", "status", "title", "amount_requested")),
        tuple(FundingSource.objects.order_by("pk").values_list("committed_total", "disbursed_total")),
        tuple(Organisation.objects.order_by("pk").values_list("name", "status")),
        tuple(ReviewCriterion.objects.order_by("pk").values_list("name", "is_active")),
        tuple(PlannedPayment.objects.order_by("pk").values_list("disbursement_id", "cancelled_on")),
        tuple(ProjectPartner.objects.order_by("pk").values_list("status", "answered_by")),
        tuple(ReportDeadline.objects.order_by("pk").values_list("reminded_on", flat=True)),  # « Envoyer un rappel »
        tuple(ProgressReport.objects.order_by("pk").values_list("read_at", flat=True)),  # « Marquer comme lu »
        *(
            model.objects.count()
            for model in (
                ProjectStatusChange,
                ProjectReview,
                BoardDecision,
                Commitment,
                Disbursement,
                Agreement,
                ReportDeadline,
                ProgressReport,
                Membership,
                Space,
            )
        ),
    )


@pytest.mark.django_db
@pytest.mark.guard
def test_a_partner_changes_no_status_amount_or_other_organisation():
    clients = actual_matrix()
    before = fingerprint()
    payload = {
        "amount": "1000.00",
        "outcome": "accepted",
        "resolution_number": "CA-1",
        "decided_on": "2014-01-01",
        "recommendation": "favorable",
        "note": "x",
        "comment": "x",
        "reason": "x",
        "name": "x",
        "title": "x",
        "project": ActionProject.objects.order_by("pk").first().pk,
        "signed_on": "2014-01-01",
        "email": "x@example.org",
        "percent_done": "50",
        "period_start": "2014-01-01",
        "period_end": "2014-02-01",
        "paid_on": "2014-01-01",
    }
    wrong = []
    for username in ("partenaire", "partenaire2"):
        for name, obj, *only in PARTNER_REFUSED_POSTS:
            if only and username not in only[0]:
                continue
            response = clients[username].post(page_url(name, obj), payload)
            if response.status_code not in (403, 404):
                wrong.append(f"{name} [{obj}] posted by {username}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert fingerprint() == before
