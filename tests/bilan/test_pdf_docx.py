"""The bilan as PDF and DOCX, opened back (pypdf, python-docx): the totals equal the database to the
cent in their fr-CA form, the period and « page N de M » on every PDF page, real Word headings and
tables with header rows, who gets what, and a fixed number of queries."""

import datetime
import io
import re
from decimal import Decimal

import docx
import pypdf
import pytest
from django.db.models import Q, Sum
from django.urls import reverse

from asis.templatetags.asis_format import format_money
from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
)
from organisations.models import User
from plans.models import Plan
from projects.models import ActionProject, ProjectStatus
from tests.alliance_money import asis_url
from tests.bilan.test_bilan_queries import count_queries, grow

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
YEAR = {"periode": "2014-2015"}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def flat(text: str) -> str:
    """Whitespace (line breaks in cells, non-breaking spaces) as single spaces."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def squeezed(text: str) -> str:
    """No whitespace at all: a title wrapped over two lines of a cell still reads as one."""
    return re.sub(r"\s+", "", text)


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    reader = pypdf.PdfReader(io.BytesIO(body(response)))
    return [flat(page.extract_text()) for page in reader.pages]


def open_docx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return docx.Document(io.BytesIO(body(response)))


def docx_rows(document) -> list[list[str]]:
    return [[flat(c.text) for c in row.cells] for table in document.tables for row in table.rows]


def m(value) -> str:
    """Money as the documents show it, with plain spaces."""
    return flat(format_money(value))


def expected_sources(start, end, projects=None) -> list[tuple[str, str, str, str, str]]:
    """Per source of the current plan (the one the documents are of), from the ledger: (name, amount, committed,
    paid with corrections, left to commit)."""
    out = []
    for source in FundingSource.objects.filter(plan=Plan.objects.current()).order_by("order"):
        commitments = Commitment.objects.filter(source=source)
        payments = Disbursement.objects.filter(commitment__source=source, paid_on__range=(start, end))
        corrections = DisbursementCorrection.objects.filter(
            disbursement__commitment__source=source, corrected_on__range=(start, end)
        )
        if projects is not None:
            payments = payments.filter(commitment__project__in=projects)
            corrections = corrections.filter(disbursement__commitment__project__in=projects)
        in_period = commitments.filter(decided_on__range=(start, end))
        if projects is not None:
            in_period = in_period.filter(project__in=projects)
        committed = in_period.aggregate(t=Sum(Commitment.CURRENT))["t"] or Decimal("0")
        paid = (payments.aggregate(t=Sum("amount"))["t"] or Decimal("0")) + (
            corrections.aggregate(t=Sum("delta"))["t"] or Decimal("0")
        )
        to_date = commitments.filter(decided_on__lte=end).aggregate(t=Sum(Commitment.CURRENT))["t"] or Decimal("0")
        out.append((flat(source.name), m(source.amount), m(committed), m(paid), m(source.amount - to_date)))
    return out


def total_row(sources) -> tuple[str, ...]:
    def add(i):
        return m(sum(Decimal(s[i].replace(" ", "").replace("$", "").replace(",", ".")) for s in sources))

    return ("Total", add(1), add(2), add(3), add(4))


# ---------------------------------------------------------------- the demo


def structure(pdf: bytes) -> tuple[dict, list[tuple[str, str]]]:
    """The PDF's catalogue and its structure tree as (tag, alternative text) in reading order."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    tags = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return  # a marked-content id
        if "/S" in node:
            tags.append((str(node["/S"]), str(node.get("/Alt", ""))))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"])
    return root, tags


def test_pdf_of_the_demo_year(demo_client):
    """A tagged PDF (PDF/UA-1): structure tree, language fr-CA, marked; a cover and a table of contents; headings,
    table headers and the charts' alternative text in the tags; every figure to the cent."""
    plan = Plan.objects.select_related("alliance").get(alliance__acronym="ASIS")
    year = plan.years.get(number=2)
    response = demo_client("personnel").get(asis_url("bilan:bilan-pdf"), YEAR)
    assert response["Content-Disposition"] == 'attachment; filename="bilan-asis-2014-2015.pdf"'
    content = body(response)
    reader = pypdf.PdfReader(io.BytesIO(content))
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert text.endswith(f"Bilan de l'Alliance — 2014-2015 — page {number} de {len(pages)}"), number

    root, tags = structure(content)
    assert root["/Lang"] == "fr-CA" and bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "Bilan de l'Alliance — 2014-2015" and reader.metadata.author == "ASIS"
    names = [tag for tag, _alt in tags]
    assert names.count("/H1") == 1 and names.count("/H2") >= 8 and "/TH" in names and "/Caption" in names
    figures = [alt for tag, alt in tags if tag == "/Figure"]
    assert len(figures) == 2 and all("$" in alt for alt in figures)  # each chart described with its figures
    assert "Pauvreté et défavorisation" in figures[1]

    # The cover: alliance, plan, year, its days, the date produced and the key figures; then the contents.
    cover, contents = pages[0], pages[1]
    assert cover.startswith("ASIS — Plan ")
    assert "Bilan 2014-2015" in cover and "Du 1er avril 2014 au 31 mars 2015" in cover and "Produit le " in cover
    assert "Engagé (par date de décision) 103 351,25 $" in cover and "Versé 76 350,75 $" in cover
    assert "Sommaire" in contents and re.search(r"L'argent \.* ?\d", contents)
    assert "Engagé (par année du plan)" in contents  # the definitions of the money words

    text = " ".join(pages)
    sources = expected_sources(year.start_date, year.end_date)
    for row in sources + [total_row(sources)]:
        assert " ".join(row) in text, row
    assert total_row(sources)[1:4] == ("502 136 $", "103 351,25 $", "76 350,75 $")
    # the two « Engagé » reconciled to the cent
    assert (
        "103 351,25 $ engagés par date de décision dans la période = 81 850,75 $ pour l'année 2014-2015 du plan "
        "+ 21 500,50 $ pour l'année 2015-2016 du plan" in text
    )
    # The charts' descriptions come before their tables.
    assert text.index("Par source de financement : engagé à la fin de la période") < text.index(
        "Fonds québécois d'initiatives sociales (FQIS) 467 136 $"
    )
    # Projects: every project of the year, with its lead, status and money.
    assert squeezed("Accompagnement-transport des aînés") in squeezed(text)
    assert "Faits saillants" in text and "Un réseau de 22 bénévoles chauffeurs." in text
    assert ",00 personnes" not in text and "Du le" not in text
    # « Durabilité » (issue 20, part 6): in the contents, then after the highlights with its counts
    assert "Durabilité" in contents
    assert "Suivis attendus" in text.split("Faits saillants")[-1]


def test_docx_of_the_demo_plan(demo_client):
    plan = Plan.objects.select_related("alliance").get(alliance__acronym="ASIS")
    response = demo_client("coordination").get(asis_url("bilan:bilan-docx"), {"periode": "plan"})
    assert response["Content-Disposition"] == 'attachment; filename="bilan-asis-2013-2016.docx"'
    document = open_docx(response)

    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", "Bilan de l'Alliance") in styles
    headings = [text for style, text in styles if style == "Heading 1"]
    assert headings == [
        "Synthèse",
        "L'argent",
        "Les projets",
        "Indicateurs",
        "Rencontres tenues",
        "Faits saillants",
        "Durabilité",  # the follow-ups after funding (issue 20, part 6), after the report body as on the page
    ]
    assert ("Heading 2", "Par source de financement") in styles and ("Heading 2", "Cumul par enjeu") in styles
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Bilan de l'Alliance — 2013-2016 — page ")
    assert 'w:instr="PAGE"' in footer._p.xml and 'w:instr="NUMPAGES"' in footer._p.xml
    assert 'w:val="fr-CA"' in document.styles.element.xml and document.core_properties.language == "fr-CA"

    assert len(document.tables) >= 7
    for table in document.tables:  # real tables with a header row Word repeats on every page
        first = table.rows[0]
        assert first._tr.trPr is not None and "tblHeader" in first._tr.trPr.xml
        assert all(run.bold for c in first.cells for p in c.paragraphs for run in p.runs)
        assert len(table.rows) >= 2

    rows = docx_rows(document)
    sources = expected_sources(
        plan.years.order_by("number").first().start_date, plan.years.order_by("number").last().end_date
    )
    for row in sources + [total_row(sources)]:
        assert tuple(row) in {tuple(r) for r in rows}, row
    # Over the whole plan the documents hold the running totals of the sources.
    totals = FundingSource.objects.filter(plan=plan).totals()
    assert (
        total_row(sources)[2:4]
        == (m(totals["committed"]), m(totals["disbursed"]))
        == ("228 051,25 $", m(totals["disbursed"]))
    )
    projects = next(t for t in document.tables if flat(t.rows[0].cells[0].text) == "Projet" and len(t.columns) == 8)
    assert [flat(c.text) for c in projects.rows[0].cells] == [
        "Projet",
        "Porteur",
        "Partenaires",
        "Statut",
        "Avancement (%)",
        "Personnes rejointes",
        "Engagé (par date de décision)",
        "Versé",
    ]
    committed = sum(
        Decimal(flat(r.cells[6].text).replace(" ", "").replace("$", "").replace(",", ".")) for r in projects.rows[1:]
    )
    assert committed == Decimal("228051.25")


def test_a_partners_documents_hold_only_its_organisations_projects(demo_client):
    partner = User.objects.get(username="partenaire")
    orgs = partner.organisation_ids()
    mine = Q(lead_id__in=orgs) | Q(partnerships__organisation_id__in=orgs)
    own = set(ActionProject.objects.filter(mine).values_list("title", flat=True))
    others = set(
        ActionProject.objects.exclude(pk__in=ActionProject.objects.filter(mine).values("pk")).values_list(
            "title", flat=True
        )
    )
    assert own and others
    client = demo_client("partenaire")
    text = squeezed(" ".join(pdf_pages(client.get(asis_url("bilan:bilan-pdf"), {"periode": "plan"}))))
    document = open_docx(client.get(asis_url("bilan:bilan-docx"), {"periode": "plan"}))
    cells = squeezed(" ".join(" ".join(r) for r in docx_rows(document)) + " ".join(p.text for p in document.paragraphs))
    assert any(squeezed(title) in text for title in own)
    for title in others:
        assert squeezed(title) not in text, title
        assert squeezed(title) not in cells, title
    assert squeezed("Ce bilan ne porte que sur les projets de vos organisations") in text
    # Its money: its projects' commitments only.
    committed = Commitment.objects.filter(project__in=ActionProject.objects.filter(mine)).aggregate(
        t=Sum(Commitment.CURRENT)
    )["t"]
    total = next(r for r in docx_rows(document) if r[0] == "Total" and len(r) == 5)
    assert total[2] == m(committed)


# ---------------------------------------------------------------- access and a generated volume


@pytest.mark.parametrize("url", ["bilan:bilan-pdf", "bilan:bilan-docx"])
def test_documents_need_a_login_and_a_valid_period(client, cast, plan, theme, url):
    response = client.get(reverse(url), YEAR)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(cast.staff)
    assert client.get(reverse(url), {"periode": "dates", "du": "2015-01-01", "au": "2014-01-01"}).status_code == 400
    assert client.get(reverse(url), YEAR).status_code == 200
    client.force_login(cast.coordinator)
    assert client.get(reverse(url), YEAR).status_code == 200


def test_the_bilan_page_links_to_both_documents(client, cast, plan, theme):
    client.force_login(cast.staff)
    page = client.get(reverse("bilan:bilan"), YEAR).content.decode()
    assert f'href="{reverse("bilan:bilan-pdf")}?periode=2014-2015"' in page
    assert f'href="{reverse("bilan:bilan-docx")}?periode=2014-2015"' in page


def test_60_projects_cost_the_queries_of_5_and_add_up(client, cast, plan, theme, django_assert_max_num_queries):
    """The same query count at 5 and 60 projects (intended to prevent an N+1), and the volume's
    totals to the cent; a project of organisation B alone never reaches alice (organisation A)."""
    grow(cast, plan, theme, projects=5, reports=5, meetings=2)
    hidden = ActionProject.objects.create(
        title="Projet confidentiel de B",
        lead=cast.org_b,
        theme=theme,
        status=ProjectStatus.IN_PROGRESS,
        start_date=D(2014, 5, 1),
        end_date=D(2015, 3, 1),
    )
    urls = [reverse("bilan:bilan-pdf"), reverse("bilan:bilan-docx")]

    def fetch(url):
        response = client.get(url, YEAR)
        assert response.status_code == 200
        return response

    client.force_login(cast.alice)
    small = {url: count_queries(lambda url=url: body(fetch(url))) for url in urls}
    grow(cast, plan, theme, projects=55, reports=115, meetings=38)
    big = {}
    for url in urls:
        with django_assert_max_num_queries(small[url]):
            big[url] = fetch(url)  # the file is built inside the view: every query happens here

    for who, sees_hidden in (("alice", False), ("staff", True)):
        if who != "alice":
            client.force_login(getattr(cast, who))
            big = {url: fetch(url) for url in urls}
        pages = pdf_pages(big[urls[0]])
        text = " ".join(pages)
        for number, page in enumerate(pages, start=1):
            assert f"Bilan de l'Alliance — 2014-2015 — page {number} de {len(pages)}" in page
        rows = docx_rows(open_docx(big[urls[1]]))
        assert (squeezed(hidden.title) in squeezed(text)) is sees_hidden, who
        assert any(r[0] == hidden.title for r in rows) is sees_hidden, who
        projects = [r for r in rows if len(r) == 8 and r[0].startswith("Projet ")]
        assert len(projects) == 60 + sees_hidden  # the hidden one has no money
        assert sum(Decimal(r[6].replace(" ", "").replace("$", "").replace(",", ".")) for r in projects) == Decimal(
            "60000.00"
        )
        sources = expected_sources(D(2014, 4, 1), D(2015, 3, 31))
        assert total_row(sources)[2:4] == ("60 000 $", "30 000 $")
        assert " ".join(total_row(sources)) in text
        assert tuple(total_row(sources)) in {tuple(r) for r in rows}


def test_the_pdf_prints_names_beyond_windows_1252_with_an_embedded_font(client, cast, plan, theme):
    """Helvetica would print « Ł », « ő », « ŝ » and Cyrillic as boxes: the PDF embeds a font that has them."""
    grow(cast, plan, theme, projects=1, reports=1, meetings=0)
    ActionProject.objects.filter(theme__plan=plan).update(title="Łódź – Erdős – Esperanto ĉiuŝanĝo – Дом")
    client.force_login(cast.staff)

    response = client.get(reverse("bilan:bilan-pdf"), YEAR)
    reader = pypdf.PdfReader(io.BytesIO(body(response)))
    text = "".join(squeezed(page.extract_text()) for page in reader.pages)
    assert squeezed("Łódź – Erdős – Esperanto ĉiuŝanĝo – Дом") in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    # embedded subsets (« ABCDEF+ »): the bilan's own DejaVu Sans Condensed (named by its CSS family, ASIS Sans), and
    # DejaVu again for a sign it lacks; never a base-14 font such as Helvetica, which is not embedded
    assert fonts and all("+" in name and ("ASIS-Sans" in name or "DejaVu" in name) for name in fonts), fonts
    assert any("ASIS-Sans" in name for name in fonts)
