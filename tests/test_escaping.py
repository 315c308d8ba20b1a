"""Output is escaped everywhere, CSRF is enforced on every form and a GET changes nothing (issue 8).

Every free-text field of every model of the portal (found through `apps.get_models()`, so a new
field is covered without touching this file) is filled with script and HTML payloads on the demo
data; then every page of the URLconf (the lines of the authorization matrix) and every page of the
admin is opened by each role that may see it, and none may hold the payload as live markup.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse

from tests.fuzzing import (
    changed,
    demo_clients,
    every_path,
    fingerprint,
    is_html,
    matrix_urls,
    page_forms,
    project_models,
)
from tests.test_authorization_matrix import MATRIX

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)//"
TEMPLATE = '{{ request }}{% now "Y" %}'
# Tried in this order; a field takes the first one that fits its length and passes its validators.
PAYLOADS = (
    JS_URL + IMG + SCRIPT + TEMPLATE,  # text: a javascript: URL first, then the tags, then template syntax
    'https://example.org/"onmouseover=alert(1)//"><script>alert(1)</script>',  # a valid URL (no space) that breaks out
    '"<script>alert(1)</script>"@example.org',  # a valid e-mail address (quoted local part)
    IMG,  # 30 characters
    "<b>XSS</b>",  # 10 characters
)
# What must never reach a page: each payload's markup unescaped, a javascript: link, an evaluated template.
LIVE_MARKUP = (
    "<script>alert(1)",
    "<img src=x onerror",
    "<b>XSS",
    'href="javascript:',
    "href='javascript:",
    'src="javascript:',
    '"onmouseover=alert',
    "WSGIRequest",
)
# Fields no user types, or that cannot hold markup: the password hash; a field whose validators refuse
# every payload (usernames, slugs and codes) is skipped by `payload_for` and listed by the test.
# A frozen bilan's HTML is the portal's own rendering of the bilan, escaped when it was rendered (its texts are tried
# in the fields they come from).
NOT_FREE_TEXT = {"organisations.User.password", "succession.FrozenBilan.html"}


def free_text_fields():
    for model in project_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                label = f"{model._meta.label}.{field.name}"
                if label not in NOT_FREE_TEXT:
                    yield model, field, label


def payload_for(field):
    for payload in PAYLOADS:
        if field.max_length and len(payload) > field.max_length:
            continue
        try:
            field.run_validators(payload)
        except ValidationError:
            continue
        return payload
    return None


def create_missing_rows():
    """The demo has no comment, reduction, correction or worker's run: one of each, so their texts are shown too."""
    from asis.worker import heartbeat_record, job_run_finish, job_run_start
    from budget.models import Commitment, Disbursement
    from budget.services import ledger as ledger_services
    from organisations.models import User
    from projects.models import ActionProject
    from projects.services import filing as filing_services

    coordinator = User.objects.get(username="coordination")
    partner = User.objects.get(username="partenaire")
    organisation = partner.memberships.get().organisation
    project = (
        ActionProject.objects.filter(lead=organisation, is_demo=True).exclude(status="draft").order_by("pk").first()
    )
    filing_services.project_comment_create(project=project, author=partner, text=SCRIPT, organisation=organisation)
    commitment = next(c for c in Commitment.objects.order_by("pk") if c.remaining >= Decimal("1.00"))
    ledger_services.commitment_reduce(
        commitment=commitment,
        amount=Decimal("1.00"),
        reduced_on=datetime.date(2014, 7, 1),
        reason=SCRIPT,
        by=coordinator,
        resolution=commitment.resolution,
    )
    # the worker's heartbeat and a nightly job's run (its output is shown to operators)
    heartbeat_record()
    job_run_finish(job_run_start(job="check_budget", day=datetime.date(2014, 7, 1)), succeeded=False, output=SCRIPT)
    # a project's budget lines written again by their service (the demo's are bulk-created): their history's texts
    from projects.models import ProjectBudgetLine
    from projects.services.budget_lines import budget_lines_replace

    project = ProjectBudgetLine.objects.order_by("pk").first().project
    lines = {(line.category, line.plan_year): line.amount for line in project.budget_lines.all()}
    budget_lines_replace(project=project, lines=lines)
    # an alliance's threshold of changes set once (its history's texts)
    from alliances.models import Alliance
    from budget.services.changes import change_settings_save

    change_settings_save(alliance=Alliance.objects.get(slug="rouyn-noranda"), auto_accept_percent=Decimal("10"))
    disbursement = Disbursement.objects.order_by("pk").first()
    ledger_services.disbursement_correct(
        disbursement=disbursement,
        delta=Decimal("-0.01"),
        corrected_on=datetime.date(2014, 7, 2),
        reason=SCRIPT,
        by=coordinator,
    )


def fill_with_payloads():
    """Every free-text field of every row gets a payload (unique fields get the row's id after it).

    On PostgreSQL the ledger's triggers refuse any UPDATE of a ledger row: they are set aside for this
    transaction only, as the texts could have been typed when the rows were written."""
    filled, skipped = [], []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    for model, field, label in free_text_fields():
        payload = payload_for(field)
        if payload is None:
            skipped.append(label)
            continue
        manager = model._base_manager
        if _unique(model, field):
            for pk in manager.values_list("pk", flat=True):
                suffix = f" {pk}"
                manager.filter(pk=pk).update(
                    **{field.attname: payload[: (field.max_length or 10**6) - len(suffix)] + suffix}
                )
        else:
            manager.update(**{field.attname: payload})
        filled.append(label)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
    return filled, skipped


def _unique(model, field) -> bool:
    together = [set(fields) for fields in model._meta.unique_together]
    together += [set(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    return field.unique or any(field.name in fields for fields in together)


def live_markup(text: str) -> list[str]:
    return [marker for marker in LIVE_MARKUP if marker in text]


def admin_urls():
    """Each registered model's list and the change page of its first row (Coordination is staff)."""
    urls = []
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label not in (
            "organisations",
            "alliances",
            "privacy",
            "plans",
            "chantiers",
            "projects",
            "budget",
        ):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._base_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


@pytest.mark.django_db
@pytest.mark.guard
def test_every_free_text_field_is_shown_inert_on_every_page():
    clients = demo_clients()
    urls = matrix_urls(pages_only=True)  # resolved on the demo's names before they are overwritten
    create_missing_rows()
    filled, skipped = fill_with_payloads()
    # Fields that hold something a user typed but refuse every payload: their validators are the escaping.
    assert set(skipped) <= {
        "organisations.User.username",
        "plans.Theme.slug",
        "alliances.Alliance.slug",  # a part of the alliance's addresses (/rouyn-noranda/…)
        "alliances.HistoricalAlliance.slug",
        "plans.Plan.slug",  # a part of a plan's addresses (/rouyn-noranda/2013-2016/…)
        "budget.FundingSource.code",
        "budget.HistoricalFundingSource.code",  # the history keeps the code as it was
        # Issue 22, part 1: an organisation's NEQ is 10 digits or blank
        "organisations.Organisation.neq",
        "organisations.HistoricalOrganisation.neq",
    }, skipped
    empty = sorted({label.rsplit(".", 1)[0] for label in filled if not _model(label)._base_manager.exists()})
    assert not empty, f"models with free text and no row to show it (add one in create_missing_rows): {empty}"

    live, shown, no_token, posts = [], 0, [], 0
    for name, path, role in urls:
        response = clients[role].get(path)
        assert response.status_code < 500, f"{name} as {role}: {response.status_code}"
        if not is_html(response):
            continue
        text = response.content.decode()
        shown += "&lt;script&gt;alert(1)" in text
        if found := live_markup(text):
            live.append(f"{path} ({name}) as {role}: {found}")
        # CSRF: every form that posts carries the token (the middleware refuses a POST without it, below)
        for form in page_forms(response, path):
            if form["method"] == "post":
                posts += 1
                if not any(field["name"] == "csrfmiddlewaretoken" for field in form["fields"]):
                    no_token.append(f"{path} ({name}) as {role}: form to {form['path']}")
    for path in admin_urls():
        response = clients["coordination"].get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        if found := live_markup(response.content.decode()):
            live.append(f"{path} (admin) as coordination: {found}")
    assert not live, "payloads rendered as live markup:\n" + "\n".join(live)
    assert not no_token, "forms without a CSRF token:\n" + "\n".join(no_token)
    assert posts > 20, posts
    # The test can fail: the payloads are on the pages, escaped.
    assert shown > len(MATRIX) / 2, shown


def _model(label):
    from django.apps import apps

    return apps.get_model(label.rsplit(".", 1)[0])


# issue 21 part 4: the unsubscribe link of a notice e-mail is csrf_exempt, its signed token the proof (RFC 8058's
# one-click POST comes from the mail client, which holds no CSRF cookie); tests/notifications/test_unsubscribe.py
CSRF_EXEMPT = {"notifications:unsubscribe"}
# issue 22 part 3: the read API authenticates a token only, never a cookie (REST_FRAMEWORK has no session
# authentication): a forged cross-site POST carries no token, and every write answers 401 or 405 (tests/api)
CSRF_EXEMPT |= {"api:schema", "api:projects", "api:commitments", "api:payments", "api:indicators", "api:bilan"}


@pytest.mark.django_db
@pytest.mark.guard
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing():
    """Every URL of the portal, posted without the token by each role (login and sign-up anonymously)."""
    clients = demo_clients(enforce_csrf_checks=True)
    paths = every_path()
    before = fingerprint()
    accepted = []
    for name, path in paths:
        if name in CSRF_EXEMPT:
            continue
        for role in clients:
            response = clients[role].post(path, {"name": "x", "text": "x", "reason": "x", "amount": "1.00"})
            if response.status_code != 403:
                accepted.append(f"{name} as {role}: {response.status_code}")
    assert not accepted, "POSTs without a CSRF token that were not refused:\n" + "\n".join(accepted)
    assert changed(before, fingerprint()) == []


@pytest.mark.django_db
@pytest.mark.guard
def test_a_get_changes_nothing():
    """Every URL opened by the roles that write (Coordination, a partner) with query parameters that
    could read as a confirmation: no row changes (personnel and the other partner are refused more).

    State changes only by POST: a POST-only action answers 405 to a GET, a form page only shows its form."""
    clients = demo_clients()
    paths = every_path()
    before = fingerprint()
    for name, path in paths:
        for role in ("partenaire", "coordination", "coordination2"):
            response = clients[role].get(path, {"confirm": "1", "action": "accept", "amount": "1.00"})
            assert response.status_code < 500, f"{name} as {role}: {response.status_code}"
    # Law 25: exporting a person's data (a GET that downloads a file) is itself logged; nothing else moves.
    assert [label for label in changed(before, fingerprint()) if label != "privacy.PrivacyAction"] == []


@pytest.mark.django_db
def test_an_indicator_unit_in_the_report_form_help_is_escaped(client, cast, theme):
    """Help texts are rendered as HTML (`help_text|safe` in Django's and crispy's templates): the report
    form put the indicator's unit, typed by the partner, in its help text unescaped."""
    from projects.models import Indicator, ProjectStatus
    from tests import factories as f

    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    Indicator.objects.create(project=project, name="Familles", unit=SCRIPT, target=Decimal("40"), order=1)
    client.force_login(cast.alice)
    text = client.get(reverse("projects:report-create", args=[project.pk])).content.decode()
    assert "Cible : 40 &lt;script&gt;alert(1)&lt;/script&gt;" in text.replace("\xa0", " ")
    assert not live_markup(text)
