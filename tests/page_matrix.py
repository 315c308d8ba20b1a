"""Every page of the portal and who may open it: the table the authorization matrix tests, shared with
the accessibility, validity and mobile tests so they cover every page type for every role.

`MATRIX` holds a line per URL name (and per object it is opened on) with the answer each role gets;
`OBJECTS` builds the URL's arguments on the demo data (`load_asis` + `load_demo`). A URL missing from
the matrix fails tests/test_authorization_matrix.py, so the page lists derived from it cannot miss one.
"""

from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from alliances.addresses import alliance_reverse, is_alliance_address
from alliances.models import Alliance
from budget.models import ParticipationSupport
from chantiers.models import FollowUp, Meeting, Space
from notifications.services import unsubscribe_token
from organisations.models import Citizen, MembershipRequest, Organisation, User
from plans.models import SharedIndicator
from projects.models import (
    ActionProject,
    CommitteeMember,
    ExpenseCategory,
    ProgressReport,
    ReportAttachment,
    Resolution,
    ReviewCriterion,
)
from tests.demo_snapshot import load_asis_and_demo

ROLES = ("anonymous", "partenaire", "partenaire2", "personnel", "coordination")
LOGIN = "login"  # a redirect to the login page
SKIPPED_NAMESPACES = {"admin"}  # the Django admin: staff only, tested in test_project_guards


def _project(title):
    return {"pk": ActionProject.objects.get(title=title, is_demo=True).pk}


def _partnership(title, username):
    """The partnership of `username`'s organisation on the demo project `title`."""
    project = ActionProject.objects.get(title=title, is_demo=True)
    partner = project.partnerships.get(organisation_id__in=User.objects.get(username=username).organisation_ids())
    return {"pk": project.pk, "partner_pk": partner.pk}


# Objects the URLs are opened on. `partenaire` leads "Halte-garderie communautaire" (a draft) and
# "Ateliers parents-enfants Bouger en famille" (in progress); `partenaire2` leads "Parcours vers
# l'emploi pour jeunes adultes" (agreement signed); "Reconnaissance des bénévoles…" is another
# organisation's filed project, not public; "Jardins communautaires…", under analysis, names the
# family organisation as a partner (its members see it and comment; only the lead edits).
OBJECTS = {
    None: dict,
    # a support paid to help citizens take part (issue 21, part 3: demo/contribution.py)
    "participation support": lambda: {
        "pk": ParticipationSupport.objects.filter(space__alliance__acronym="ASIS").order_by("pk").first().pk
    },
    "draft of partenaire": lambda: _project("Halte-garderie communautaire"),
    "section of draft of partenaire": lambda: {**_project("Halte-garderie communautaire"), "section": "projet"},
    "section of public project of partenaire": lambda: {
        **_project("Ateliers parents-enfants Bouger en famille"),
        "section": "budget",
    },
    "public project of partenaire": lambda: _project("Ateliers parents-enfants Bouger en famille"),
    "project of partenaire2": lambda: _project("Parcours vers l'emploi pour jeunes adultes"),
    "filed project of another": lambda: _project("Reconnaissance des bénévoles dans les quartiers ruraux"),
    "project naming partenaire as partner": lambda: _project("Jardins communautaires intergénérationnels"),
    "partnership of partenaire": lambda: _partnership("Jardins communautaires intergénérationnels", "partenaire"),
    "space": lambda: {"pk": Space.objects.filter(is_demo=True).order_by("pk").first().pk},
    "space seat": lambda: _seat(),
    "space citizen seat": lambda: _citizen_seat(),
    "meeting": lambda: {"pk": Meeting.objects.filter(is_demo=True).order_by("pk").first().pk},
    "follow-up": lambda: {"pk": FollowUp.objects.order_by("pk").first().pk},
    # Facilitators (issue 20, part 5): `partenaire` runs the meetings of the early-childhood table (demo/facilitators.py),
    # another space than "space" above, where she does not sit.
    "space facilitated by partenaire": lambda: {"pk": _facilitated().pk},
    "meeting of a space facilitated by partenaire": lambda: {
        "pk": Meeting.objects.filter(space=_facilitated()).order_by("pk").first().pk
    },
    "follow-up of a space facilitated by partenaire": lambda: {
        "pk": FollowUp.objects.filter(decision__meeting__space=_facilitated()).order_by("pk").first().pk
    },
    "facilitator of partenaire": lambda: {
        "pk": _facilitated().pk,
        "facilitator_pk": _facilitated().facilitators.get(user__username="partenaire").pk,
    },
    # Meetings avoided (issue 21, part 2): the written consultation of the space `partenaire` facilitates, answered by
    # her organisation (demo/avoided.py)
    "consultation of a space facilitated by partenaire": lambda: {"pk": _consultation().pk},
    # A citizen's own access (issue 21, part 5; demo/citizen_account.py): Amélie Tremblay (login `citoyen`), seated at
    # the table `partenaire` facilitates, whose consultation above asks her seat; her next meeting there; a link that
    # creates another citizen's account (Manon Gauthier, seated there too, without an account)
    "citizen with an account": lambda: {"pk": Citizen.objects.get(user__username="citoyen").pk},
    "upcoming meeting of citoyen": lambda: {
        "pk": Meeting.objects.filter(space=_facilitated(), date__gte=timezone.localdate()).order_by("date").first().pk
    },
    "citizen account link": lambda: {"token": _citizen_link()},
    "theme": lambda: {"slug": "logement-et-habitation"},
    "guide for coordination": lambda: {"slug": "coordination"},
    "guide for partners": lambda: {"slug": "partenaires"},
    "guide for staff": lambda: {"slug": "personnel"},
    "guide for the regional funder": lambda: {"slug": "region"},
    "money definitions": lambda: {"slug": "argent"},
    "guide image": lambda: {"name": "coordination-demandes"},
    "organisation of partenaire": lambda: {
        "pk": User.objects.get(username="partenaire").memberships.get().organisation_id
    },
    "organisation of partenaire2": lambda: {
        "pk": User.objects.get(username="partenaire2").memberships.get().organisation_id
    },
    "pending organisation": lambda: {
        "pk": Organisation.objects.get(status=Organisation.Status.PENDING, is_demo=True).pk
    },
    "member of partenaire's organisation": lambda: _member("partenaire"),
    "membership request": lambda: {"pk": _membership_request().pk},
    "invitation of partenaire's organisation": lambda: _invitation(),
    "invitation link": lambda: {"token": INVITATION_TOKEN} if _invitation() else {},
    "calendar of partenaire": lambda: {"token": User.objects.get(username="partenaire").calendar_token},
    "commitment": lambda: {"pk": _commitment().pk},
    # the board's resolutions (issue 20, part 2): one of ASIS's demo resolutions, with a recusal
    "resolution": lambda: {"pk": Resolution.objects.get(alliance__slug="rouyn-noranda", number="CA-2014-04-02").pk},
    "password reset link": lambda: {"uidb64": "MQ", "token": "set-password"},
    # the unsubscribe link of an e-mail notice to `partenaire` (issue 21, part 4): its signed token is the access
    "unsubscribe link of partenaire": lambda: {
        "token": unsubscribe_token(user_id=User.objects.get(username="partenaire").pk, kinds=["meetings"])
    },
    "bilan table": lambda: {"table": "projets"},
    "criterion": lambda: {"pk": ReviewCriterion.objects.order_by("pk").first().pk},
    "expense category": lambda: {"pk": ExpenseCategory.objects.order_by("pk").first().pk},
    "recommended project of another": lambda: _project("Café-rencontre des proches aidants"),
    "intention naming partenaire2 as partner": lambda: _project("Logements de transition pour jeunes"),
    "report of partenaire": lambda: {"pk": _report("Ateliers parents-enfants Bouger en famille").pk},
    "report of another": lambda: {"pk": _report("Banque de bénévoles partagée").pk},
    "attachment of partenaire": lambda: {
        "pk": ReportAttachment.objects.get(report=_report("Ateliers parents-enfants Bouger en famille")).pk
    },
    "agreement of partenaire": lambda: {"pk": _agreement("Ateliers parents-enfants Bouger en famille").pk},
    "agreement of partenaire2": lambda: {"pk": _agreement("Parcours vers l'emploi pour jeunes adultes").pk},
    "planned payment of partenaire": lambda: _planned("Ateliers parents-enfants Bouger en famille"),
    "deadline of partenaire": lambda: {"pk": _deadline("Ateliers parents-enfants Bouger en famille").pk},
    "disbursement of partenaire": lambda: {"pk": _disbursement("Ateliers parents-enfants Bouger en famille").pk},
    "citizen (privacy)": lambda: {"kind": "citoyens", "pk": Citizen.objects.order_by("pk").first().pk},
    "partenaire (privacy)": lambda: {"kind": "utilisateurs", "pk": User.objects.get(username="partenaire").pk},
    "privacy request": lambda: {"pk": _privacy_request().pk},
    "incident": lambda: {"pk": _incident().pk},
    "history of organisation of partenaire": lambda: {
        "kind": "organisation",
        **OBJECTS["organisation of partenaire"](),
    },
    "history of organisation of partenaire2": lambda: {
        "kind": "organisation",
        **OBJECTS["organisation of partenaire2"](),
    },
    "history of draft of partenaire": lambda: {"kind": "projet", **OBJECTS["draft of partenaire"]()},
    "history of project of partenaire2": lambda: {"kind": "projet", **OBJECTS["project of partenaire2"]()},
    "history of space": lambda: {"kind": "lieu", **OBJECTS["space"]()},
    "history of report of partenaire": lambda: {"kind": "rapport", **OBJECTS["report of partenaire"]()},
    "change request of partenaire": lambda: {"pk": _change_request("Ateliers parents-enfants Bouger en famille").pk},
    "history of agreement of partenaire": lambda: {"kind": "convention", **OBJECTS["agreement of partenaire"]()},
    "history of disbursement of partenaire": lambda: {"kind": "versement", **OBJECTS["disbursement of partenaire"]()},
    "failed e-mail of the alliance": lambda: {"pk": _failed_email().pk},
    # The analysis committee (issue 20, part 1; demo/committee.py): on « Jardins… » (under analysis) partenaire2's
    # seat has not declared yet, Robert Côté (no account) scored, Lise Tremblay (the seniors' table, a partner) is
    # recused; « Reconnaissance… » is filed, not under analysis.
    "committee member named": lambda: {"pk": _committee_member(name="Robert Côté").pk},
    "committee seat of partenaire2": lambda: _committee_review("Jardins communautaires intergénérationnels"),
    "committee named member": lambda: _committee_review(
        "Jardins communautaires intergénérationnels", name="Robert Côté"
    ),
    "committee recused member": lambda: _committee_review(
        "Jardins communautaires intergénérationnels", name="Lise Tremblay"
    ),
    "committee seat on a filed project": lambda: _committee_review(
        "Reconnaissance des bénévoles dans les quartiers ruraux"
    ),
    # After funding (issue 20, part 6): « Banque de bénévoles partagée » (another organisation's, its final report
    # filed) has its 6-month check answered and its practice published (demo/sustainability.py)
    "sustainability check of another": lambda: {"pk": _sustainability_check().pk},
    "published practice": lambda: {"pk": _practice().pk},
    "project with a published practice": lambda: {"pk": _practice().project_id},
    # Shared indicators per theme (issue 21, part 1): ASIS's population indicator (demo/shared_indicators.py)
    "shared indicator": lambda: {
        "pk": SharedIndicator.objects.get(theme__plan__alliance__slug="rouyn-noranda", kind="population").pk
    },
    # The read API's token issued for the regional funder's dashboard (issue 22, part 3; demo/api_tokens.py)
    "api token": lambda: {"pk": _api_token().pk},
}


def _api_token():
    from api.models import ApiToken
    from demo.api_tokens import NAME

    return ApiToken.objects.get(name=NAME, alliance__slug="rouyn-noranda")


def _committee_member(*, name=None):
    if name:
        return CommitteeMember.objects.get(name=name, alliance__slug="rouyn-noranda")
    return CommitteeMember.objects.get(user__username="partenaire2", alliance__slug="rouyn-noranda")


def _committee_review(title, *, name=None):
    return {**_project(title), "member_pk": _committee_member(name=name).pk}


def _sustainability_check():
    from sustainability.models import SustainabilityCheck

    return SustainabilityCheck.objects.get(project__title="Banque de bénévoles partagée", months=6)


def _practice():
    from sustainability.models import Practice

    return Practice.objects.get(project__title="Banque de bénévoles partagée")


def _failed_email():
    """An e-mail of ASIS's alliance that failed for good (the outbox's « Renvoyer »)."""
    from post_office.models import STATUS, Email

    from asis.mail import send_after_commit

    email = Email.objects.filter(status=STATUS.failed, alliance_link__isnull=False).order_by("pk").first()
    if email is None:
        email = send_after_commit(
            to=["partenaire@example.org"],
            subject="Essai",
            body="Essai",
            alliance_id=Alliance.objects.get(acronym="ASIS").pk,
        )
        Email.objects.filter(pk=email.pk).update(status=STATUS.failed)
    return email


def _privacy_request():
    from privacy.models import PrivacyRequest
    from privacy.services import privacy_request_create

    return PrivacyRequest.objects.order_by("pk").first() or privacy_request_create(
        person=User.objects.get(username="partenaire"),
        kind="access",
        received_on=timezone.localdate(),
        by=User.objects.get(username="coordination"),
    )


def _incident():
    from privacy.models import ConfidentialityIncident
    from privacy.services import incident_record

    return ConfidentialityIncident.objects.order_by("pk").first() or incident_record(
        by=User.objects.get(username="coordination"),
        information_involved="Courriels",
        circumstances="Envoi",
        occurred_on=timezone.localdate(),
        discovered_on=timezone.localdate(),
        people_affected=1,
        risk_assessment="Faible",
        measures_taken="Rappel",
    )


def _report(title):
    return ProgressReport.objects.filter(project__title=title, project__is_demo=True).order_by("pk").first()


def _agreement(title):
    from budget.models import Agreement

    return Agreement.objects.get(project__title=title, project__is_demo=True)


def _change_request(title):
    """The demo's request of `title` still waiting for Coordination (demo/changes.py)."""
    from budget.models import ChangeRequest

    return ChangeRequest.objects.get(project__title=title, project__is_demo=True, status=ChangeRequest.Status.PENDING)


def _deadline(title):
    from projects.models import ReportDeadline

    return ReportDeadline.objects.filter(project__title=title, project__is_demo=True).awaited().order_by("pk").first()


def _planned(title):
    planned = _agreement(title).planned_payments.filter(disbursement__isnull=True).order_by("pk").first()
    return {"pk": planned.agreement_id, "planned_pk": planned.pk}


def _disbursement(title):
    from budget.models import Disbursement

    return Disbursement.objects.filter(commitment__project__title=title).order_by("pk").first()


def _facilitated():
    from demo.facilitators import FACILITATED_SPACE

    return Space.objects.get(name=FACILITATED_SPACE, is_demo=True)


def _consultation():
    from chantiers.models import Consultation
    from demo.avoided import CONSULTATION

    return Consultation.objects.get(title=CONSULTATION, is_demo=True)


def _citizen_link():
    from chantiers.services_citizen import account_token

    return account_token(Citizen.objects.get(first_name="Manon", last_name="Gauthier", is_demo=True))


def _seat():
    space = Space.objects.filter(is_demo=True).order_by("pk").first()
    return {"pk": space.pk, "seat_pk": space.memberships.order_by("pk").first().pk}


def _citizen_seat():
    space = Space.objects.filter(is_demo=True, citizen_memberships__isnull=False).order_by("pk").first()
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


INVITATION_TOKEN = "lien-d-invitation-de-la-matrice"  # the secret an invitee would read in the e-mail


def _invitation():
    """An open invitation from `partenaire`'s organisation to an address with no account."""
    import datetime

    from organisations.models import MembershipInvitation
    from organisations.services import invitation_token_hash

    organisation_pk = _member("partenaire")["pk"]
    invitation, _created = MembershipInvitation.objects.get_or_create(
        token_hash=invitation_token_hash(INVITATION_TOKEN),
        defaults={
            "organisation_id": organisation_pk,
            "email": "invitee@example.org",
            "invited_by": User.objects.get(username="partenaire"),
            "expires_at": timezone.now() + datetime.timedelta(days=7),
        },
    )
    return {"pk": organisation_pk, "invitation_pk": invitation.pk}


def _commitment():
    from budget.models import Commitment

    return Commitment.objects.order_by("pk").first()


def page_url(name: str, obj: str | None) -> str:
    """The address of page `name` on object `obj`: an alliance's page at ASIS's address (/rouyn-noranda/...), since
    the demo runs two alliances; a page of no alliance at its own."""
    kwargs = OBJECTS[obj]()
    if is_alliance_page(name, kwargs):
        return alliance_reverse(Alliance.objects.get(acronym="ASIS"), name, kwargs=kwargs)
    return reverse(name, kwargs=kwargs)


def is_alliance_page(name: str, kwargs: dict | None = None) -> bool:
    return is_alliance_address(reverse(name, kwargs=kwargs))


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
    load_asis_and_demo()
    clients = {"anonymous": Client()}
    for username in ROLES[1:]:
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    return clients


# (url name, object, answers for anonymous, partenaire, partenaire2, personnel, coordination)
MATRIX = [
    # Public pages
    # the alliance's home: « À traiter » for its Coordination and staff (worklist), the public overview for the others
    ("home", None, (200, 200, 200, 200, 200)),
    ("overview", None, (200, 200, 200, 200, 200)),  # the public overview, at its own address for everyone
    ("plan", None, (200, 200, 200, 200, 200)),
    ("theme-detail", "theme", (200, 200, 200, 200, 200)),
    ("plans:plan-list", None, (200, 200, 200, 200, 200)),  # an alliance's plans, each one's pages at its address
    ("healthz", None, (200, 200, 200, 200, 200)),
    ("help", None, (200, 200, 200, 200, 200)),  # the user guide is public, each of its pages too
    ("help-guide", "guide for coordination", (200, 200, 200, 200, 200)),
    ("help-guide", "guide for partners", (200, 200, 200, 200, 200)),
    ("help-guide", "guide for staff", (200, 200, 200, 200, 200)),
    ("help-guide", "guide for the regional funder", (200, 200, 200, 200, 200)),
    ("help-guide", "money definitions", (200, 200, 200, 200, 200)),
    ("help-image", "guide image", (200, 200, 200, 200, 200)),
    ("favicon", None, (301, 301, 301, 301, 301)),
    ("set_language", None, (302, 302, 302, 302, 302)),  # POST sets the language; GET goes back
    # Accounts
    ("login", None, (200, 302, 302, 302, 302)),
    ("logout", None, (405, 405, 405, 405, 405)),
    ("privacy:signup", None, (200, 302, 302, 302, 302)),
    # the sign-up's later steps: before the first is answered, back to it (tests/privacy/test_signup.py walks them)
    ("privacy:signup-organisation", None, (302, 302, 302, 302, 302)),
    ("privacy:signup-person", None, (302, 302, 302, 302, 302)),
    ("privacy:signup-consents", None, (302, 302, 302, 302, 302)),
    ("privacy:signup-review", None, (302, 302, 302, 302, 302)),
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
    ("organisations:invitation-cancel", "invitation of partenaire's organisation", (LOGIN, 405, 405, 405, 405)),
    # An invitation's link: its secret is the access (whoever holds it sees the organisation's name and the choices;
    # only the invited address's account accepts); a signed-in visitor is sent from « create an account » to the page
    ("organisations:invitation-detail", "invitation link", (200, 200, 200, 200, 200)),
    ("organisations:invitation-accept", "invitation link", (LOGIN, 405, 405, 405, 405)),
    ("organisations:invitation-decline", "invitation link", (405, 405, 405, 405, 405)),
    ("organisations:invitation-register", "invitation link", (200, 302, 302, 302, 302)),
    # issue 21 part 4: e-mail notices. « Mes avis par courriel » is each signed-in person's own page (no object: nobody
    # opens another's); the unsubscribe link's signed token is its access, whoever holds it (GET shows one button;
    # a bad token is a 400, tests/notifications/test_unsubscribe.py)
    ("notifications:preferences", None, (LOGIN, 200, 200, 200, 200)),
    ("notifications:unsubscribe", "unsubscribe link of partenaire", (200, 200, 200, 200, 200)),
    # Privacy (Law 25): the public page, a person's own consents; the register is Coordination's
    ("privacy:privacy-policy", None, (200, 200, 200, 200, 200)),
    ("privacy:my-consents", None, (LOGIN, 200, 200, 200, 200)),
    ("privacy:privacy-request-list", None, (LOGIN, 403, 403, 403, 200)),
    ("privacy:privacy-request-detail", "privacy request", (LOGIN, 403, 403, 403, 200)),
    ("privacy:privacy-person-search", None, (LOGIN, 403, 403, 403, 200)),
    ("privacy:privacy-person-detail", "citizen (privacy)", (LOGIN, 403, 403, 403, 200)),
    ("privacy:privacy-person-detail", "partenaire (privacy)", (LOGIN, 403, 403, 403, 200)),
    ("privacy:privacy-request-create", "citizen (privacy)", (LOGIN, 403, 403, 403, 405)),
    ("privacy:privacy-consents-record", "citizen (privacy)", (LOGIN, 403, 403, 403, 405)),
    # the export is logged, so it is a POST (the person's page has the buttons)
    ("privacy:privacy-export-json", "partenaire (privacy)", (LOGIN, 403, 403, 403, 405)),
    ("privacy:privacy-export-csv", "citizen (privacy)", (LOGIN, 403, 403, 403, 405)),
    ("privacy:privacy-person-rectify", "citizen (privacy)", (LOGIN, 403, 403, 403, 200)),
    ("privacy:privacy-person-erase", "partenaire (privacy)", (LOGIN, 403, 403, 403, 200)),
    ("privacy:incident-list", None, (LOGIN, 403, 403, 403, 200)),
    ("privacy:incident-create", None, (LOGIN, 403, 403, 403, 200)),
    ("privacy:incident-detail", "incident", (LOGIN, 403, 403, 403, 200)),
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
    ("chantiers:meeting-create", "space", (LOGIN, 404, 403, 403, 200)),  # 404: see « Facilitators » below
    ("chantiers:meeting-list", None, (LOGIN, 200, 200, 200, 200)),
    ("chantiers:meeting-feed", "calendar of partenaire", (200, 200, 200, 200, 200)),  # the secret link is the key
    ("chantiers:meeting-detail", "meeting", (LOGIN, 404, 404, 200, 200)),
    ("chantiers:meeting-update", "meeting", (LOGIN, 404, 403, 403, 200)),
    ("chantiers:meeting-attendance", "meeting", (LOGIN, 404, 403, 403, 200)),
    ("chantiers:decision-create", "meeting", (LOGIN, 405, 403, 403, 405)),
    ("chantiers:follow-up-done", "follow-up", (LOGIN, 405, 403, 403, 405)),
    ("chantiers:hyperconcertation", None, (LOGIN, 403, 403, 200, 200)),
    ("chantiers:threshold-update", None, (405, 405, 405, 405, 405)),
    ("chantiers:citizen-participation", None, (LOGIN, 403, 403, 200, 200)),
    # Facilitators (issue 20, part 5): Coordination names them; `partenaire` runs the meetings of the space she
    # facilitates (schedule, minutes, attendance, decisions, follow-ups), not its settings; `partenaire2` runs none.
    # On the objects "space", "meeting" and "follow-up" above (where she does not sit) she now gets 404 rather than
    # 403: she runs meetings somewhere, so the object is looked up, and it is not hers to see (an outsider's answer);
    # a GET of the POST-only pages gets 405 before any look-up, as Coordination's does.
    ("chantiers:space-facilitator-add", "space", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-facilitator-add", "space facilitated by partenaire", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-facilitator-remove", "facilitator of partenaire", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:space-detail", "space facilitated by partenaire", (LOGIN, 200, 404, 200, 200)),
    ("chantiers:space-update", "space facilitated by partenaire", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:space-archive", "space facilitated by partenaire", (LOGIN, 403, 403, 403, 405)),
    ("chantiers:meeting-create", "space facilitated by partenaire", (LOGIN, 200, 403, 403, 200)),
    ("chantiers:meeting-detail", "meeting of a space facilitated by partenaire", (LOGIN, 200, 404, 200, 200)),
    ("chantiers:meeting-update", "meeting of a space facilitated by partenaire", (LOGIN, 200, 403, 403, 200)),
    ("chantiers:meeting-attendance", "meeting of a space facilitated by partenaire", (LOGIN, 200, 403, 403, 200)),
    ("chantiers:decision-create", "meeting of a space facilitated by partenaire", (LOGIN, 405, 403, 403, 405)),
    ("chantiers:follow-up-done", "follow-up of a space facilitated by partenaire", (LOGIN, 405, 403, 403, 405)),
    # Meetings avoided (issue 21, part 2): who runs a space's meetings records the alternative to one (Coordination,
    # `partenaire` for the space she facilitates); a written consultation is seen by Coordination, staff, the space's
    # facilitator and the organisations it asks; only their partner accounts answer (Coordination's organisation does
    # not sit there); its decision is Coordination's or the facilitator's (POST only).
    ("chantiers:meeting-avoid", "space", (LOGIN, 404, 403, 403, 200)),
    ("chantiers:meeting-avoid", "space facilitated by partenaire", (LOGIN, 200, 403, 403, 200)),
    ("chantiers:consultation-list", None, (LOGIN, 200, 200, 200, 200)),
    ("chantiers:consultation-detail", "consultation of a space facilitated by partenaire", (LOGIN, 200, 404, 200, 200)),
    ("chantiers:consultation-answer", "consultation of a space facilitated by partenaire", (LOGIN, 200, 404, 403, 403)),
    ("chantiers:consultation-decide", "consultation of a space facilitated by partenaire", (LOGIN, 405, 403, 403, 405)),
    # issue 21 part 5: a citizen's own access. Coordination offers and withdraws it (POST) from the citizen's page; the
    # citizen's own pages answer 403 to every other account (the « citoyen » column: CITIZEN_ANSWERS below); the link
    # creates the account of a visitor (a signed-in person is asked to sign out: 400).
    ("chantiers:citizen-access", "citizen with an account", (LOGIN, 403, 403, 403, 200)),
    ("chantiers:citizen-access-withdraw", "citizen with an account", (LOGIN, 403, 403, 403, 405)),
    ("citizen:home", None, (LOGIN, 403, 403, 403, 403)),
    ("citizen:meeting-respond", "upcoming meeting of citoyen", (LOGIN, 403, 403, 403, 403)),
    ("citizen:consultation-list", None, (LOGIN, 403, 403, 403, 403)),
    ("citizen:consultation-answer", "consultation of a space facilitated by partenaire", (LOGIN, 403, 403, 403, 403)),
    ("citizen:account-accept", "citizen account link", (200, 400, 400, 400, 400)),
    # Action projects
    ("projects:project-list", None, (LOGIN, 200, 200, 200, 200)),
    ("projects:project-intention-create", None, (LOGIN, 200, 200, 403, 200)),
    ("projects:project-create", None, (LOGIN, 200, 200, 403, 200)),
    ("projects:project-detail", "draft of partenaire", (404, 200, 404, 200, 200)),
    ("projects:project-detail", "public project of partenaire", (200, 200, 200, 200, 200)),
    ("projects:project-detail", "project of partenaire2", (200, 200, 200, 200, 200)),
    ("projects:project-detail", "filed project of another", (404, 404, 404, 200, 200)),
    ("projects:project-detail", "project naming partenaire as partner", (404, 200, 404, 200, 200)),
    ("projects:project-update", "draft of partenaire", (LOGIN, 200, 404, 403, 200)),
    ("projects:project-update", "project naming partenaire as partner", (LOGIN, 403, 404, 403, 200)),
    ("projects:project-update", "public project of partenaire", (LOGIN, 403, 403, 403, 200)),
    ("projects:project-update", "project of partenaire2", (LOGIN, 403, 403, 403, 200)),
    ("projects:project-update", "filed project of another", (LOGIN, 404, 404, 403, 200)),
    ("projects:project-submit", "draft of partenaire", (LOGIN, 405, 405, 405, 405)),
    # The application as a task list (issue 23, item 4): the lead's members and Coordination; read once filed
    ("projects:project-application", "draft of partenaire", (LOGIN, 200, 404, 403, 200)),
    ("projects:project-application", "public project of partenaire", (LOGIN, 200, 403, 403, 200)),
    ("projects:project-application", "filed project of another", (LOGIN, 404, 404, 403, 200)),
    ("projects:project-application-review", "draft of partenaire", (LOGIN, 200, 404, 403, 200)),
    ("projects:project-application-review", "project naming partenaire as partner", (LOGIN, 403, 404, 403, 200)),
    ("projects:project-application-section", "section of draft of partenaire", (LOGIN, 200, 404, 403, 200)),
    ("projects:project-application-section", "section of public project of partenaire", (LOGIN, 403, 403, 403, 200)),
    ("projects:partnership-answer", "partnership of partenaire", (LOGIN, 405, 405, 405, 405)),
    ("projects:project-comment-create", "public project of partenaire", (LOGIN, 405, 405, 405, 405)),
    # The review: Coordination decides; Personnel reads; the partner sees the outcome on the project page
    ("projects:criterion-list", None, (LOGIN, 403, 403, 200, 200)),
    ("projects:criterion-create", None, (LOGIN, 403, 403, 403, 200)),
    ("projects:criterion-update", "criterion", (LOGIN, 403, 403, 403, 200)),
    ("projects:criterion-archive", "criterion", (LOGIN, 403, 403, 403, 405)),
    ("projects:criterion-restore", "criterion", (LOGIN, 403, 403, 403, 405)),
    ("projects:criterion-delete", "criterion", (LOGIN, 403, 403, 403, 405)),
    ("projects:review-open", "filed project of another", (LOGIN, 405, 405, 405, 405)),
    ("projects:review-detail", "project naming partenaire as partner", (LOGIN, 403, 404, 200, 200)),
    ("projects:review-detail", "filed project of another", (LOGIN, 404, 404, 404, 404)),  # no analysis opened yet
    ("projects:review-recommend", "project naming partenaire as partner", (LOGIN, 405, 405, 405, 405)),
    ("projects:board-decision-create", "recommended project of another", (LOGIN, 404, 404, 403, 200)),
    (
        "projects:board-decision-create",
        "project naming partenaire as partner",
        (LOGIN, 403, 404, 403, 302),
    ),  # not recommended yet: back to the project
    ("projects:project-request-changes", "filed project of another", (LOGIN, 404, 404, 403, 200)),
    ("projects:project-request-changes", "project naming partenaire as partner", (LOGIN, 403, 404, 403, 200)),
    ("projects:intention-list", None, (LOGIN, 403, 403, 200, 200)),
    ("projects:intention-to-draft", "intention naming partenaire2 as partner", (LOGIN, 405, 405, 405, 405)),
    ("projects:similar-pair-list", None, (LOGIN, 403, 403, 200, 200)),
    # The analysis committee (issue 20, part 1): Coordination names it, Personnel reads it; a member (partenaire2)
    # opens only their own seat's page, a project under analysis; a recused member's page is Coordination's only
    ("projects:committee-list", None, (LOGIN, 403, 403, 200, 200)),
    ("projects:committee-member-leave", "committee member named", (LOGIN, 403, 403, 403, 405)),
    ("projects:committee-my-reviews", None, (LOGIN, 403, 200, 403, 403)),
    ("projects:review-member", "committee seat of partenaire2", (LOGIN, 404, 200, 403, 200)),
    ("projects:review-member", "committee named member", (LOGIN, 404, 404, 403, 200)),
    ("projects:review-member", "committee recused member", (LOGIN, 404, 404, 403, 200)),
    ("projects:review-member", "committee seat on a filed project", (LOGIN, 404, 404, 403, 404)),
    ("projects:review-member-conflict", "committee seat of partenaire2", (LOGIN, 405, 405, 405, 405)),
    # Progress and final reports: the lead files; partners named on the project read; others 404
    ("projects:report-create", "public project of partenaire", (LOGIN, 200, 404, 403, 403)),
    ("projects:report-create", "project of partenaire2", (LOGIN, 404, 200, 403, 403)),
    ("projects:report-create-final", "public project of partenaire", (LOGIN, 200, 404, 403, 403)),
    # « Vérifier avant de déposer »: the lead's draft; with none (the demo's), back to the form
    ("projects:report-review", "public project of partenaire", (LOGIN, 302, 404, 403, 403)),
    ("projects:report-review", "project of partenaire2", (LOGIN, 404, 302, 403, 403)),
    ("projects:report-review-final", "public project of partenaire", (LOGIN, 302, 404, 403, 403)),
    ("projects:report-detail", "report of partenaire", (LOGIN, 200, 404, 200, 200)),
    ("projects:report-detail", "report of another", (LOGIN, 404, 404, 200, 200)),
    ("projects:report-attachment-add", "report of partenaire", (LOGIN, 405, 405, 405, 405)),
    ("projects:report-mark-read", "report of partenaire", (LOGIN, 405, 405, 405, 405)),  # POST: Coordination, staff
    ("projects:deadline-remind", "deadline of partenaire", (LOGIN, 403, 403, 403, 405)),  # POST: Coordination
    ("projects:attachment-download", "attachment of partenaire", (LOGIN, 200, 404, 200, 200)),
    ("projects:report-late", None, (LOGIN, 403, 403, 200, 200)),
    # The envelope
    ("budget:envelope", None, (LOGIN, 403, 403, 200, 200)),
    # the outbox: its Coordination only; its staff 403, anyone else 404
    ("outbox:email-list", None, (LOGIN, 404, 404, 403, 200)),
    ("outbox:email-resend", "failed e-mail of the alliance", (LOGIN, 404, 404, 403, 405)),
    ("budget:commitments", None, (LOGIN, 403, 403, 200, 200)),  # the money workspace's sub-pages (issue 23)
    ("budget:payments", None, (LOGIN, 403, 403, 200, 200)),
    ("budget:charts", None, (LOGIN, 403, 403, 200, 200)),
    ("budget:history", None, (LOGIN, 403, 403, 200, 200)),
    ("budget:project-budget", "public project of partenaire", (LOGIN, 200, 404, 200, 200)),
    ("budget:project-budget", "project of partenaire2", (LOGIN, 404, 200, 200, 200)),
    ("budget:disbursement-correct", "disbursement of partenaire", (LOGIN, 403, 403, 403, 200)),
    ("budget:targets", None, (LOGIN, 403, 403, 200, 200)),  # staff (and the regional funder) read them
    ("budget:target-move", None, (LOGIN, 403, 403, 403, 200)),
    ("budget:agreement-list", None, (LOGIN, 200, 200, 200, 200)),  # a partner's list holds its own agreements only
    ("budget:agreement-create", None, (LOGIN, 403, 403, 403, 200)),
    ("budget:agreement-detail", "agreement of partenaire", (LOGIN, 200, 404, 200, 200)),
    ("budget:agreement-detail", "agreement of partenaire2", (LOGIN, 404, 200, 200, 200)),
    ("budget:report-deadline-add", "agreement of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("budget:planned-payment-add", "agreement of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("budget:planned-payment-cancel", "planned payment of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("budget:planned-payment-release", "planned payment of partenaire", (LOGIN, 405, 405, 405, 405)),
    ("budget:commitment-create", None, (LOGIN, 403, 403, 403, 200)),
    ("budget:disbursement-create", "commitment", (LOGIN, 403, 403, 403, 200)),
    ("budget:commitment-reduce", "commitment", (LOGIN, 403, 403, 403, 200)),
    # The board's resolutions (issue 20, part 2): the figures' readers read them, Coordination records them
    ("budget:resolution-list", None, (LOGIN, 403, 403, 200, 200)),
    ("budget:resolution-detail", "resolution", (LOGIN, 403, 403, 200, 200)),
    ("budget:resolution-create", None, (LOGIN, 403, 403, 403, 200)),
    # Change requests (issue 20, part 4): the lead's members ask (Coordination and Personnel read the agreement, do
    # not ask: 403); whoever reads the agreement reads its requests; Coordination lists, decides (POST) and sets the
    # threshold
    ("budget:change-request-create", "agreement of partenaire", (LOGIN, 200, 404, 403, 403)),
    ("budget:change-request-create", "agreement of partenaire2", (LOGIN, 404, 200, 403, 403)),
    ("budget:change-request-list", None, (LOGIN, 403, 403, 403, 200)),
    ("budget:change-settings", None, (LOGIN, 403, 403, 403, 200)),
    ("budget:change-request-detail", "change request of partenaire", (LOGIN, 200, 404, 200, 200)),
    ("budget:change-request-decide", "change request of partenaire", (LOGIN, 403, 403, 403, 405)),
    # Concertation as a contribution (issue 21, part 3): the figures' readers read the rate and every support paid,
    # a facilitator (partenaire runs a space) their spaces' support; Coordination sets the rate; writes are POST only
    ("budget:contribution", None, (LOGIN, 200, 403, 200, 200)),
    ("budget:contribution-rate-set", None, (LOGIN, 405, 405, 405, 405)),
    ("budget:participation-support-record", None, (LOGIN, 405, 405, 405, 405)),
    ("budget:participation-support-cancel", "participation support", (LOGIN, 405, 405, 405, 405)),
    # History of changes: Coordination only; an object the user cannot see at all is 404
    ("object-history", "history of organisation of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("object-history", "history of organisation of partenaire2", (LOGIN, 404, 403, 403, 200)),
    ("object-history", "history of draft of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("object-history", "history of project of partenaire2", (LOGIN, 403, 403, 403, 200)),  # public: both see it
    ("object-history", "history of space", (LOGIN, 404, 404, 403, 200)),
    ("object-history", "history of report of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("object-history", "history of agreement of partenaire", (LOGIN, 403, 404, 403, 200)),
    ("object-history", "history of disbursement of partenaire", (LOGIN, 403, 404, 403, 200)),
    # The bilan and open data
    # Budget lines (issue 20, part 3): the alliance's categories of expenses (Coordination manages them, Personnel
    # reads them), budget against actual by line per theme and for the plan (Coordination and Personnel)
    ("projects:expense-category-list", None, (LOGIN, 403, 403, 200, 200)),
    ("projects:expense-category-create", None, (LOGIN, 403, 403, 403, 200)),
    ("projects:expense-category-update", "expense category", (LOGIN, 403, 403, 403, 200)),
    ("bilan:budget-lines", None, (LOGIN, 403, 403, 200, 200)),
    ("bilan:budget-lines-xlsx", None, (LOGIN, 403, 403, 200, 200)),
    ("bilan:produce", None, (LOGIN, 403, 403, 200, 200)),  # « Produire le bilan »: who reports to the funder
    ("bilan:bilan", None, (LOGIN, 200, 200, 200, 200)),  # a partner's bilan holds its organisations' projects only
    ("bilan:bilan-csv", "bilan table", (LOGIN, 200, 200, 200, 200)),
    ("bilan:bilan-xlsx", None, (LOGIN, 200, 200, 200, 200)),
    (
        "bilan:bilan-pdf",
        None,
        (LOGIN, 200, 200, 200, 200),
    ),  # as the XLSX: a partner's holds its organisations' projects only
    ("bilan:bilan-docx", None, (LOGIN, 200, 200, 200, 200)),
    ("bilan:progress-import", None, (LOGIN, 403, 403, 403, 200)),
    ("bilan:progress-import-apply", None, (LOGIN, 403, 403, 403, 405)),
    ("bilan:open-data", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-json", None, (200, 200, 200, 200, 200)),
    # The region's pages (of no alliance): the comparison for the funder and each alliance's Coordination and
    # Personnel (their alliance beside the region's total); the region's open data is public
    ("bilan:comparison", None, (LOGIN, 403, 403, 200, 200)),
    ("bilan:comparison-xlsx", None, (LOGIN, 403, 403, 200, 200)),
    ("bilan:region-open-data-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-json", None, (200, 200, 200, 200, 200)),
    # The succession of plans: Coordination of the plan's alliance closes it and starts the next one
    ("succession:plan-close", None, (LOGIN, 403, 403, 403, 200)),
    ("succession:plan-next", None, (LOGIN, 403, 403, 403, 200)),  # the plan is current: « close it first »
    # After funding (issue 20, part 6): the follow-ups, the lead's (a partner lists its own) and every one for
    # Coordination and staff; the register of practices is public; only the lead organisation writes its practice
    ("sustainability:check-list", None, (LOGIN, 200, 200, 200, 200)),
    ("sustainability:check-detail", "sustainability check of another", (LOGIN, 404, 404, 200, 200)),
    ("sustainability:practice-list", None, (200, 200, 200, 200, 200)),
    ("sustainability:practice-detail", "published practice", (200, 200, 200, 200, 200)),
    ("sustainability:practice-publish", "published practice", (405, 405, 405, 405, 405)),
    ("sustainability:practice-edit", "project with a published practice", (LOGIN, 403, 403, 403, 403)),
    # The practices in the open data (issue 20, part 6): public, the alliance's and the region's, as the projects'
    ("bilan:open-data-practices-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-practices-json", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-practices-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-practices-json", None, (200, 200, 200, 200, 200)),
    # Shared indicators per theme (issue 21, part 1): Coordination writes them; staff and partners (to link their
    # projects' indicators) read the list
    ("plans:shared-indicator-list", None, (LOGIN, 200, 200, 200, 200)),
    ("plans:shared-indicator-create", None, (LOGIN, 403, 403, 403, 200)),
    ("plans:shared-indicator-update", "shared indicator", (LOGIN, 403, 403, 403, 200)),
    ("plans:shared-indicator-archive", "shared indicator", (LOGIN, 403, 403, 403, 405)),
    ("plans:shared-indicator-restore", "shared indicator", (LOGIN, 403, 403, 403, 405)),
    ("plans:shared-indicator-measure", "shared indicator", (LOGIN, 403, 403, 403, 200)),
    # Issue 22, part 3: the read API answers a token only (401 to a browser's session, whoever it is); its
    # documentation and OpenAPI schema are public; the alliance's token register is Coordination's (and the regional
    # funder's: tests/page_matrix_alliances.py); a revocation is a POST.
    ("api:documentation", None, (200, 200, 200, 200, 200)),
    ("api:schema", None, (200, 200, 200, 200, 200)),
    ("api:projects", None, (401, 401, 401, 401, 401)),
    ("api:commitments", None, (401, 401, 401, 401, 401)),
    ("api:payments", None, (401, 401, 401, 401, 401)),
    ("api:indicators", None, (401, 401, 401, 401, 401)),
    ("api:bilan", None, (401, 401, 401, 401, 401)),
    ("tokens:token-list", None, (LOGIN, 403, 403, 403, 200)),
    ("tokens:token-revoke", "api token", (405, 405, 405, 405, 405)),
    # Issue 22, part 1: the grants in the 360Giving standard, public, the alliance's and the region's (JSON, XLSX)
    ("bilan:open-data-grants-json", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-grants-xlsx", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-grants-json", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-grants-xlsx", None, (200, 200, 200, 200, 200)),
    # Issue 22, part 2: the shared indicators as open data and the catalogue (DCAT, JSON-LD): public, the alliance's
    # and the region's, as the other open-data files
    ("bilan:open-data-indicators-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-indicators-json", None, (200, 200, 200, 200, 200)),
    ("bilan:open-data-catalogue", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-indicators-csv", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-indicators-json", None, (200, 200, 200, 200, 200)),
    ("bilan:region-open-data-catalogue", None, (200, 200, 200, 200, 200)),
]


# issue 21 part 5: the « citoyen » column — what the demo citizen's account (`citoyen`) gets: its own pages, and for a
# sample of the portal's pages what a partner without rights gets (403), the home page leading to « Mes rencontres ».
CITIZEN = "citoyen"
CITIZEN_ANSWERS = {
    ("citizen:home", None): 200,
    ("citizen:consultation-list", None): 200,
    ("citizen:consultation-answer", "consultation of a space facilitated by partenaire"): 200,
    ("citizen:meeting-respond", "upcoming meeting of citoyen"): 405,
    ("citizen:account-accept", "citizen account link"): 400,
    ("chantiers:citizen-access", "citizen with an account"): 403,
    ("chantiers:citizen-access-withdraw", "citizen with an account"): 403,
    ("home", None): 302,
    ("overview", None): 403,
    ("plan", None): 403,
    ("projects:project-list", None): 403,
    ("projects:project-detail", "public project of partenaire"): 403,
    ("chantiers:space-list", None): 403,
    ("chantiers:space-detail", "space facilitated by partenaire"): 403,
    ("chantiers:meeting-detail", "meeting of a space facilitated by partenaire"): 403,
    ("chantiers:consultation-detail", "consultation of a space facilitated by partenaire"): 403,
    ("chantiers:citizen-participation", None): 403,
    ("organisations:organisation-detail", "organisation of partenaire"): 403,
    ("privacy:my-consents", None): 403,
    ("privacy:privacy-person-detail", "citizen (privacy)"): 403,
    ("privacy:privacy-policy", None): 200,
    ("help", None): 200,
    ("password_change", None): 200,
    # their choices of e-mail notices, and an e-mail's one-click link (part 4): theirs too
    ("notifications:preferences", None): 200,
    ("notifications:unsubscribe", "unsubscribe link of partenaire"): 200,
}


# 200 answers that are not HTML pages: files, feeds, the health check. tests/test_html_valid.py checks
# that every other 200 answer is HTML and that these are not, so the list cannot drift.
NOT_HTML = {
    "healthz",
    "chantiers:meeting-feed",
    "projects:attachment-download",
    "bilan:bilan-csv",
    "bilan:bilan-xlsx",
    "bilan:budget-lines-xlsx",
    "bilan:bilan-pdf",
    "bilan:bilan-docx",
    "bilan:open-data-csv",
    "bilan:open-data-json",
    "bilan:comparison-xlsx",
    "bilan:region-open-data-csv",
    "bilan:region-open-data-json",
    "help-image",
    "privacy:privacy-export-json",
    "privacy:privacy-export-csv",
    # the practices in the open data (issue 20, part 6)
    "bilan:open-data-practices-csv",
    "bilan:open-data-practices-json",
    "bilan:region-open-data-practices-csv",
    "bilan:region-open-data-practices-json",
    "api:schema",  # the read API's OpenAPI schema (issue 22, part 3)
    # Issue 22, part 1: the grants in the 360Giving standard
    "bilan:open-data-grants-json",
    "bilan:open-data-grants-xlsx",
    "bilan:region-open-data-grants-json",
    "bilan:region-open-data-grants-xlsx",
    # Issue 22, part 2: the shared indicators as open data and the catalogue (DCAT, JSON-LD)
    "bilan:open-data-indicators-csv",
    "bilan:open-data-indicators-json",
    "bilan:open-data-catalogue",
    "bilan:region-open-data-indicators-csv",
    "bilan:region-open-data-indicators-json",
    "bilan:region-open-data-catalogue",
}


@dataclass(frozen=True)
class Page:
    name: str
    obj: str | None
    role: str
    url: str

    def __str__(self):
        return f"{self.url} ({self.name}{f' [{self.obj}]' if self.obj else ''}) as {self.role}"


def html_pages(role: str) -> list[Page]:
    """Every HTML page `role` opens with a 200 on the demo data, each URL once."""
    index = ROLES.index(role)
    pages, seen = [], set()
    for name, obj, answers in MATRIX:
        if answers[index] != 200 or name in NOT_HTML:
            continue
        url = page_url(name, obj)
        if url not in seen:
            seen.add(url)
            pages.append(Page(name, obj, role, url))
    return pages


# The main forms, sent empty by a role allowed to fill them: the page comes back with its errors shown,
# and that page must be as accessible and valid as the blank one.
FORMS_WITH_ERRORS = [
    ("login", None, "anonymous"),
    ("privacy:signup", None, "anonymous"),
    ("password_reset", None, "anonymous"),
    ("password_change", None, "partenaire"),
    ("projects:project-intention-create", None, "partenaire"),
    ("projects:project-create", None, "partenaire"),
    ("projects:project-application-section", "section of draft of partenaire", "partenaire"),
    ("projects:report-create", "public project of partenaire", "partenaire"),
    ("chantiers:space-create", None, "coordination"),
    ("chantiers:meeting-create", "space", "coordination"),
    ("projects:criterion-create", None, "coordination"),
    ("projects:expense-category-create", None, "coordination"),
    ("projects:board-decision-create", "recommended project of another", "coordination"),
    ("projects:project-request-changes", "filed project of another", "coordination"),
    ("budget:commitment-create", None, "coordination"),
    ("budget:disbursement-create", "commitment", "coordination"),
    ("budget:commitment-reduce", "commitment", "coordination"),
    ("budget:agreement-create", None, "coordination"),
    ("budget:planned-payment-add", "agreement of partenaire", "coordination"),
    ("budget:target-move", None, "coordination"),
    ("budget:resolution-create", None, "coordination"),
    ("budget:change-request-create", "agreement of partenaire", "partenaire"),
    ("budget:change-settings", None, "coordination"),
    ("succession:plan-close", None, "coordination"),
    ("plans:shared-indicator-create", None, "coordination"),
    ("notifications:preferences", None, "partenaire"),  # issue 21 part 4: « Mes avis par courriel »
    ("citizen:account-accept", "citizen account link", "anonymous"),  # issue 21 part 5: the citizen's account
]


def forms_with_errors(role: str) -> list[Page]:
    return [Page(name, obj, r, page_url(name, obj)) for name, obj, r in FORMS_WITH_ERRORS if r == role]
