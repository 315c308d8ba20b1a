"""The cast every test can use (healthchecks style).

alice: responsable of organisation A; bob: member of A without rights; charlie: organisation B;
coordinator: the Coordination group (RNVVS); staff: the Personnel group (reads, exports).
"""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from organisations.models import Membership
from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL
from plans.models import Plan
from tests import factories as f


def pytest_collection_modifyitems(items):
    """The whole-demo guards, the longest tests, run first: with `--dist worksteal` (make test) the other worker takes
    the short tests meanwhile, and no worker is left at the end with a long one while the other waits."""
    items.sort(key=lambda item: item.get_closest_marker("guard") is None)


@pytest.fixture
def plan(request, db):
    """The cast's test plan: a plan of an alliance of its own; with the ASIS reference data loaded too (`asis`), a
    plan of ASIS's alliance in preparation (ASIS's plan stays the current one), so the instance keeps one alliance
    and today's addresses serve it (alliances.middleware)."""
    if "asis" in request.fixturenames:
        return f.make_plan(alliance=request.getfixturevalue("asis").alliance)
    return f.make_plan()


@pytest.fixture
def theme(plan):
    return f.make_theme(plan)


@pytest.fixture
def asis(db):
    """The ASIS reference data as `load_asis` loads it (six themes, three plan years, two funding sources): its plan,
    the current one. A test that also uses `plan` gets a plan of ASIS's alliance (see `plan`)."""
    call_command("load_asis", stdout=StringIO())
    return Plan.objects.select_related("alliance").get(alliance__acronym="ASIS")


@pytest.fixture
def cast(db, plan):
    org_a = f.make_organisation(name="Organisme A")
    org_b = f.make_organisation(name="Organisme B")
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        rnvvs=plan.alliance.coordinating_organisation,
        alice=f.make_user("alice", organisation=org_a, role=Membership.Role.RESPONSABLE, group=PARTENAIRE),
        bob=f.make_user("bob", organisation=org_a, group=PARTENAIRE),
        charlie=f.make_user("charlie", organisation=org_b, role=Membership.Role.RESPONSABLE, group=PARTENAIRE),
        coordinator=f.make_user(
            "coordo", organisation=plan.alliance.coordinating_organisation, group=COORDINATION, is_staff=True
        ),
        staff=f.make_user("staff", organisation=plan.alliance.coordinating_organisation, group=PERSONNEL),
        anonymous=AnonymousUser(),
    )


@pytest.fixture
def login(client):
    """login(user) logs the test client in as that user (None stays anonymous)."""

    def _login(user):
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; production keeps Django's slow, strong hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploaded files (and the demo's attachment) go to a temporary folder, never to the checkout."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("private-media")


@pytest.fixture(autouse=True)
def _backups_in_a_temporary_folder(settings, tmp_path_factory):
    """Archives (`backup`, the worker's nightly job) go to a temporary folder, never to the checkout's backups/."""
    settings.BACKUP_ROOT = tmp_path_factory.mktemp("backups")


@pytest.fixture(autouse=True)
def _figures_start_cold():
    """Each test starts with no cached figure (asis.figures_cache): a rolled-back test leaves versions behind, which
    the next test's plans (the same ids on SQLite) would find."""
    from asis import figures_cache

    figures_cache.clear()
    yield
    figures_cache.clear()


@pytest.fixture(autouse=True)
def _french_first():
    """Each test starts in French: the locale middleware activates the language of a request (English with the cookie)
    and leaves it active in the thread, so a test after an English request read English labels (order-dependent)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _mail_throttle_starts_empty():
    """The e-mail and sign-up limits (asis.throttle) count in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _outbox_sends_when_committed(monkeypatch):
    """E-mails go through the outbox (asis.mail); tests send each one at once when it commits
    (OUTBOX_SEND_ON_COMMIT), so they read `mail.outbox` as before. A test's own transaction never commits: an
    e-mail queued outside any transaction but the test's (a view without one: autocommit in production) leaves at
    once; one queued inside a service's transaction leaves when that commits (django_capture_on_commit_callbacks)."""
    from django.db import connection, transaction

    from asis import mail as outbox

    def send_once_committed(email):
        if all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            outbox.email_send_queued(pks=[email.pk])
        else:
            transaction.on_commit(lambda: outbox.email_send_queued(pks=[email.pk]))

    monkeypatch.setattr(outbox, "_send_once_committed", send_once_committed)
