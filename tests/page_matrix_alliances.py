"""The authorization matrix over two alliances (issue 17): the demo's second alliance, « Alliance du Témiscamingue
(démo) », beside ASIS. Its pages are opened, at its address (/temiscamingue/...), by every role of both alliances:
ASIS's anonymous visitor, partners, staff and coordinator, Témiscamingue's coordinator (`coordination2`) and the
regional funder of both (`region`); and ASIS's pages by `coordination2` and `region` (tests/page_matrix.py holds
ASIS's own roles). `partenaire2`'s organisation works in both alliances.
"""

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from budget.models import Agreement, Commitment, Disbursement, ParticipationSupport
from chantiers.models import Consultation, Meeting, Space
from organisations.models import Citizen
from plans.models import Plan, SharedIndicator
from projects.models import (
    ActionProject,
    CommitteeMember,
    ExpenseCategory,
    ProgressReport,
    ReportDeadline,
    Resolution,
    ReviewCriterion,
)

SECOND = "temiscamingue"
OTHER_ROLES = ("coordination2", "region")
ALL_ROLES = ("anonymous", "partenaire", "partenaire2", "personnel", "coordination", *OTHER_ROLES)


def _project(title):
    return ActionProject.objects.get(title=title, theme__plan__alliance__slug=SECOND)


def _current():
    return Plan.objects.get(alliance__slug=SECOND, status=Plan.Status.CURRENT)


FILED = "Covoiturage solidaire en milieu rural"  # submitted: not public
OF_PARTENAIRE2 = "Parcours emploi des jeunes du Témiscamingue"  # in progress, led by partenaire2's organisation
PAID = "Navette des aînés vers Ville-Marie"  # completed, its money committed and paid

OBJECTS2 = {
    None: dict,
    "participation support": lambda: {"pk": ParticipationSupport.objects.order_by("pk").first().pk},
    "filed project": lambda: {"pk": _project(FILED).pk},
    "project of partenaire2": lambda: {"pk": _project(OF_PARTENAIRE2).pk},
    "section of filed project": lambda: {"pk": _project(FILED).pk, "section": "projet"},
    "section of project of partenaire2": lambda: {"pk": _project(OF_PARTENAIRE2).pk, "section": "budget"},
    "theme": lambda: {"slug": _current().themes.order_by("order").first().slug},
    "space": lambda: {"pk": Space.objects.filter(alliance__slug=SECOND).order_by("-pk").first().pk},
    "meeting": lambda: {"pk": Meeting.objects.filter(space__alliance__slug=SECOND).order_by("-pk").first().pk},
    "criterion": lambda: {"pk": ReviewCriterion.objects.filter(plan=_current()).order_by("pk").first().pk},
    "expense category": lambda: {"pk": ExpenseCategory.objects.filter(alliance__slug=SECOND).order_by("pk").first().pk},
    "commitment": lambda: {"pk": Commitment.objects.filter(project=_project(PAID)).order_by("pk").first().pk},
    "disbursement": lambda: {
        "pk": Disbursement.objects.filter(commitment__project=_project(PAID)).order_by("pk").first().pk
    },
    "agreement": lambda: {
        "pk": Agreement.objects.filter(project__theme__plan__alliance__slug=SECOND).order_by("pk").first().pk
    },
    "report of partenaire2": lambda: {
        "pk": ProgressReport.objects.filter(project=_project(OF_PARTENAIRE2)).order_by("pk").first().pk
    },
    "deadline of partenaire2": lambda: {
        "pk": ReportDeadline.objects.filter(project=_project(OF_PARTENAIRE2)).order_by("pk").first().pk
    },
    "resolution": lambda: {"pk": Resolution.objects.filter(alliance__slug=SECOND).order_by("pk").first().pk},
    "history of filed project": lambda: {"kind": "projet", "pk": _project(FILED).pk},
    "history of space": lambda: {"kind": "lieu", **OBJECTS2["space"]()},
    "bilan table": lambda: {"table": "projets"},
    # ASIS's space that `partenaire` facilitates, opened at Témiscamingue's address: not found there.
    "ASIS space facilitated by partenaire": lambda: {
        "pk": Space.objects.get(name="Table petite enfance des Collines (démo)", is_demo=True).pk
    },
    "meeting of ASIS space facilitated by partenaire": lambda: {
        "pk": Meeting.objects.filter(space__name="Table petite enfance des Collines (démo)", space__is_demo=True)
        .order_by("pk")
        .first()
        .pk
    },
    # ASIS's committee seat of partenaire2 (issue 20, part 1): Témiscamingue's pages know no ASIS member
    "ASIS committee member": lambda: {
        "pk": CommitteeMember.objects.get(user__username="partenaire2", alliance__slug="rouyn-noranda").pk
    },
    # Shared indicators per theme (issue 21, part 1): Témiscamingue's population indicator, and ASIS's opened at
    # Témiscamingue's address (not found there)
    "shared indicator": lambda: {
        "pk": SharedIndicator.objects.get(theme__plan=_current(), kind=SharedIndicator.Kind.POPULATION).pk
    },
    "ASIS shared indicator": lambda: {
        "pk": SharedIndicator.objects.get(theme__plan__alliance__slug="rouyn-noranda", kind="population").pk
    },
    # ASIS's written consultation (issue 21, part 2), opened at Témiscamingue's address: not found there.
    "ASIS consultation": lambda: {
        "pk": Consultation.objects.get(is_demo=True, space__alliance__slug="rouyn-noranda").pk
    },
    # issue 21 part 5: ASIS's citizen with an account (demo/citizen_account.py), opened at Témiscamingue's address
    "ASIS citizen with an account": lambda: {"pk": Citizen.objects.get(user__username="citoyen").pk},
    "filed project, ASIS committee seat": lambda: {
        "pk": _project(FILED).pk,
        "member_pk": CommitteeMember.objects.get(user__username="partenaire2", alliance__slug="rouyn-noranda").pk,
    },
}


def second_url(name, obj):
    return alliance_reverse(Alliance.objects.get(slug=SECOND), name, kwargs=OBJECTS2[obj]())


LOGIN = "login"

# ASIS's pages opened by the other alliance's roles: (url name, object of tests/page_matrix.py) → answers of
# `coordination2` (Coordination of Témiscamingue only: a visitor here) and `region` (the regional funder of both:
# reads ASIS's envelope, bilan and their exports, writes nothing). Any line of MATRIX not listed answers as anonymous
# visitors' page would for a signed-in person without a role: every line is listed.
ON_ASIS = {
    ("plans:plan-list", None): (200, 200),
    # issue 21 part 5: a citizen's own access — neither is ASIS's Coordination nor a citizen; the link asks them to
    # sign out first.
    ("chantiers:citizen-access", "citizen with an account"): (403, 403),
    ("chantiers:citizen-access-withdraw", "citizen with an account"): (403, 403),
    ("citizen:home", None): (403, 403),
    ("citizen:meeting-respond", "upcoming meeting of citoyen"): (403, 403),
    ("citizen:consultation-list", None): (403, 403),
    ("citizen:consultation-answer", "consultation of a space facilitated by partenaire"): (403, 403),
    ("citizen:account-accept", "citizen account link"): (400, 400),
    # Meetings avoided (issue 21, part 2): neither runs ASIS's meetings, nor sees its consultations.
    ("chantiers:meeting-avoid", "space"): (403, 403),
    ("chantiers:meeting-avoid", "space facilitated by partenaire"): (403, 403),
    ("chantiers:consultation-list", None): (200, 200),
    ("chantiers:consultation-detail", "consultation of a space facilitated by partenaire"): (404, 404),
    ("chantiers:consultation-answer", "consultation of a space facilitated by partenaire"): (404, 404),
    ("chantiers:consultation-decide", "consultation of a space facilitated by partenaire"): (403, 403),
    ("home", None): (200, 200),  # the public overview: neither is Coordination nor staff of ASIS
    ("overview", None): (200, 200),
    ("plan", None): (200, 200),
    ("theme-detail", "theme"): (200, 200),
    ("healthz", None): (200, 200),
    ("help", None): (200, 200),
    ("help-guide", "guide for coordination"): (200, 200),
    ("help-guide", "guide for partners"): (200, 200),
    ("help-guide", "guide for staff"): (200, 200),
    ("help-guide", "guide for the regional funder"): (200, 200),
    ("help-guide", "money definitions"): (200, 200),
    ("help-image", "guide image"): (200, 200),
    ("favicon", None): (301, 301),
    ("set_language", None): (302, 302),
    ("login", None): (302, 302),
    ("logout", None): (405, 405),
    ("privacy:signup", None): (302, 302),
    ("privacy:signup-organisation", None): (302, 302),
    ("privacy:signup-person", None): (302, 302),
    ("privacy:signup-consents", None): (302, 302),
    ("privacy:signup-review", None): (302, 302),
    ("password_reset", None): (200, 200),
    ("password_reset_done", None): (200, 200),
    ("password_reset_confirm", "password reset link"): (200, 200),
    ("password_reset_complete", None): (200, 200),
    ("password_change", None): (200, 200),
    ("password_change_done", None): (200, 200),
    ("organisations:request-list", None): (403, 403),
    ("organisations:membership-request-approve", "membership request"): (403, 403),
    ("organisations:membership-request-refuse", "membership request"): (403, 403),
    ("organisations:organisation-approve", "pending organisation"): (403, 403),
    ("organisations:organisation-refuse", "pending organisation"): (403, 403),
    ("organisations:organisation-detail", "organisation of partenaire"): (404, 404),
    ("organisations:organisation-detail", "organisation of partenaire2"): (404, 404),
    ("organisations:organisation-detail", "pending organisation"): (404, 404),
    ("organisations:organisation-update", "organisation of partenaire"): (404, 404),
    ("organisations:organisation-update", "organisation of partenaire2"): (404, 404),
    ("organisations:member-invite", "organisation of partenaire"): (405, 405),
    ("organisations:member-remove", "member of partenaire's organisation"): (405, 405),
    ("organisations:invitation-cancel", "invitation of partenaire's organisation"): (405, 405),
    ("organisations:invitation-detail", "invitation link"): (200, 200),
    ("organisations:invitation-accept", "invitation link"): (405, 405),
    ("organisations:invitation-decline", "invitation link"): (405, 405),
    ("organisations:invitation-register", "invitation link"): (302, 302),
    # issue 21 part 4: e-mail notices, of no alliance: their own choices, and the link's token as the access
    ("notifications:preferences", None): (200, 200),
    ("notifications:unsubscribe", "unsubscribe link of partenaire"): (200, 200),
    ("privacy:privacy-policy", None): (200, 200),
    ("privacy:my-consents", None): (200, 200),
    ("privacy:privacy-request-list", None): (403, 403),
    ("privacy:privacy-request-detail", "privacy request"): (403, 403),
    ("privacy:privacy-person-search", None): (403, 403),
    ("privacy:privacy-person-detail", "citizen (privacy)"): (403, 403),
    ("privacy:privacy-person-detail", "partenaire (privacy)"): (403, 403),
    ("privacy:privacy-request-create", "citizen (privacy)"): (403, 403),
    ("privacy:privacy-consents-record", "citizen (privacy)"): (403, 403),
    ("privacy:privacy-export-json", "partenaire (privacy)"): (403, 403),
    ("privacy:privacy-export-csv", "citizen (privacy)"): (403, 403),
    ("privacy:privacy-person-rectify", "citizen (privacy)"): (403, 403),
    ("privacy:privacy-person-erase", "partenaire (privacy)"): (403, 403),
    ("privacy:incident-list", None): (403, 403),
    ("privacy:incident-create", None): (403, 403),
    ("privacy:incident-detail", "incident"): (403, 403),
    ("chantiers:space-list", None): (200, 200),
    ("chantiers:space-create", None): (403, 403),
    ("chantiers:space-detail", "space"): (404, 404),
    ("chantiers:space-update", "space"): (403, 403),
    ("chantiers:space-archive", "space"): (403, 403),
    ("chantiers:space-restore", "space"): (403, 403),
    ("chantiers:space-member-add", "space"): (403, 403),
    ("chantiers:space-member-remove", "space seat"): (403, 403),
    ("chantiers:space-citizen-add", "space"): (403, 403),
    ("chantiers:space-citizen-remove", "space citizen seat"): (403, 403),
    ("chantiers:meeting-create", "space"): (403, 403),
    ("chantiers:meeting-list", None): (200, 200),
    ("chantiers:meeting-feed", "calendar of partenaire"): (200, 200),
    ("chantiers:meeting-detail", "meeting"): (404, 404),
    ("chantiers:meeting-update", "meeting"): (403, 403),
    ("chantiers:meeting-attendance", "meeting"): (403, 403),
    ("chantiers:decision-create", "meeting"): (403, 403),
    ("chantiers:follow-up-done", "follow-up"): (403, 403),
    # Facilitators (issue 20, part 5): neither runs the meetings of the space `partenaire` facilitates.
    ("chantiers:space-facilitator-add", "space"): (403, 403),
    ("chantiers:space-facilitator-add", "space facilitated by partenaire"): (403, 403),
    ("chantiers:space-facilitator-remove", "facilitator of partenaire"): (403, 403),
    ("chantiers:space-detail", "space facilitated by partenaire"): (404, 404),
    ("chantiers:space-update", "space facilitated by partenaire"): (403, 403),
    ("chantiers:space-archive", "space facilitated by partenaire"): (403, 403),
    ("chantiers:meeting-create", "space facilitated by partenaire"): (403, 403),
    ("chantiers:meeting-detail", "meeting of a space facilitated by partenaire"): (404, 404),
    ("chantiers:meeting-update", "meeting of a space facilitated by partenaire"): (403, 403),
    ("chantiers:meeting-attendance", "meeting of a space facilitated by partenaire"): (403, 403),
    ("chantiers:decision-create", "meeting of a space facilitated by partenaire"): (403, 403),
    ("chantiers:follow-up-done", "follow-up of a space facilitated by partenaire"): (403, 403),
    ("chantiers:hyperconcertation", None): (403, 403),
    ("chantiers:threshold-update", None): (405, 405),
    ("chantiers:citizen-participation", None): (403, 200),
    ("projects:project-list", None): (200, 200),
    ("projects:project-intention-create", None): (200, 403),
    ("projects:project-create", None): (200, 403),
    ("projects:project-detail", "draft of partenaire"): (404, 404),
    ("projects:project-detail", "public project of partenaire"): (200, 200),
    ("projects:project-detail", "project of partenaire2"): (200, 200),
    ("projects:project-detail", "filed project of another"): (404, 404),
    ("projects:project-detail", "project naming partenaire as partner"): (404, 404),
    ("projects:project-update", "draft of partenaire"): (404, 404),
    ("projects:project-update", "project naming partenaire as partner"): (404, 404),
    ("projects:project-update", "public project of partenaire"): (403, 403),
    ("projects:project-update", "project of partenaire2"): (403, 403),
    ("projects:project-update", "filed project of another"): (404, 404),
    ("projects:project-submit", "draft of partenaire"): (405, 405),
    ("projects:project-application", "draft of partenaire"): (404, 404),
    ("projects:project-application", "public project of partenaire"): (403, 403),
    ("projects:project-application", "filed project of another"): (404, 404),
    ("projects:project-application-review", "draft of partenaire"): (404, 404),
    ("projects:project-application-review", "project naming partenaire as partner"): (404, 404),
    ("projects:project-application-section", "section of draft of partenaire"): (404, 404),
    ("projects:project-application-section", "section of public project of partenaire"): (403, 403),
    ("projects:partnership-answer", "partnership of partenaire"): (405, 405),
    ("projects:project-comment-create", "public project of partenaire"): (405, 405),
    ("projects:criterion-list", None): (403, 403),
    ("projects:criterion-create", None): (403, 403),
    ("projects:criterion-update", "criterion"): (403, 403),
    ("projects:criterion-archive", "criterion"): (403, 403),
    ("projects:criterion-restore", "criterion"): (403, 403),
    ("projects:criterion-delete", "criterion"): (403, 403),
    ("projects:review-open", "filed project of another"): (405, 405),
    ("projects:review-detail", "project naming partenaire as partner"): (404, 404),
    ("projects:review-detail", "filed project of another"): (404, 404),
    ("projects:review-recommend", "project naming partenaire as partner"): (405, 405),
    ("projects:board-decision-create", "recommended project of another"): (404, 404),
    ("projects:board-decision-create", "project naming partenaire as partner"): (404, 404),
    ("projects:project-request-changes", "filed project of another"): (404, 404),
    ("projects:project-request-changes", "project naming partenaire as partner"): (404, 404),
    ("projects:intention-list", None): (403, 403),
    ("projects:intention-to-draft", "intention naming partenaire2 as partner"): (405, 405),
    ("projects:similar-pair-list", None): (403, 403),
    # The analysis committee (issue 20, part 1): nobody of the other alliance sits on ASIS's
    ("projects:committee-list", None): (403, 403),
    ("projects:committee-member-leave", "committee member named"): (403, 403),
    ("projects:committee-my-reviews", None): (403, 403),
    ("projects:review-member", "committee seat of partenaire2"): (404, 404),
    ("projects:review-member", "committee named member"): (404, 404),
    ("projects:review-member", "committee recused member"): (404, 404),
    ("projects:review-member", "committee seat on a filed project"): (404, 404),
    ("projects:review-member-conflict", "committee seat of partenaire2"): (405, 405),
    ("projects:report-create", "public project of partenaire"): (404, 404),
    ("projects:report-create", "project of partenaire2"): (404, 404),
    ("projects:report-create-final", "public project of partenaire"): (404, 404),
    ("projects:report-review", "public project of partenaire"): (404, 404),
    ("projects:report-review", "project of partenaire2"): (404, 404),
    ("projects:report-review-final", "public project of partenaire"): (404, 404),
    ("projects:report-detail", "report of partenaire"): (404, 404),
    ("projects:report-detail", "report of another"): (404, 404),
    ("projects:report-attachment-add", "report of partenaire"): (405, 405),
    ("projects:report-mark-read", "report of partenaire"): (405, 405),
    ("projects:deadline-remind", "deadline of partenaire"): (403, 403),
    ("projects:attachment-download", "attachment of partenaire"): (404, 404),
    ("projects:report-late", None): (403, 200),
    ("budget:envelope", None): (403, 200),
    ("budget:commitments", None): (403, 200),
    ("budget:payments", None): (403, 200),
    ("budget:charts", None): (403, 200),
    ("budget:history", None): (403, 403),
    ("budget:project-budget", "public project of partenaire"): (404, 200),
    ("budget:project-budget", "project of partenaire2"): (404, 200),
    ("budget:disbursement-correct", "disbursement of partenaire"): (403, 403),
    ("budget:targets", None): (403, 200),
    ("budget:target-move", None): (403, 403),
    ("budget:agreement-list", None): (200, 200),
    ("budget:agreement-create", None): (403, 403),
    ("budget:agreement-detail", "agreement of partenaire"): (404, 200),
    ("budget:agreement-detail", "agreement of partenaire2"): (404, 200),
    ("budget:report-deadline-add", "agreement of partenaire"): (404, 403),
    ("budget:planned-payment-add", "agreement of partenaire"): (404, 403),
    ("budget:planned-payment-cancel", "planned payment of partenaire"): (404, 403),
    ("budget:planned-payment-release", "planned payment of partenaire"): (405, 405),
    ("budget:commitment-create", None): (403, 403),
    ("budget:disbursement-create", "commitment"): (403, 403),
    ("budget:commitment-reduce", "commitment"): (403, 403),
    # The board's resolutions (issue 20, part 2): the regional funder reads ASIS's; coordination2 holds no role here
    ("budget:resolution-list", None): (403, 200),
    ("budget:resolution-detail", "resolution"): (403, 200),
    ("budget:resolution-create", None): (403, 403),
    # Change requests (issue 20, part 4): ASIS's, for Témiscamingue's coordinator (not ASIS's) and the regional funder
    # (reads the agreement and its requests, asks and decides nothing)
    ("budget:change-request-create", "agreement of partenaire"): (404, 403),
    ("budget:change-request-create", "agreement of partenaire2"): (404, 403),
    ("budget:change-request-list", None): (403, 403),
    ("budget:change-settings", None): (403, 403),
    ("budget:change-request-detail", "change request of partenaire"): (404, 200),
    ("budget:change-request-decide", "change request of partenaire"): (403, 403),
    # Concertation as a contribution (issue 21, part 3): ASIS's, for Témiscamingue's coordinator (no role here) and
    # the regional funder (reads the figures, writes nothing); writes are POST only
    ("budget:contribution", None): (403, 200),
    ("budget:contribution-rate-set", None): (405, 405),
    ("budget:participation-support-record", None): (405, 405),
    ("budget:participation-support-cancel", "participation support"): (405, 405),
    ("object-history", "history of organisation of partenaire"): (404, 404),
    ("object-history", "history of organisation of partenaire2"): (404, 404),
    ("object-history", "history of draft of partenaire"): (404, 404),
    ("object-history", "history of project of partenaire2"): (403, 403),
    ("object-history", "history of space"): (404, 404),
    ("object-history", "history of report of partenaire"): (404, 404),
    ("object-history", "history of agreement of partenaire"): (404, 403),
    ("object-history", "history of disbursement of partenaire"): (404, 404),
    # Budget lines (issue 20, part 3): ASIS's categories and its budget by line, for Témiscamingue's coordinator and
    # the regional funder: neither is ASIS's Coordination or Personnel
    ("projects:expense-category-list", None): (403, 403),
    ("projects:expense-category-create", None): (403, 403),
    ("projects:expense-category-update", "expense category"): (403, 403),
    ("bilan:budget-lines", None): (403, 403),
    ("bilan:budget-lines-xlsx", None): (403, 403),
    ("bilan:produce", None): (403, 200),
    ("bilan:bilan", None): (200, 200),
    ("bilan:bilan-csv", "bilan table"): (200, 200),
    ("bilan:bilan-xlsx", None): (200, 200),
    ("bilan:bilan-pdf", None): (200, 200),
    ("bilan:bilan-docx", None): (200, 200),
    ("bilan:progress-import", None): (403, 403),
    ("bilan:progress-import-apply", None): (403, 403),
    ("bilan:open-data", None): (200, 200),
    ("bilan:open-data-csv", None): (200, 200),
    ("bilan:open-data-json", None): (200, 200),
    ("bilan:comparison", None): (200, 200),
    ("bilan:comparison-xlsx", None): (200, 200),
    ("bilan:region-open-data-csv", None): (200, 200),
    ("bilan:region-open-data-json", None): (200, 200),
    ("succession:plan-close", None): (403, 403),
    ("outbox:email-list", None): (404, 404),  # the outbox: the other alliance's Coordination sees nothing of it
    ("outbox:email-resend", "failed e-mail of the alliance"): (404, 404),
    ("succession:plan-next", None): (403, 403),
    # After funding (issue 20, part 6): another alliance's roles list none of ASIS's checks, read none
    ("sustainability:check-list", None): (200, 200),
    ("sustainability:check-detail", "sustainability check of another"): (404, 404),
    ("sustainability:practice-list", None): (200, 200),
    ("sustainability:practice-detail", "published practice"): (200, 200),
    ("sustainability:practice-publish", "published practice"): (405, 405),
    ("sustainability:practice-edit", "project with a published practice"): (403, 403),
    # The practices in the open data (issue 20, part 6): public; each alliance's file holds its own only
    ("bilan:open-data-practices-csv", None): (200, 200),
    ("bilan:open-data-practices-json", None): (200, 200),
    ("bilan:region-open-data-practices-csv", None): (200, 200),
    ("bilan:region-open-data-practices-json", None): (200, 200),
    # Shared indicators (issue 21, part 1): the regional funder reads ASIS's list; Témiscamingue's Coordination reads
    # it as a member of an organisation would, and writes none of them
    ("plans:shared-indicator-list", None): (200, 200),
    ("plans:shared-indicator-create", None): (403, 403),
    ("plans:shared-indicator-update", "shared indicator"): (403, 403),
    ("plans:shared-indicator-archive", "shared indicator"): (403, 403),
    ("plans:shared-indicator-restore", "shared indicator"): (403, 403),
    ("plans:shared-indicator-measure", "shared indicator"): (403, 403),
    # Issue 22, part 3: the API answers tokens only; ASIS's token register is for its Coordination and the regional
    # funder (its own tokens), not for Témiscamingue's coordinator.
    ("api:documentation", None): (200, 200),
    ("api:schema", None): (200, 200),
    ("api:projects", None): (401, 401),
    ("api:commitments", None): (401, 401),
    ("api:payments", None): (401, 401),
    ("api:indicators", None): (401, 401),
    ("api:bilan", None): (401, 401),
    ("tokens:token-list", None): (403, 200),
    ("tokens:token-revoke", "api token"): (405, 405),
    # Issue 22, part 1: the grants in the 360Giving standard, public; each alliance's file holds its own only
    ("bilan:open-data-grants-json", None): (200, 200),
    ("bilan:open-data-grants-xlsx", None): (200, 200),
    ("bilan:region-open-data-grants-json", None): (200, 200),
    ("bilan:region-open-data-grants-xlsx", None): (200, 200),
    # Issue 22, part 2: the shared indicators as open data and the catalogue (DCAT, JSON-LD): public; ASIS's hold ASIS's
    ("bilan:open-data-indicators-csv", None): (200, 200),
    ("bilan:open-data-indicators-json", None): (200, 200),
    ("bilan:open-data-catalogue", None): (200, 200),
    ("bilan:region-open-data-indicators-csv", None): (200, 200),
    ("bilan:region-open-data-indicators-json", None): (200, 200),
    ("bilan:region-open-data-catalogue", None): (200, 200),
}

# Témiscamingue's pages, at its address, for every role of both alliances: (url name, object of OBJECTS2) → answers
# of ALL_ROLES. An anonymous visitor is sent to the sign-in page; ASIS's coordinator and staff hold no role there.
ON_SECOND = [
    ("plans:plan-list", None, (200, 200, 200, 200, 200, 200, 200)),
    ("home", None, (200, 200, 200, 200, 200, 200, 200)),  # « À traiter » for coordination2, the overview for the others
    ("overview", None, (200, 200, 200, 200, 200, 200, 200)),
    ("plan", None, (200, 200, 200, 200, 200, 200, 200)),
    ("theme-detail", "theme", (200, 200, 200, 200, 200, 200, 200)),
    ("chantiers:space-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("chantiers:space-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:space-detail", "space", (LOGIN, 404, 200, 404, 404, 200, 404)),
    ("chantiers:space-update", "space", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:space-archive", "space", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("chantiers:space-restore", "space", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("chantiers:space-member-add", "space", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("chantiers:space-citizen-add", "space", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("chantiers:meeting-create", "space", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:meeting-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("chantiers:meeting-detail", "meeting", (LOGIN, 404, 200, 404, 404, 200, 404)),
    ("chantiers:meeting-update", "meeting", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:meeting-attendance", "meeting", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:decision-create", "meeting", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("chantiers:hyperconcertation", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:threshold-update", None, (405, 405, 405, 405, 405, 405, 405)),
    ("chantiers:citizen-participation", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    # Facilitators (issue 20, part 5): ASIS's facilitator runs no meeting of Témiscamingue, nor her own space's at its
    # address; Témiscamingue's Coordination does not find ASIS's space there.
    ("chantiers:space-facilitator-add", "space", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("chantiers:meeting-create", "ASIS space facilitated by partenaire", (LOGIN, 403, 403, 403, 403, 404, 403)),
    (
        "chantiers:meeting-detail",
        "meeting of ASIS space facilitated by partenaire",
        (LOGIN, 404, 404, 404, 404, 404, 404),
    ),
    (
        "chantiers:meeting-update",
        "meeting of ASIS space facilitated by partenaire",
        (LOGIN, 403, 403, 403, 403, 404, 403),
    ),
    # Meetings avoided (issue 21, part 2): Témiscamingue's Coordination avoids its own meetings; ASIS's consultation
    # is not found at its address, even by the partner who answers it.
    ("chantiers:meeting-avoid", "space", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("chantiers:consultation-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("chantiers:consultation-detail", "ASIS consultation", (LOGIN, 404, 404, 404, 404, 404, 404)),
    ("chantiers:consultation-answer", "ASIS consultation", (LOGIN, 404, 404, 404, 404, 404, 404)),
    ("chantiers:consultation-decide", "ASIS consultation", (LOGIN, 403, 403, 403, 403, 405, 403)),
    # issue 21 part 5: ASIS's citizen is not seated in Témiscamingue: its Coordination does not find them (404); the
    # others run nothing here (403)
    ("chantiers:citizen-access", "ASIS citizen with an account", (LOGIN, 403, 403, 403, 403, 404, 403)),
    ("chantiers:citizen-access-withdraw", "ASIS citizen with an account", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("projects:project-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("projects:project-intention-create", None, (LOGIN, 200, 200, 200, 200, 200, 403)),
    ("projects:project-create", None, (LOGIN, 200, 200, 200, 200, 200, 403)),
    ("projects:project-detail", "filed project", (404, 404, 404, 404, 404, 200, 404)),
    ("projects:project-detail", "project of partenaire2", (200, 200, 200, 200, 200, 200, 200)),
    ("projects:project-update", "filed project", (LOGIN, 404, 404, 404, 404, 200, 404)),
    ("projects:project-update", "project of partenaire2", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:project-submit", "filed project", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:project-application", "filed project", (LOGIN, 404, 404, 404, 404, 200, 404)),
    ("projects:project-application", "project of partenaire2", (LOGIN, 403, 200, 403, 403, 200, 403)),
    ("projects:project-application-review", "filed project", (LOGIN, 404, 404, 404, 404, 200, 404)),
    ("projects:project-application-section", "section of filed project", (LOGIN, 404, 404, 404, 404, 200, 404)),
    (
        "projects:project-application-section",
        "section of project of partenaire2",
        (LOGIN, 403, 403, 403, 403, 200, 403),
    ),
    ("projects:project-comment-create", "filed project", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:criterion-list", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:criterion-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:criterion-update", "criterion", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:criterion-archive", "criterion", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("projects:criterion-restore", "criterion", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("projects:criterion-delete", "criterion", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("projects:review-open", "filed project", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:review-detail", "filed project", (LOGIN, 404, 404, 404, 404, 404, 404)),
    ("projects:review-recommend", "filed project", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:board-decision-create", "filed project", (LOGIN, 404, 404, 404, 404, 302, 404)),
    ("projects:project-request-changes", "filed project", (LOGIN, 404, 404, 404, 404, 200, 404)),
    ("projects:intention-list", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:intention-to-draft", "filed project", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:similar-pair-list", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    # The analysis committee (issue 20, part 1): Témiscamingue's Coordination names its own; ASIS's seats are unknown here
    ("projects:committee-list", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:committee-member-leave", "ASIS committee member", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("projects:committee-my-reviews", None, (LOGIN, 403, 403, 403, 403, 403, 403)),
    ("projects:review-member", "filed project, ASIS committee seat", (LOGIN, 404, 404, 404, 404, 404, 404)),
    ("projects:review-member-conflict", "filed project, ASIS committee seat", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:report-create", "filed project", (LOGIN, 404, 404, 404, 404, 403, 404)),
    ("projects:report-create", "project of partenaire2", (LOGIN, 404, 200, 404, 404, 403, 404)),
    ("projects:report-create-final", "filed project", (LOGIN, 404, 404, 404, 404, 403, 404)),
    ("projects:report-review", "filed project", (LOGIN, 404, 404, 404, 404, 403, 404)),
    ("projects:report-review", "project of partenaire2", (LOGIN, 404, 302, 404, 404, 403, 404)),
    ("projects:report-review-final", "filed project", (LOGIN, 404, 404, 404, 404, 403, 404)),
    ("projects:report-detail", "report of partenaire2", (LOGIN, 404, 200, 404, 404, 200, 404)),
    ("projects:report-attachment-add", "report of partenaire2", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:report-mark-read", "report of partenaire2", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("projects:deadline-remind", "deadline of partenaire2", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("projects:report-late", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:envelope", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:commitments", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:payments", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:charts", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:history", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:project-budget", "filed project", (LOGIN, 404, 404, 404, 404, 200, 200)),
    ("budget:project-budget", "project of partenaire2", (LOGIN, 404, 200, 404, 404, 200, 200)),
    ("budget:disbursement-correct", "disbursement", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:targets", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:target-move", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:agreement-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("budget:agreement-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:agreement-detail", "agreement", (LOGIN, 404, 404, 404, 404, 200, 200)),
    ("budget:report-deadline-add", "agreement", (LOGIN, 404, 404, 404, 404, 403, 403)),
    ("budget:planned-payment-add", "agreement", (LOGIN, 404, 404, 404, 404, 403, 403)),
    ("budget:commitment-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:disbursement-create", "commitment", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:commitment-reduce", "commitment", (LOGIN, 403, 403, 403, 403, 200, 403)),
    # The board's resolutions (issue 20, part 2)
    ("budget:resolution-list", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:resolution-detail", "resolution", (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:resolution-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    # Change requests (issue 20, part 4): Témiscamingue's, its Coordination's list and threshold
    ("budget:change-request-create", "agreement", (LOGIN, 404, 404, 404, 404, 403, 403)),
    ("budget:change-request-list", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("budget:change-settings", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    # Concertation as a contribution (issue 21, part 3): Témiscamingue's page, for its Coordination and the regional
    # funder; ASIS's facilitator (partenaire) runs no space here; writes are POST only (a GET answers 405 before the
    # support is looked at: the demo's first one stands for any)
    ("budget:contribution", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("budget:contribution-rate-set", None, (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("budget:participation-support-record", None, (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("budget:participation-support-cancel", "participation support", (LOGIN, 405, 405, 405, 405, 405, 405)),
    ("object-history", "history of filed project", (LOGIN, 404, 404, 404, 404, 200, 404)),
    ("object-history", "history of space", (LOGIN, 404, 403, 404, 404, 200, 404)),
    # Budget lines (issue 20, part 3): Témiscamingue's categories and budget by line, for its Coordination only
    ("projects:expense-category-list", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:expense-category-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("projects:expense-category-update", "expense category", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("bilan:budget-lines", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("bilan:budget-lines-xlsx", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("bilan:produce", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    ("bilan:bilan", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("bilan:bilan-csv", "bilan table", (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("bilan:bilan-xlsx", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("bilan:bilan-pdf", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("bilan:bilan-docx", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("bilan:progress-import", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("bilan:progress-import-apply", None, (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("bilan:open-data", None, (200, 200, 200, 200, 200, 200, 200)),
    ("bilan:open-data-csv", None, (200, 200, 200, 200, 200, 200, 200)),
    ("bilan:open-data-json", None, (200, 200, 200, 200, 200, 200, 200)),
    ("succession:plan-close", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("succession:plan-next", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("outbox:email-list", None, (LOGIN, 404, 404, 404, 404, 200, 404)),  # coordination2 sees its own outbox
    # After funding (issue 20, part 6): its own follow-ups (none yet) and its own register of practices
    ("sustainability:check-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("sustainability:practice-list", None, (200, 200, 200, 200, 200, 200, 200)),
    # The practices in the open data (issue 20, part 6): public, Témiscamingue's own
    ("bilan:open-data-practices-csv", None, (200, 200, 200, 200, 200, 200, 200)),
    ("bilan:open-data-practices-json", None, (200, 200, 200, 200, 200, 200, 200)),
    # Shared indicators (issue 21, part 1): its own Coordination writes them; ASIS's coordinator holds no role here;
    # ASIS's shared indicator is not found at Témiscamingue's address, even by its Coordination
    ("plans:shared-indicator-list", None, (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("plans:shared-indicator-create", None, (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("plans:shared-indicator-update", "shared indicator", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("plans:shared-indicator-archive", "shared indicator", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("plans:shared-indicator-restore", "shared indicator", (LOGIN, 403, 403, 403, 403, 405, 403)),
    ("plans:shared-indicator-measure", "shared indicator", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("plans:shared-indicator-update", "ASIS shared indicator", (LOGIN, 403, 403, 403, 403, 404, 403)),
    # Issue 22, part 3: Témiscamingue's token register, for its Coordination and the regional funder
    ("tokens:token-list", None, (LOGIN, 403, 403, 403, 403, 200, 200)),
    # Issue 22, part 1: the grants in the 360Giving standard, public, Témiscamingue's own
    ("bilan:open-data-grants-json", None, (200, 200, 200, 200, 200, 200, 200)),
    ("bilan:open-data-grants-xlsx", None, (200, 200, 200, 200, 200, 200, 200)),
    # Issue 22, part 2: Témiscamingue's shared indicators as open data and its catalogue (DCAT, JSON-LD): public
    ("bilan:open-data-indicators-csv", None, (200, 200, 200, 200, 200, 200, 200)),
    ("bilan:open-data-indicators-json", None, (200, 200, 200, 200, 200, 200, 200)),
    ("bilan:open-data-catalogue", None, (200, 200, 200, 200, 200, 200, 200)),
]
