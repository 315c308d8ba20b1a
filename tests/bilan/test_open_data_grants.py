"""The grants' open data in the 360Giving Data Standard (issue 22, part 1): the JSON package validates against the
standard's own schemas (copied in bilan/standards/360giving/), money to the cent, no person, only public projects,
each alliance its own; the spreadsheet holds the same grants under the standard's titles; the NEQ of an
organisation is validated and named when known."""

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from bilan.selectors.open_data import open_totals
from budget.models import Commitment
from organisations.forms import OrganisationForm
from organisations.models import Citizen, Organisation, User
from organisations.services import organisation_update
from plans.models import Plan
from projects.models import ActionProject, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

STANDARD = Path(__file__).resolve().parents[2] / "bilan" / "standards" / "360giving"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _validator() -> Draft202012Validator:
    """The package schema, its grants' $ref (the grant schema's URL, of version 1.4.2) resolved to the local grant
    schema (1.4.3), format checking on: the standard's data-quality tools check dates and URIs the same way."""
    package = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    grant = json.loads((STANDARD / "360-giving-schema.json").read_text())
    # The schemas say « http://json-schema.org/draft/2020-12/schema » (http): named explicitly, as the standard's tools do
    resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources(
        [(grant["$id"], resource), (package["properties"]["grants"]["items"]["$ref"], resource)]
    )
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def streamed(response) -> bytes:
    assert response.streaming, "the JSON package streams"
    return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)


def _package(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    body = streamed(response)
    return json.loads(body, parse_float=Decimal)


def _sheets(response) -> dict[str, list[dict[str, str]]]:
    """Every sheet of an XLSX download, in order, as rows of {column letter: cell text} (strings and numbers)."""
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    names = [sheet.get("name") for sheet in workbook.iter(f"{MAIN}sheet")]
    sheets = {}
    for index, name in enumerate(names, start=1):
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
        sheets[name] = [
            {
                "".join(ch for ch in cell.get("r") if ch.isalpha()): "".join(
                    t.text or "" for t in cell.iter(f"{MAIN}t")
                )
                or "".join(v.text or "" for v in cell.iter(f"{MAIN}v"))
                for cell in row.iter(f"{MAIN}c")
            }
            for row in root.iter(f"{MAIN}row")
        ]
    return sheets


def _alliances():
    asis = Alliance.objects.get(acronym="ASIS")
    return asis, Alliance.objects.exclude(pk=asis.pk).get()


# ---------------------------------------------------------------- the demo's packages validate, to the cent


def test_every_demo_package_validates_against_the_360giving_schemas(client, demo):
    validator = _validator()
    asis, second = _alliances()
    urls = [alliance_reverse(a, "bilan:open-data-grants-json") for a in (asis, second)]
    urls.append(reverse("bilan:region-open-data-grants-json"))
    for url in urls:
        package = _package(client, url)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)]
        assert errors == [], url
        assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert package["grants"], url


@pytest.mark.parametrize("which", ["asis", "second"])
def test_one_grant_per_commitment_of_a_public_project_and_the_money_to_the_cent(client, demo, which):
    asis, second = _alliances()
    alliance = asis if which == "asis" else second
    package = _package(client, alliance_reverse(alliance, "bilan:open-data-grants-json"))
    public = ActionProject.objects.public().filter(theme__plan__alliance=alliance)
    commitments = Commitment.objects.filter(project__in=public, amount__gt=0)
    live = [c for c in commitments if c.current_amount > 0]
    assert [g["id"] for g in package["grants"]] == [
        f"360G-asis-{alliance.slug}-{c.pk}" for c in sorted(live, key=lambda c: (c.decided_on, c.pk))
    ]
    awarded = sum(g["amountAwarded"] for g in package["grants"])
    totals = open_totals(Plan.objects.filter(alliance=alliance))
    assert awarded == totals.committed  # the open data's committed total of the public projects
    assert sum(g["amountDisbursed"] for g in package["grants"]) == totals.disbursed
    assert awarded == commitments.aggregate(t=Sum(Commitment.CURRENT))["t"]
    for grant, commitment in zip(package["grants"], sorted(live, key=lambda c: (c.decided_on, c.pk))):
        assert grant["amountAwarded"] == commitment.current_amount
        assert grant["awardDate"] == commitment.decided_on.isoformat()
        assert grant["currency"] == "CAD"
        assert grant["title"] == commitment.project.title
        assert grant["fundingOrganization"][0] == {
            "id": f"360G-asis-alliance-{alliance.slug}",
            "name": alliance.name,
        }
        assert grant["fundingOrganization"][1]["name"] == commitment.source.funder
        assert grant["classifications"][0]["code"] == commitment.project.theme.slug
        assert grant["url"].endswith(f"/{alliance.slug}/projets/{commitment.project_id}/")
    # amounts are JSON numbers written with their two decimals
    body = streamed(client.get(alliance_reverse(alliance, "bilan:open-data-grants-json"))).decode()
    first = package["grants"][0]["amountAwarded"]
    assert f'"amountAwarded": {first:.2f}' in body


def test_the_region_holds_every_alliance_s_grants(client, demo):
    asis, second = _alliances()
    region = _package(client, reverse("bilan:region-open-data-grants-json"))
    each = [_package(client, alliance_reverse(a, "bilan:open-data-grants-json")) for a in (asis, second)]
    assert sorted(g["id"] for g in region["grants"]) == sorted(g["id"] for p in each for g in p["grants"])
    assert sum(g["amountAwarded"] for g in region["grants"]) == open_totals(Plan.objects.all()).committed


def test_each_alliance_publishes_its_own_grants(client, demo):
    asis, second = _alliances()
    package = _package(client, alliance_reverse(asis, "bilan:open-data-grants-json"))
    theirs = Commitment.objects.filter(source__plan__alliance=second).values_list("pk", flat=True)
    assert theirs
    ids = {g["id"] for g in package["grants"]}
    assert not any(f"-{pk}" == i.rsplit("-", 1)[-1] for pk in theirs for i in ids)
    assert not any(
        second.slug in g["id"] or g["fundingOrganization"][0]["name"] == second.name for g in package["grants"]
    )
    body = streamed(client.get(alliance_reverse(asis, "bilan:open-data-grants-json"))).decode()
    assert second.name not in body and "Témiscamingue (démo)" not in body  # « Abitibi-Témiscamingue » is a region


def test_no_person_appears_in_the_grants(client, demo):
    asis, second = _alliances()
    bodies = [streamed(client.get(alliance_reverse(a, "bilan:open-data-grants-json"))).decode() for a in (asis, second)]
    bodies.append(streamed(client.get(reverse("bilan:region-open-data-grants-json"))).decode())
    sheets = _sheets(client.get(reverse("bilan:region-open-data-grants-xlsx")))
    bodies.append(json.dumps(sheets, ensure_ascii=False))
    people = [(u.first_name, u.last_name, u.email, u.phone) for u in User.objects.all()]
    people += [(c.first_name, c.last_name, c.email, c.phone) for c in Citizen.objects.all()]
    assert len(people) > 10
    for body in bodies:
        for first, last, email, phone in people:
            if first and last:
                assert f"{first} {last}" not in body
            if email:
                assert email not in body
            if phone:
                assert phone not in body
        assert "@" not in body
    # nor an organisation's contact details: its name, city and NEQ only
    for organisation in Organisation.objects.filter(
        led_projects__status__in=ActionProject.objects.public().values("status")
    ):
        for detail in (organisation.phone, organisation.email, organisation.address):
            if detail:
                assert all(detail not in body for body in bodies)


def test_the_neq_names_the_recipient_when_it_is_known(client, demo):
    asis, _second = _alliances()
    package = _package(client, alliance_reverse(asis, "bilan:open-data-grants-json"))
    by_name = {}
    for grant in package["grants"]:
        (recipient,) = grant["recipientOrganization"]
        by_name[recipient["name"]] = recipient["id"]
    famille = Organisation.objects.get(name="Maison de la famille des Collines (démo)")
    assert famille.neq == "0000000101"  # typed « 0000 000 101 » by the demo: kept as its digits
    assert by_name[famille.name] == "CA_QC-QBC-0000000101"
    without = Organisation.objects.filter(name__in=by_name, neq="").first()
    assert without is not None and by_name[without.name] == f"360G-asis-org-{without.pk}"


# ---------------------------------------------------------------- the spreadsheet


def test_the_spreadsheet_holds_the_same_grants_under_the_standard_s_titles(client, demo):
    asis, _second = _alliances()
    package = _package(client, alliance_reverse(asis, "bilan:open-data-grants-json"))
    response = client.get(alliance_reverse(asis, "bilan:open-data-grants-xlsx"))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "subventions-360giving.xlsx" in response["Content-Disposition"]
    sheets = _sheets(response)
    assert list(sheets) == ["grants", "fundingOrganization"]
    header, *rows = sheets["grants"]
    titles = [header[c] for c in sorted(header, key=lambda c: (len(c), c))]
    assert titles[:8] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
        "URL",
    ]
    for expected in (
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Classifications:Code",
        "Last Modified",
        "Data Source",
    ):
        assert expected in titles
    assert [r["A"] for r in rows] == [g["id"] for g in package["grants"]]
    assert [Decimal(r["E"]) for r in rows] == [g["amountAwarded"] for g in package["grants"]]
    funders = sheets["fundingOrganization"][1:]
    assert len(funders) == 2 * len(rows)
    assert {r["A"] for r in funders} == {g["id"] for g in package["grants"]}


# ---------------------------------------------------------------- only public projects, bounded queries


def test_a_commitment_of_a_project_no_longer_public_never_appears(client, cast, theme):
    source = f.make_source(theme.plan, funder="Fonds québécois d'initiatives sociales")
    kept = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Projet public")
    gone = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title="Projet retiré")
    f.commit(source=source, project=kept, amount="1000.00")
    withdrawn = f.commit(source=source, project=gone, amount="500.00")
    ActionProject.objects.filter(pk=gone.pk).update(status=ProjectStatus.WITHDRAWN)
    f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.DRAFT, title="Brouillon")

    package = _package(client, reverse("bilan:open-data-grants-json"))
    assert [g["title"] for g in package["grants"]] == ["Projet public"]
    assert all(not g["id"].endswith(f"-{withdrawn.pk}") for g in package["grants"])
    errors = list(_validator().iter_errors(package))
    assert errors == []
    sheets = _sheets(client.get(reverse("bilan:open-data-grants-xlsx")))
    assert [r["B"] for r in sheets["grants"][1:]] == ["Projet public"]


def _grants_of(theme, lead, count):
    source = f.make_source(theme.plan, amount="1000000.00")
    year = f.plan_year(theme.plan, 1)
    resolution = f.make_resolution(theme.plan.alliance)
    projects = ActionProject.objects.bulk_create(
        ActionProject(title=f"Projet {i:03d}", lead=lead, theme=theme, status=ProjectStatus.ACCEPTED)
        for i in range(count)
    )
    Commitment.objects.bulk_create(
        Commitment(
            source=source,
            project=p,
            plan_year=year,
            amount=Decimal("100.01"),
            decided_on=year.start_date,
            resolution=resolution,
        )
        for p in projects
    )


@pytest.mark.parametrize("count", [3, 60])
def test_the_files_read_the_same_number_of_queries_whatever_the_grants(
    client, cast, theme, count, django_assert_max_num_queries
):
    _grants_of(theme, cast.org_a, count)
    # the alliance (middleware), the grants (one query, streamed)
    with django_assert_max_num_queries(3):
        package = _package(client, reverse("bilan:open-data-grants-json"))
    assert len(package["grants"]) == count
    assert sum(g["amountAwarded"] for g in package["grants"]) == Decimal("100.01") * count
    with django_assert_max_num_queries(3):
        response = client.get(reverse("bilan:open-data-grants-xlsx"))
        sheets = _sheets(response)
    assert len(sheets["grants"]) == count + 1
    with django_assert_max_num_queries(3):
        region = _package(client, reverse("bilan:region-open-data-grants-json"))
    assert len(region["grants"]) == count


# ---------------------------------------------------------------- the NEQ of an organisation


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("1234567890", "1234567890"),
        ("1234 567 890", "1234567890"),
        ("1234-567-890", "1234567890"),
        ("1234\u00a0567\u00a0890", "1234567890"),
        ("", ""),
    ],
)
def test_a_neq_is_kept_as_its_ten_digits(cast, typed, kept):
    form = OrganisationForm({**_profile(cast.org_a), "neq": typed}, instance=cast.org_a)
    assert form.is_valid(), form.errors
    organisation_update(organisation=cast.org_a, by=cast.coordinator, neq=form.cleaned_data["neq"])
    cast.org_a.refresh_from_db()
    assert cast.org_a.neq == kept


@pytest.mark.parametrize("typed", ["123456789", "12345678901", "12345ABCDE", "1234.567.890", "١٢٣٤٥٦٧٨٩٠"])
def test_a_neq_that_is_not_ten_digits_is_refused_in_french(cast, typed):
    form = OrganisationForm({**_profile(cast.org_a), "neq": typed}, instance=cast.org_a)
    assert not form.is_valid()
    assert form.errors["neq"] == [
        "Le NEQ compte exactement 10 chiffres, par exemple 1234567890 (les espaces et les tirets sont acceptés)."
    ]


def test_two_organisations_never_share_a_neq(cast):
    organisation_update(organisation=cast.org_a, by=cast.coordinator, neq="1234567890")
    form = OrganisationForm({**_profile(cast.org_b), "neq": "1234 567 890"}, instance=cast.org_b)
    assert not form.is_valid()
    assert form.errors["neq"] == ["Ce NEQ est déjà celui d'une autre organisation du portail."]
    with pytest.raises(ValidationError) as refused:
        organisation_update(organisation=cast.org_b, by=cast.coordinator, neq="1234567890")
    assert refused.value.message_dict == {"neq": ["Ce NEQ est déjà celui d'une autre organisation du portail."]}
    # blank is « not known »: any number of organisations
    organisation_update(organisation=cast.org_b, by=cast.coordinator, neq="")
    assert Organisation.objects.filter(neq="").count() >= 1


def test_the_responsable_sets_the_neq_on_the_organisation_s_page(client, cast):
    responsable = cast.alice
    client.force_login(responsable)
    url = reverse("organisations:organisation-update", args=[cast.org_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "NEQ (numéro d&#x27;entreprise du Québec)" in text and "Registraire des entreprises du Québec" in text
    response = client.post(url, {**_profile(cast.org_a), "neq": "1234 567 890"})
    assert response.status_code == 302
    cast.org_a.refresh_from_db()
    assert cast.org_a.neq == "1234567890"
    assert cast.org_a.history.latest().neq == "1234567890"  # the change is in the organisation's history
    detail = client.get(reverse("organisations:organisation-detail", args=[cast.org_a.pk]))
    assert "1234567890" in detail.content.decode()
    refused = client.post(url, {**_profile(cast.org_a), "neq": "123"})
    assert refused.status_code == 200
    assert "Le NEQ compte exactement 10 chiffres" in refused.content.decode()


def test_the_admin_normalises_the_neq(admin_client, cast):
    url = reverse("admin:organisations_organisation_change", args=[cast.org_a.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="neq"' in page.content.decode()
    data = {**_profile(cast.org_a), "status": cast.org_a.status, "neq": "1234-567-890"}
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    cast.org_a.refresh_from_db()
    assert cast.org_a.neq == "1234567890"


def _profile(organisation) -> dict:
    return {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "sector": organisation.sector,
        "description": organisation.description,
        "address": organisation.address,
        "city": organisation.city,
        "postal_code": organisation.postal_code,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
    }
