"""Who may open which page: every URL of the portal, for anonymous visitors and the four demo
logins (`partenaire` of the family organisation, `partenaire2` of the employment one,
`personnel`, `coordination`), on objects of their own organisation and of another.

A URL that is not in the matrix fails the test: no page ships without a decision on who may see it.
The answers are for GET; POST-only actions answer 405 to a signed-in GET (anonymous visitors are
sent to the login page first). `set_language` answers GET with a redirect back.
"""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chantiers.models import ActionProject, Chantier, FollowUp, Meeting
from organisations.models import MembershipRequest, Organisation, User

ROLES = ("anonymous", "partenaire", "partenaire2", "personnel", "coordination")
LOGIN = "login"  # a redirect to the login page
SKIPPED_NAMESPACES = {"admin"}  # the Django admin: staff only, tested in test_project_guards


def _project(title):
    return {"pk": ActionProject.objects.get(title=title, is_demo=True).pk}


# Objects the URLs are opened on. `partenaire` leads "Halte-garderie communautaire" (a draft) and
# "Ateliers parents-enfants Bouger en famille" (in progress); `partenaire2` leads "Parcours vers
# l'emploi pour jeunes adultes" (agreement signed); "Reconnaissance des bénévoles…" is another
# organisation's filed project, not public; "Jardins communautaires…", under analysis, names the
# family organisation as a partner (its members see it and comment; only the lead edits).
OBJECTS = {
    None: lambda: {},
    "draft of partenaire": lambda: _project("Halte-garderie communautaire"),
    "public project of partenaire": lambda: _project("Ateliers parents-enfants Bouger en famille"),
    "project of partenaire2": lambda: _project("Parcours vers l'emploi pour jeunes adultes"),
    "filed project of another": lambda: _project("Reconnaissance des bénévoles dans les quartiers ruraux"),
    "project naming partenaire as partner": lambda: _project("Jardins communautaires intergénérationnels"),
    "space": lambda: {"pk": Chantier.objects.filter(is_demo=True).order_by("pk").first().pk},
    "space seat": lambda: _seat(),
    "space citizen seat": lambda: _citizen_seat(),
    "meeting": lambda: {"pk": Meeting.objects.filter(is_demo=True).order_by("pk").first().pk},
    "follow-up": lambda: {"pk": FollowUp.objects.order_by("pk").first().pk},
    "theme": lambda: {"slug": "logement-et-habitation"},
    "organisation of partenaire": lambda: {"pk": User.objects.get(username="partenaire").memberships.get().organisation_id},
    "organisation of partenaire2": lambda: {"pk": User.objects.get(username="partenaire2").memberships.get().organisation_id},
    "pending organisation": lambda: {"pk": Organisation.objects.get(status=Organisation.Status.PENDING, is_demo=True).pk},
    "member of partenaire's organisation": lambda: _member("partenaire"),
    "membership request": lambda: {"pk": _membership_request().pk},
    "calendar of partenaire": lambda: {"token": User.objects.get(username="partenaire").calendar_token},
    "commitment": lambda: {"pk": _commitment().pk},
    "password reset link": lambda: {"uidb64": "MQ", "token": "set-password"},
    "bilan table": lambda: {"table": "projets"},
}


def _seat():
    space = Chantier.objects.filter(is_demo=True).order_by("pk").first()
    return {"pk": space.pk, "seat_pk": space.memberships.order_by("pk").first().pk}


def _citizen_seat():
    space = Chantier.objects.filter(is_demo=True, citizen_memberships__isnull=False).order_by("pk").first()
    return {"pk": space.pk, "seat_pk": space.citizen_memberships.order_by("pk").first().pk}


def _member(username):
    membership = User.objects.get(username=username).memberships.get()
    other = membership.organisation.memberships.exclude(pk=membership.pk).order_by("pk").first() or membership
    return {"pk": membership.organisation_id, "membership_pk": other.pk}


def _membership_request():
    from organisations.services import membership_request_create

    request = MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).first()
    if request:
        return request
    user = User.objects.create_user("demandeur", email="demandeur@example.org", password="x")
    return membership_request_create(user=user, organisation=Organisation.objects.get(pk=_member("partenaire2")["pk"]))


def _commitment():
    from budget.models import Commitment

    return Commitment.objects.order_by("pk").first()


def url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def actual_matrix():
    call_command("load_asis")
    with override_settings(DEBUG=True):
        call_command("load_demo")
    clients = {"anonymous": Client()}
    for username in ROLES[1:]:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    return clients


# (url name, object, answers for anonymous, partenaire, partenaire2, personnel, coordination)
MATRIX = [
    # Public pages
    ("home", None, (200, 200, 200, 200, 200)),
    ("plan", None, (200, 200, 200, 200, 200)),
    ("theme-detail", "theme", (200, 200, 200, 200, 200)),
    ("healthz", None, (200, 200, 200, 200, 200)),
    ("favicon", None, (301, 301, 301, 301, 301)),
    ("set_language", None, (302, 302, 302, 302, 302)),  # POST sets the language; GET goes back
    # Accounts
    ("login", None, (200, 302, 302, 302, 302)),
    ("logout", None, (405, 405, 405, 405, 405)),
    ("organisations:signup", None, (200, 302, 302, 302, 302)),
    ("password_reset", None, (200, 200, 200, 200, 200)),
    ("password_reset_done", None, (200, 200, 200, 200, 200)),
    ("password_reset_confirm", "password reset link", (200, 200, 200, 200, 200)),  # an invalid link says so
    ("password_reset_complete", None, (200, 200, 200, 200, 200)),
    ("password_change", None, (LOGIN, 200, 200, 200, 200)),
    ("password_change_done", None, (LOGIN, 200, 200, 200, 200)),
    # Organisations
    ("organisations:request-list", None, (LOGIN, 403, 403, 403, 200)),
    ("organisations:membership-request-approve", "membership request", (LOGIN, 403, 403, 403, 405)),
    ("organisations:membership-request-refuse", "membership request", (LOGIN, 403, 403, 403, 200)),
    ("organisations:organisation-approve", "pending organisation", (LOGIN, 403, 403, 403, 405)),
    ("organisations:organisation-refuse", "pending organisation", (LOGIN, 403, 403, 403, 200)),
    ("organisations:organisation-detail", "organisation of partenaire", (LOGIN, 200, 404, 200, 200)),
    ("organisations:organisation-detail", "organisation of partenaire2", (LOGIN, 404, 200, 200, 200)),
    ("organisations:organisation-detail", "pending organisation", (LOGIN, 404, 404, 200, 200)),
    ("organisations:organisation-update", "organisation of partenaire", (LOGIN, 200, 404, 403, 200)),
    ("organisations:organisation-update", "organisation of partenaire2", (LOGIN, 404, 200, 403, 200)),
    ("organisations:member-invite", "organisation of partenaire", (LOGIN, 405, 405, 405, 405)),
    ("organisations:member-remove", "member of partenaire's organisation", (LOGIN, 405, 405, 405, 405)),
    # Concertation spaces and meetings
    ("chantiers:space-list", None, (LOGIN, 200, 200, 200, 200)),
    ("chantiers:space-create", None, (LOGIN, 403, 403, 403, 200)),
    ("chantiers:space-detail", "space", (LOGIN, 404, 404, 200, 200)),
    ("chantiers:space-update", "space", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:space-archive", "space", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-restore", "space", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-member-add", "space", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-member-remove", "space seat", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-citizen-add", "space", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-citizen-remove", "space citizen seat", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:meeting-create", "space", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:meeting-list", None, (LOGIN, 200, 200, 200, 200)),
    ("chantiers:meeting-feed", "calendar of partenaire", (200, 200, 200, 200, 200)),  # the secret link is the key
    ("chantiers:meeting-detail", "meeting", (LOGIN, 404, 404, 200, 200)),
    ("chantiers:meeting-update", "meeting", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:meeting-attendance", "meeting", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:decision-create", "meeting", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:follow-up-done", "follow-up", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:hyperconcertation", None, (LOGIN, 403, 403, 200, 200)),
    ("chantiers:threshold-update", None, (405, 405, 405, 405, 405)),
    ("chantiers:citizen-participation", None, (LOGIN, 403, 403, 200, 200)),
    # Action projects
    ("chantiers:project-list", None, (LOGIN, 200, 200, 200, 200)),
    ("chantiers:project-intention-create", None, (LOGIN, 200, 200, 403, 200)),
    ("chantiers:project-create", None, (LOGIN, 200, 200, 403, 200)),
    ("chantiers:project-detail", "draft of partenaire", (404, 200, 404, 200, 200)),
    ("chantiers:project-detail", "public project of partenaire", (200, 200, 200, 200, 200)),
    ("chantiers:project-detail", "project of partenaire2", (200, 200, 200, 200, 200)),
    ("chantiers:project-detail", "filed project of another", (404, 404, 404, 200, 200)),
    ("chantiers:project-detail", "project naming partenaire as partner", (404, 200, 404, 200, 200)),
    ("chantiers:project-update", "draft of partenaire", (LOGIN, 200, 404, 403, 200)),
    ("chantiers:project-update", "project naming partenaire as partner", (LOGIN, 403, 404, 403, 200)),
    ("chantiers:project-update", "public project of partenaire", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:project-update", "project of partenaire2", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:project-update", "filed project of another", (LOGIN, 404, 404, 403, 200)),
    ("chantiers:project-submit", "draft of partenaire", (LOGIN, 405, 405, 405, 405)),
    ("chantiers:project-comment-create", "public project of partenaire", (LOGIN, 405, 405, 405, 405)),
    # The envelope
    ("budget:envelope", None, (LOGIN, 403, 403, 200, 200)),
    ("budget:commitment-create", None, (LOGIN, 403, 403, 403, 200)),
    ("budget:disbursement-create", "commitment", (LOGIN, 403, 403, 403, 200)),
    ("budget:commitment-reduce", "commitment", (LOGIN, 403, 403, 403, 200)),
    # The bilan and open data
    ("bilan:bilan", None, (LOGIN, 200, 200, 200, 200)),  # a partner's bilan holds its organisations' projects only
    ("bilan:bilan-csv", "bilan table", (LOGIN, 200, 200, 200, 200)),
    ("bilan:bilan-xlsx", None, (LOGIN, 200, 200, 200, 200)),
    ("bilan:bilan-pdf", None, (LOGIN, 200, 200, 200, 200)),  # as the XLSX: a partner's holds its organisations' projects only
    ("bilan:bilan-docx", None, (LOGIN, 200, 200, 200, 200)),
    ("bilan:progress-import", None, (LOGIN, 403, 403, 403, 200)),
    ("bilan:progress-import-apply", None, (LOGIN, 403, 403, 403, 405)),
    ("bilan:open-data", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-json", None, (200, 200, 200, 200, 200)),
]


def test_every_url_has_a_decision():
    decided = {name for name, _obj, _answers in MATRIX}
    missing = [name for name in url_names() if name not in decided]
    assert not missing, f"URLs without a line in the authorization matrix: {missing}"


@pytest.mark.django_db
def test_each_role_gets_the_decided_answer():
    clients = actual_matrix()
    wrong = []
    for name, obj, answers in MATRIX:
        url = reverse(name, kwargs=OBJECTS[obj]())
        for role, expected in zip(ROLES, answers):
            response = clients[role].get(url)
            got = response.status_code
            if got == 302 and response.url.startswith(reverse("login")):
                got = LOGIN
            if got != expected:
                wrong.append(f"{name} [{obj}] as {role}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)
