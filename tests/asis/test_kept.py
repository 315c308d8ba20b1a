"""Kept figures (asis.kept): the sums of the home, theme, envelope and bilan pages are kept until the next
write, whatever path the write takes, and a visitor never reads figures kept for another kind of visitor."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.urls import reverse

from asis import kept
from budget.models import FundingSource
from organisations.models import Organisation
from projects.models import ActionProject, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


# ---------------------------------------------------------------------------------- the version


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda: Organisation.objects.create(name="Nouvelle"), id="create"),
        pytest.param(lambda: Organisation.objects.update(name="Renommée"), id="queryset-update"),
        pytest.param(
            lambda: Organisation.objects.bulk_create([Organisation(name="A"), Organisation(name="B")]), id="bulk-create"
        ),
        pytest.param(lambda: Organisation.objects.filter(name="Vieille").delete(), id="delete"),
        pytest.param(
            lambda: connection.cursor().execute("UPDATE organisations_organisation SET name = name || '.'"),
            id="raw-sql",
        ),
    ],
)
def test_every_kind_of_write_moves_the_data_version(write):
    Organisation.objects.create(name="Vieille")
    before = kept.current_version()
    write()
    assert kept.current_version() != before


def test_sessions_and_sign_ins_do_not_move_it(cast):
    before = kept.current_version()
    session = SessionStore()
    session["x"] = 1
    session.save()
    cast.alice.last_login = datetime.datetime(2026, 11, 27, tzinfo=datetime.UTC)
    cast.alice.save(update_fields=["last_login"])
    assert kept.current_version() == before


def test_a_read_does_not_move_it(asis, client):
    client.get("/")
    before = kept.current_version()
    client.get("/")
    client.get(reverse("theme-detail", args=[asis.themes.first().slug]))
    assert kept.current_version() == before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_it_at_its_first_write_and_again_when_it_commits():
    """A reader between the write and the commit may build figures from the data before the commit: the
    version it read is never current again."""
    start = kept.current_version()
    with transaction.atomic():
        Organisation.objects.create(name="Dans la transaction")
        during = kept.current_version()
        assert during != start
    assert kept.current_version() not in (start, during)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_a_version_no_later_state_has():
    start = kept.current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.create(name="Annulée")
        rolled_back = kept.current_version()
        raise RuntimeError
    Organisation.objects.create(name="Gardée")
    assert kept.current_version() not in (start, rolled_back)


# ---------------------------------------------------------------------------------- kept()


def test_a_figure_is_built_once_per_version_and_again_after_a_write():
    built = []

    def build():
        built.append(1)
        return len(built)

    version = kept.current_version()
    assert kept.kept("n", version, (), build) == 1
    assert kept.kept("n", version, (), build) == 1
    assert kept.kept("n", version, ("another key",), build) == 2
    Organisation.objects.create(name="Nouvelle")
    assert kept.kept("n", kept.current_version(), (), build) == 3
    assert kept.kept("n", None, (), build) == 4  # without a version: built every time
    assert kept.kept("n", None, (), build) == 5


def test_memory_is_bounded_for_each_kind_of_figure(monkeypatch):
    monkeypatch.setattr(kept, "KEEP", 3)
    monkeypatch.setattr(kept, "KEEP_OF", {"big": 1})
    for i in range(10):
        kept.kept("n", 1, (i,), lambda i=i: i)
        kept.kept("big", 1, (i,), lambda i=i: i)
    assert len(kept._kept["n"]) == 3 and len(kept._kept["big"]) == 1
    assert kept.kept("n", 1, (9,), lambda: "built again") == 9  # the latest stay
    assert kept.kept("n", 1, (0,), lambda: "built again") == "built again"  # the oldest went first


# ---------------------------------------------------------------------------------- the pages


def test_the_envelope_shows_a_commitment_made_through_its_form(asis, client, cast):
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=3), status=ProjectStatus.ACCEPTED, title="Toits"
    )
    client.force_login(cast.coordinator)
    assert "1 234,56 $" not in text(client.get(reverse("budget:envelope")))  # kept now
    response = client.post(
        reverse("budget:commitment-create"),
        {
            "source": fqis.pk,
            "project": project.pk,
            "plan_year": asis.years.get(number=1).pk,
            "amount": "1234,56",
            "decided_on": "2013-06-01",
        },
    )
    assert response.status_code == 302
    page = text(client.get(reverse("budget:envelope")))
    assert "1 234,56 $" in page


def test_the_home_theme_and_plan_pages_show_a_project_accepted_after_they_were_kept(asis, client, cast):
    theme = asis.themes.get(order=3)
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.DRAFT,
        title="Habitations partagées",
        start_date=datetime.date(2013, 9, 1),
        end_date=datetime.date(2014, 6, 30),
    )
    urls = ["/", reverse("theme-detail", args=[theme.slug]), reverse("plan")]
    for url in urls:
        assert "Habitations partagées" not in text(client.get(url)), url  # the public does not see a draft
    ActionProject.objects.filter(pk=project.pk).update(status=ProjectStatus.ACCEPTED)  # no signal: still seen
    for url in urls:
        assert "Habitations partagées" in text(client.get(url)), url


def test_a_partner_never_reads_figures_kept_for_someone_else(asis, client, cast):
    theme = asis.themes.get(order=1)
    f.make_project(lead=cast.org_a, theme=theme, title="Brouillon de A")
    client.force_login(cast.alice)
    assert "Brouillon de A" in text(client.get("/"))
    client.force_login(cast.charlie)  # another organisation, same kind of user
    assert "Brouillon de A" not in text(client.get("/"))
    client.logout()
    assert "Brouillon de A" not in text(client.get("/"))
    client.force_login(cast.coordinator)  # their home is « À traiter »: the overview has its own address
    coordination = client.get(reverse("overview"))
    client.force_login(cast.staff)
    staff = client.get(reverse("overview"))
    assert "Brouillon de A" in text(coordination) and "Brouillon de A" in text(staff)


def test_the_bilan_shows_a_report_filed_after_it_was_kept(asis, client, cast):
    theme = asis.themes.get(order=2)
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.IN_PROGRESS,
        title="Insertion en cuisine",
        start_date=datetime.date(2013, 5, 1),
        end_date=datetime.date(2015, 3, 1),
    )
    client.force_login(cast.staff)
    url = reverse("bilan:bilan")
    first = client.get(url, {"periode": "plan"})
    assert first.context["bilan"].project_count == 1
    f.make_project(
        lead=cast.org_b,
        theme=theme,
        status=ProjectStatus.IN_PROGRESS,
        title="Deuxième",
        start_date=datetime.date(2013, 5, 1),
        end_date=datetime.date(2015, 3, 1),
    )
    assert client.get(url, {"periode": "plan"}).context["bilan"].project_count == 2
    # a partner's bilan is their own, never the one kept for staff
    client.force_login(cast.charlie)
    assert client.get(url, {"periode": "plan"}).context["bilan"].project_count == 1
    assert project.title not in text(client.get(url, {"periode": "plan"}))


@pytest.mark.parametrize(
    "sql, changes",
    [
        ('INSERT INTO "chantiers_actionproject" ("title") VALUES (%s)', True),
        ('UPDATE "budget_fundingsource" SET "committed_total" = %s', True),
        ('DELETE FROM "organisations_organisation" WHERE id = %s', True),
        ('TRUNCATE "django_session", "budget_commitment"', True),
        ('SELECT * FROM "budget_commitment"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "chantiers_meetingload" SELECT 1', False),
        ('UPDATE "organisations_user" SET "last_login" = %s WHERE "organisations_user"."id" = %s', False),
        ('UPDATE "organisations_user" SET "last_login" = %s, "first_name" = %s WHERE "id" = %s', True),
    ],
)
def test_which_statements_move_the_version(sql, changes):
    assert kept.changes_figures(sql) is changes


@pytest.mark.django_db(transaction=True)
def test_a_request_that_reads_while_another_writes_never_keeps_old_figures_past_the_commit():
    """PostgreSQL: another connection reads between a write and its commit. It sees the new version but
    the old rows, and keeps what it built under that version; once the write commits, the version moves
    again, so the next request builds the figures from the committed rows."""
    if connection.vendor != "postgresql":
        pytest.skip("Two connections reading and writing at once: PostgreSQL (SQLite serialises writes).")
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def request():
        try:
            return kept.kept("organisations", kept.current_version(), (), lambda: Organisation.objects.count())
        finally:
            connections.close_all()

    before = Organisation.objects.count()
    with ThreadPoolExecutor(max_workers=1) as other:
        with transaction.atomic():
            Organisation.objects.create(name="Écrite")
            assert other.submit(request).result() == before  # the write is not committed: the old count, kept
        assert other.submit(request).result() == before + 1
