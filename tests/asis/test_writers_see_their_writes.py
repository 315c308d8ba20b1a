"""The person who has just written sees their write on the plan-wide pages, even while another request rebuilds the
figures (asis.middleware.WritersSeeTheirWritesMiddleware, asis.figures_cache); and a version that cannot be moved
after a commit (the database restarted between the two) empties the figures cache instead of leaving it stale."""

import logging

import pytest
from django.db import OperationalError

from asis import figures_cache
from asis.middleware import WritersSeeTheirWritesMiddleware
from plans import versions
from plans.models import PlanVersion
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return f.make_user("coord-ecrit")


def test_a_write_marks_the_writers_session_and_their_next_requests_read_current_figures(client, coordinator, rf):
    plan = f.make_plan()
    client.force_login(coordinator)
    seen = []

    def view(request):
        seen.append(figures_cache._current_only())
        if request.method == "POST":
            versions._move([plan.pk], "default")  # as once a write's transaction has committed
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/")
    request.session = client.session
    middleware = WritersSeeTheirWritesMiddleware(view)
    middleware(request)
    assert seen == [False]  # not a writer yet
    post = rf.post("/")
    post.session = request.session
    middleware(post)
    assert WritersSeeTheirWritesMiddleware.SESSION_KEY in post.session
    assert PlanVersion.objects.get(plan=plan).version == 1
    after = rf.get("/")
    after.session = post.session
    middleware(after)
    assert seen == [False, False, True]  # the page after the write: current figures only


def test_an_old_write_no_longer_makes_a_writer(client, coordinator, rf, monkeypatch):
    client.force_login(coordinator)
    session = client.session
    session[WritersSeeTheirWritesMiddleware.SESSION_KEY] = 1_000.0  # in 1970
    seen = []

    def view(request):
        seen.append(figures_cache._current_only())
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/")
    request.session = session
    WritersSeeTheirWritesMiddleware(view)(request)
    assert seen == [False]


def test_a_version_that_fails_once_after_the_commit_is_moved_on_the_next_try(monkeypatch):
    plan = f.make_plan()
    monkeypatch.setattr(versions, "MOVE_RETRY_SECONDS", 0)
    real, calls = versions._move, []

    def flaky(plan_ids, using):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real(plan_ids, using)

    monkeypatch.setattr(versions, "_move", flaky)
    figures_cache.cached("home", 0, (plan.pk, "public"), lambda: "avant")
    monkeypatch.setattr(versions.connections["default"], "close", lambda: None)  # the test's connection stays open
    monkeypatch.setattr(versions.connections["default"], "in_atomic_block", False)  # as after a real commit
    versions._move_after_commit([plan.pk], "default")
    assert len(calls) == 2
    assert PlanVersion.objects.get(plan=plan).version == 1


def test_a_version_that_cannot_be_moved_empties_the_figures_cache_and_says_so(monkeypatch, caplog):
    def down(plan_ids, using):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(versions, "_move", down)
    figures_cache.cached("home", 3, (42, "public"), lambda: "figures d'avant l'écriture")
    with caplog.at_level(logging.ERROR, logger="plans.versions"):
        versions._move_after_commit([42], "default")
    assert figures_cache.cached("home", 3, (42, "public"), lambda: "reconstruit") == "reconstruit"
    assert "could not be moved" in caplog.text and "[42]" in caplog.text


@pytest.mark.django_db(transaction=True)  # the write commits as in production: its version moves in its request
def test_a_coordinator_sees_their_commitment_on_the_envelope_while_another_request_rebuilds_it():
    """Another request holds the build of the new version (a slow build at scale): a colleague who only reads gets
    the previous envelope meanwhile; the coordinator who just committed the money gets the new one."""
    import datetime
    import html

    from django.test import Client
    from django.utils import translation

    from tests.alliance_money import two_alliances, url

    world = two_alliances()
    north = world.north
    figures_cache.clear()
    writer, reader = Client(), Client()
    writer.force_login(north.coordinator)
    colleague = f.make_user("coordo-collegue", organisation=north.alliance.coordinating_organisation, alliances=[])
    from alliances.models import AllianceRole

    f.grant_role(colleague, north.alliance, AllianceRole.Role.COORDINATION)
    reader.force_login(colleague)
    address = url(north, "budget:envelope")

    def committed(client) -> str:
        page = html.unescape(client.get(address).content.decode()).replace("\xa0", " ").replace("\u202f", " ")
        return "21 234,56" if "21 234,56" in page else "avant"

    assert committed(writer) == "avant" and committed(reader) == "avant"  # both read the cached version
    version = versions.plan_version(north.plan.pk)
    with translation.override("fr-ca"):
        for scope in _scopes_of_the_envelope():
            figures_cache._cache().add(f"{scope}:{version + 1}:lock", 1, timeout=60)  # « another request builds »
    response = writer.post(
        url(north, "budget:commitment-create"),
        {
            "source": str(north.source.pk),
            "project": str(north.awaiting.pk),
            "plan_year": str(f.plan_year(north.plan, 1).pk),
            "amount": "1 234,56",
            "decided_on": datetime.date(2014, 7, 1).isoformat(),
            "resolution": str(f.make_resolution(north.plan.alliance).pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert committed(reader) == "avant"  # the colleague: the previous version while the build runs
    assert committed(writer) == "21 234,56"  # the writer: their commitment, at once


def _scopes_of_the_envelope():
    """The cache scopes the envelope page reads (every key it has put in the cache so far)."""
    cache = figures_cache._cache()
    keys = getattr(cache, "_cache", {})
    return {
        key[key.index("figures:") :].rsplit(":", 1)[0]
        for key in keys
        if "figures:envelope:" in key and key.endswith(":latest")
    }
