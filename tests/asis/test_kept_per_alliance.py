"""Kept figures per alliance (issue 17, item 7): a write in one alliance never rebuilds another alliance's kept
figures. A write made from an alliance's page to its own rows moves its version once committed; a write to shared
rows (organisations, people) or made elsewhere (the admin, a command) moves every alliance's."""

import pytest
from django.db import transaction

from asis import kept
from budget.selectors import envelope
from organisations.models import Organisation
from tests import factories as f
from tests.alliance_money import two_alliances, url

# The versions move once a transaction commits: these tests commit, as requests do.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two():
    return two_alliances()


def versions(two) -> tuple[str, str]:
    return kept.current_version(two.north.alliance.pk), kept.current_version(two.south.alliance.pk)


def test_a_comment_posted_on_one_alliances_page_moves_its_version_only(client, two):
    north, south = versions(two)
    client.force_login(two.north.coordinator)
    response = client.post(
        url(two.north, "projects:project-comment-create", two.north.funded.pk), {"text": "Bien reçu, merci."}
    )
    assert response.status_code == 302
    assert two.north.funded.comments.filter(text="Bien reçu, merci.").exists()
    after_north, after_south = versions(two)
    assert after_north != north
    assert after_south == south


def test_another_alliances_kept_envelope_is_not_built_again_after_a_write_here(client, two, monkeypatch):
    built = []
    overview = envelope.envelope_overview
    monkeypatch.setattr(envelope, "envelope_overview", lambda plan: built.append(plan.pk) or overview(plan))
    south = client.__class__()
    south.force_login(two.south.coordinator)
    assert south.get(url(two.south, "budget:envelope")).status_code == 200
    assert built == [two.south.plan.pk]

    client.force_login(two.north.coordinator)
    client.post(url(two.north, "projects:project-comment-create", two.north.funded.pk), {"text": "Un mot."})
    assert client.get(url(two.north, "budget:envelope")).status_code == 200
    assert built == [two.south.plan.pk, two.north.plan.pk]

    # Sud's envelope is read from memory: Nord's write did not touch it
    assert south.get(url(two.south, "budget:envelope")).status_code == 200
    assert built == [two.south.plan.pk, two.north.plan.pk]
    # Nord's is kept too, until Nord's next write
    client.get(url(two.north, "budget:envelope"))
    assert built == [two.south.plan.pk, two.north.plan.pk]
    client.post(url(two.north, "projects:project-comment-create", two.north.funded.pk), {"text": "Un autre."})
    client.get(url(two.north, "budget:envelope"))
    assert built == [two.south.plan.pk, two.north.plan.pk, two.north.plan.pk]


def test_the_envelope_shows_money_committed_from_its_page_at_once(client, two):
    """The write's own alliance reads the new figure on the next page (its version moved at the commit)."""
    client.force_login(two.north.coordinator)
    before = client.get(url(two.north, "budget:envelope")).context["committed"]
    project = f.make_project(lead=two.north.org, theme=two.north.theme, status="accepted", title="Nouveau")
    with kept.writes_of(two.north.alliance.pk):
        f.commit(source=two.north.source, project=project, amount="1234.56", by=two.north.coordinator)
    after = client.get(url(two.north, "budget:envelope")).context["committed"]
    assert str(after - before) == "1234.56"


def test_a_write_to_shared_rows_from_an_alliances_page_moves_every_alliance(two):
    before = versions(two)
    with kept.writes_of(two.north.alliance.pk):
        Organisation.objects.filter(pk=two.north.org.pk).update(name="Organisation renommée")
    after = versions(two)
    assert after[0] != before[0] and after[1] != before[1]


def test_a_write_made_outside_any_alliances_page_moves_every_alliance(two):
    before = versions(two)
    f.commit(source=two.south.source, project=two.north.in_south, amount="10.00", by=two.south.coordinator)
    after = versions(two)
    assert after[0] != before[0] and after[1] != before[1]


def test_a_transaction_that_wrote_reads_its_figures_unkept_until_it_commits(two):
    built = []

    def build():
        built.append(1)
        return len(built)

    alliance = two.north.alliance.pk
    start = kept.current_version(alliance)
    assert kept.kept("n", start, (), build) == 1
    with kept.writes_of(alliance), transaction.atomic():
        f.commit(source=two.north.source, project=two.north.funded, amount="1.00", by=two.north.coordinator)
        assert kept.current_version(alliance) == start  # no lock in the transaction: the version moves at commit
        assert kept.kept("n", start, (), build) == 2  # never the figure kept before this transaction's write
        assert kept.kept("n", start, (), build) == 3  # nor one built from its uncommitted rows
    assert kept.current_version(alliance) != start
    assert kept.kept("n", kept.current_version(alliance), (), build) == 4
    assert kept.kept("n", kept.current_version(alliance), (), build) == 4


def test_a_rolled_back_transaction_moves_no_version_and_leaves_figures_kept(two):
    alliance = two.north.alliance.pk
    start = kept.current_version(alliance)
    with pytest.raises(RuntimeError), kept.writes_of(alliance), transaction.atomic():
        f.commit(source=two.north.source, project=two.north.funded, amount="1.00", by=two.north.coordinator)
        raise RuntimeError
    assert kept.current_version(alliance) == start
    assert kept.kept("n", start, (), lambda: "built") == "built"
    assert kept.kept("n", start, (), lambda: "again") == "built"
