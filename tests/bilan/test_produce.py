"""« Produire le bilan » (bilan:produce): who may open it, the year it opens on, « En bref » with the money words and
their reconciliation, the checks with a link to fix each, one primary download, and a fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bilan.selectors.checks import last_complete_year
from projects.models import ProgressReport, ProjectStatus
from tests import factories as f
from tests.bilan.test_bilan_queries import count_queries, grow

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "bilan:produce"
YEAR = {"annee": "2014-2015"}


def section(html: str, testid: str) -> str:
    match = re.search(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, testid
    return match.group(2)


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("alice", 403), ("bob", 403), ("staff", 200), ("coordinator", 200)]
)
def test_who_may_produce_the_bilan(client, cast, plan, theme, who, status):
    """Those who report to the funder; a partner keeps the bilan of their own projects (bilan:bilan)."""
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    response = client.get(reverse(URL), YEAR)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_the_default_year_is_the_last_complete_one(client, cast, plan, theme):
    years = list(plan.years.order_by("number"))
    assert last_complete_year(years, D(2015, 6, 1)).label == "2014-2015"
    assert last_complete_year(years, D(2015, 3, 31)).label == "2013-2014"  # 2014-2015 ends that day
    assert last_complete_year(years, D(2013, 5, 1)).label == "2013-2014"  # none ended yet: the first
    client.force_login(cast.staff)
    response = client.get(reverse(URL))  # today (after the plan): its last year
    assert response.context["year"].label == years[-1].label
    assert f'<option value="{years[-1].label}" selected>' in response.content.decode()


def test_an_unknown_year_gets_a_french_error_and_no_preview(client, cast, plan, theme):
    client.force_login(cast.staff)
    response = client.get(reverse(URL), {"annee": "1999-2000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert "bilan" not in response.context and 'data-testid="download-pdf"' not in html


def test_en_bref_names_each_figure_links_its_definition_and_reconciles_both_committed(client, cast, plan, theme):
    source = f.make_source(plan, amount="50000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    f.commit(source=source, project=project, amount=Decimal("1000.25"), year=f.plan_year(plan, 2))
    f.commit(source=source, project=project, amount=Decimal("500.50"), year=f.plan_year(plan, 3))
    client.force_login(cast.staff)
    html = client.get(reverse(URL), YEAR).content.decode()
    figures = section(html, "produce-figures")
    assert "Engagé (par date de décision)" in figures and 'href="/aide/argent/#engage-par-date-de-decision"' in figures
    assert "Définition : Reste à engager" in figures  # each link has an accessible name
    assert re.search(r'data-testid="figure-committed">1\xa0500,75\xa0\$', figures)
    assert (
        "1\xa0500,75\xa0$ engagés par date de décision dans la période = 1\xa0000,25\xa0$ pour l'année 2014-2015 du "
        "plan + 500,50\xa0$ pour l'année 2015-2016 du plan"
    ) in section(html, "reconciliation")


def test_the_checks_list_what_the_bilan_waits_for_with_a_link_to_fix_it(client, cast, plan, theme):
    source = f.make_source(plan, amount="50000.00")
    year = f.plan_year(plan, 2)
    silent = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet muet")
    f.commit(source=source, project=silent, amount=Decimal("2000.00"), year=year)
    f.make_deadline(silent, due_on=D(2015, 1, 15))
    reported = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet suivi")
    f.commit(source=source, project=reported, amount=Decimal("3000.00"), year=year)
    ProgressReport.objects.create(
        project=reported, period_start=D(2014, 4, 1), period_end=D(2014, 12, 31), percent_done=50
    )
    accepted = f.make_project(
        lead=cast.org_b,
        theme=theme,
        status=ProjectStatus.ACCEPTED,
        title="Projet accepté",
        amount_requested=Decimal("7500.50"),
    )

    client.force_login(cast.coordinator)
    html = client.get(reverse(URL), YEAR).content.decode()
    reports = section(html, "check-reports")
    assert "1 rapport dû au plus tard le dernier jour de l'année n'est pas reçu." in reports
    assert f'href="{silent.get_absolute_url()}">Projet muet</a>' in reports and "dû le 15 janvier 2015" in reports
    results = section(html, "check-results")
    assert "Projet muet" in results and "Projet suivi" not in results
    commitments = section(html, "check-commitments")
    assert "Projet accepté" in commitments and "reste 7\xa0500,50\xa0$ à engager sur 7\xa0500,50\xa0$" in commitments
    assert f"{reverse('budget:commitment-create')}?projet={accepted.pk}&amp;montant=7500.50" in commitments
    # staff read the same checks; committing is Coordination's
    client.force_login(cast.staff)
    html = client.get(reverse(URL), YEAR).content.decode()
    assert "Projet accepté" in section(html, "check-commitments")
    assert reverse("budget:commitment-create") not in html


def test_the_pdf_comes_first_beside_en_bref_with_the_checks_summed_up_in_one_line(client, cast, plan, theme):
    """What staff come for is at the top: the PDF under one line that sums up what the bilan still waits for (with a
    link to the details below), before the checks in detail; nothing missing says so."""
    client.force_login(cast.staff)
    html = client.get(reverse(URL), YEAR).content.decode()
    assert section(html, "checks-summary").strip() == "✓ Le bilan n'attend plus rien."
    source = f.make_source(plan, amount="50000.00")
    silent = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Projet muet")
    f.commit(source=source, project=silent, amount=Decimal("2000.00"), year=f.plan_year(plan, 2))
    f.make_deadline(silent, due_on=D(2015, 1, 15))
    f.make_deadline(silent, due_on=D(2015, 2, 15))
    html = client.get(reverse(URL), YEAR).content.decode()
    summary = " ".join(section(html, "checks-summary").split())
    assert summary == (
        "⚠ Le bilan attend encore : 2 rapports · 1 projet sans résultats · 1 montant accordé à engager. "
        '<a href="#verifications">Voir le détail</a>'
    )
    assert html.index('data-testid="produce-figures"') < html.index('data-testid="download-pdf"')
    assert html.index('data-testid="download-pdf"') < html.index('id="verifications"') < html.index("produce-checks")
    assert html.index('data-testid="download-pdf"') < html.index('data-testid="other-downloads"')


def test_one_primary_download_the_pdf_and_no_upload_among_the_downloads(client, cast, plan, theme):
    client.force_login(cast.coordinator)
    for url, query in ((reverse(URL), "?periode=2014-2015"), (reverse("bilan:bilan"), "?periode=2014-2015")):
        html = client.get(url, YEAR if url == reverse(URL) else {"periode": "2014-2015"}).content.decode()
        downloads = html[
            html.index('aria-labelledby="telecharger"') : html.index(
                "</section>", html.index('aria-labelledby="telecharger"')
            )
        ]
        assert downloads.count("btn-primary") == 1
        assert f'class="btn btn-primary" href="{reverse("bilan:bilan-pdf")}{query}"' in downloads
        for name in ("bilan:bilan-docx", "bilan:bilan-xlsx"):
            assert f'href="{reverse(name)}{query}"' in downloads
        assert reverse("bilan:progress-import") not in downloads
    assert reverse("bilan:progress-import") in html  # the coordination's upload has its own section on the bilan


def test_the_checks_cost_the_same_queries_at_5_and_60_projects(
    client, cast, plan, theme, django_assert_max_num_queries
):
    """Intended to prevent an N+1: the page's queries do not grow with the projects, reports or deadlines."""
    grow(cast, plan, theme, projects=5, reports=5, meetings=2)
    client.force_login(cast.staff)
    small = count_queries(lambda: client.get(reverse(URL), YEAR))
    grow(cast, plan, theme, projects=55, reports=55, meetings=10)
    for project in plan.themes.first().projects.all()[:30]:
        f.make_deadline(project, due_on=D(2015, 2, 1))
    with django_assert_max_num_queries(small):
        response = client.get(reverse(URL), YEAR)
    assert response.status_code == 200
