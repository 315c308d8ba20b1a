"""The open data described in DCAT, as JSON-LD (issue 22, part 2): what Données Québec's catalogue (CKAN with
ckanext-dcat's RDF harvester) reads to list each dataset with its licence, publisher, contact, update frequency,
temporal and spatial coverage and files.

Every dataset is one entry of DATASETS: its title, description, keywords and files (the URL names of the alliance's
and of the region's). The alliance's catalogue describes its own files; the region's, its files over every alliance,
then each alliance's, under the same identifiers as in that alliance's catalogue (a harvester reading both keeps one).

Vocabularies (docs/open-data.md): DCAT-AP's names (dcat:, dct:, foaf:, vcard:); the frequency from the EU's
frequency table (CONT: continuously, the files are written at each request); the language from the EU's language
table (FRA); the licence CC BY 4.0. Media types and formats as literals (text/csv, CSV), which ckanext-dcat reads
first. A period gives its dates twice, as dcat:startDate (DCAT-AP 2 and later) and schema:startDate (which
ckanext-dcat's DCAT-AP 1 reader looks for)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bilan.selectors.catalogue import CatalogueAlliance

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/CONT"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/FRA"
MEDIA_TYPE = "application/ld+json"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Distribution:
    """A file of a dataset: its format, its media type (what the file's answer announces) and its URL names."""

    format: str
    media_type: str
    view: str  # the alliance's file
    region_view: str  # the region's file (every alliance)


@dataclass(frozen=True)
class Dataset:
    slug: str  # the fragment of its identifier: <catalogue>#projets
    title: Promise
    description: Promise
    keywords: tuple[Promise | str, ...]
    distributions: tuple[Distribution, ...]


def _csv_json(name: str) -> tuple[Distribution, ...]:
    """The CSV and the JSON of an open-data file named `bilan:open-data-<name>-csv` (and `-json`, and the region's)."""
    return (
        Distribution("CSV", "text/csv", f"bilan:open-data{name}-csv", f"bilan:region-open-data{name}-csv"),
        Distribution("JSON", "application/json", f"bilan:open-data{name}-json", f"bilan:region-open-data{name}-json"),
    )


PROJECTS = Dataset(
    "projets",
    gettext_lazy("Projets financés et argent public engagé et versé"),
    gettext_lazy(
        "Les projets acceptés, leur organisation porteuse, leur enjeu, leur statut, leurs dates et l'argent public "
        "qui leur est engagé et versé, avec les résolutions du conseil d'administration. Aucune donnée personnelle."
    ),
    (gettext_lazy("projets"), gettext_lazy("financement public"), gettext_lazy("inclusion sociale")),
    _csv_json(""),
)
PRACTICES = Dataset(
    "pratiques",
    gettext_lazy("Pratiques à reprendre"),
    gettext_lazy(
        "Les pratiques que les organisations ont publiées dans le registre des pratiques à reprendre, avec leur "
        "projet et leur enjeu; la personne à joindre y est un rôle, jamais un nom ni une adresse."
    ),
    (gettext_lazy("pratiques"), gettext_lazy("pérennité"), gettext_lazy("inclusion sociale")),
    _csv_json("-practices"),
)
INDICATORS = Dataset(
    "indicateurs",
    gettext_lazy("Indicateurs partagés, cibles et mesures"),
    gettext_lazy(
        "Les indicateurs partagés des enjeux des plans : unité, valeur de départ, cible et, pour un indicateur de "
        "population, ses mesures datées avec leur source. Une ligne par indicateur et mesure dans le CSV."
    ),
    (gettext_lazy("indicateurs"), gettext_lazy("cibles"), gettext_lazy("pauvreté")),
    _csv_json("-indicators"),
)
GRANTS = Dataset(
    "subventions",
    gettext_lazy("Subventions au standard 360Giving"),
    gettext_lazy(
        "Chaque subvention (un engagement de l'enveloppe et ses modifications) au standard de données 360Giving : "
        "montant accordé, dates, organisation bénéficiaire, bailleurs, territoire et enjeu."
    ),
    (gettext_lazy("subventions"), "360Giving", gettext_lazy("financement public")),
    (
        Distribution("JSON", "application/json", "bilan:open-data-grants-json", "bilan:region-open-data-grants-json"),
        Distribution("XLSX", XLSX_TYPE, "bilan:open-data-grants-xlsx", "bilan:region-open-data-grants-xlsx"),
    ),
)

# One entry a dataset: the catalogues describe these, in this order.
DATASETS = (
    PROJECTS,
    PRACTICES,
    INDICATORS,
    GRANTS,
)


# ---------------------------------------------------------------- JSON-LD


def _date(day) -> dict:
    return {"@value": day.isoformat(), "@type": "xsd:date"}


def _datetime(moment) -> dict:
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _uri(address: str) -> dict:
    return {"@id": address}


def _period(start, end) -> dict | None:
    if start is None:
        return None
    period = {"@type": "dct:PeriodOfTime", "dcat:startDate": _date(start), "schema:startDate": _date(start)}
    if end is not None:
        period |= {"dcat:endDate": _date(end), "schema:endDate": _date(end)}
    return period


def _organisation(name: str, homepage: str | None = None) -> dict:
    agent = {"@type": "foaf:Organization", "foaf:name": name}
    if homepage:
        agent["foaf:homepage"] = _uri(homepage)
    return agent


def _contact(alliance: CatalogueAlliance, page: str) -> dict:
    """The alliance as its contact point: its name, its open-data page and its public address (a role's) if any."""
    contact = {"@type": "vcard:Organization", "vcard:fn": alliance.name, "vcard:hasURL": _uri(page)}
    if alliance.contact_email:
        contact["vcard:hasEmail"] = _uri(f"mailto:{alliance.contact_email}")
    return contact


def _place(name: str) -> dict:
    return {"@type": "dct:Location", "skos:prefLabel": name}


@dataclass(frozen=True)
class Publication:
    """Who publishes a set of files and over what: what each dataset of a catalogue shares."""

    identifier: str  # the catalogue's address: datasets are <identifier>#<slug>
    title_suffix: str  # « Projets … — Alliance du Témiscamingue »
    publisher: dict
    creator: dict | None
    contacts: list[dict]
    period: dict | None
    place: str
    issued: object  # a datetime
    generated_at: object
    landing_page: str
    url: Callable[[Distribution], str]  # a file's absolute address


def dataset(entry: Dataset, p: Publication) -> dict:
    """A dataset of DATASETS as DCAT describes it, for publication `p`."""
    identifier = f"{p.identifier}#{entry.slug}"
    title = f"{entry.title} — {p.title_suffix}"
    described = {
        "@id": identifier,
        "@type": "dcat:Dataset",
        "dct:identifier": identifier,
        "dct:title": title,
        "dct:description": str(entry.description),
        "dct:publisher": p.publisher,
        **({"dct:creator": p.creator} if p.creator else {}),
        "dcat:contactPoint": p.contacts,
        "dct:license": _uri(LICENCE),
        "dct:accrualPeriodicity": _uri(FREQUENCY),
        **({"dct:temporal": p.period} if p.period else {}),
        "dct:spatial": _place(p.place),
        "dcat:keyword": [str(keyword) for keyword in entry.keywords] + [p.place],
        "dct:language": [_uri(LANGUAGE)],
        "dct:issued": _datetime(p.issued),
        "dct:modified": _datetime(p.generated_at),
        "dcat:landingPage": _uri(p.landing_page),
        "dcat:distribution": [],
    }
    for d in entry.distributions:
        address = p.url(d)
        described["dcat:distribution"].append(
            {
                "@id": f"{identifier}-{d.format.lower()}",
                "@type": "dcat:Distribution",
                "dct:title": f"{entry.title} ({d.format})",
                "dcat:accessURL": _uri(address),
                "dcat:downloadURL": _uri(address),
                "dct:format": d.format,
                "dcat:mediaType": d.media_type,
                "dct:license": _uri(LICENCE),
            }
        )
    return described


def alliance_publication(
    alliance: CatalogueAlliance, *, identifier: str, home: str, landing_page: str, url, generated_at
) -> Publication:
    """What an alliance's datasets share: the alliance publishes them, its coordinating organisation makes them."""
    return Publication(
        identifier=identifier,
        title_suffix=alliance.name,
        publisher=_organisation(alliance.name, home),
        creator=_organisation(alliance.coordinating_organisation),
        contacts=[_contact(alliance, landing_page)],
        period=_period(alliance.start, alliance.end),
        place=alliance.territory,
        issued=alliance.created_at,
        generated_at=generated_at,
        landing_page=landing_page,
        url=url,
    )


def catalogue(*, identifier: str, title: str, publisher: dict, homepage: str, generated_at, publications) -> dict:
    """The catalogue: every dataset of DATASETS for each publication, in that order."""
    return {
        "@context": CONTEXT,
        "@id": identifier,
        "@type": "dcat:Catalog",
        "dct:title": title,
        "dct:description": _(
            "Les données ouvertes du portail des alliances pour la solidarité et l'inclusion sociale : projets "
            "financés, pratiques à reprendre et indicateurs partagés, sous licence CC BY 4.0. Aucune donnée "
            "personnelle."
        ),
        "dct:publisher": publisher,
        "dct:language": [_uri(LANGUAGE)],
        "dct:license": _uri(LICENCE),
        "foaf:homepage": _uri(homepage),
        "dct:modified": _datetime(generated_at),
        "dcat:dataset": [dataset(entry, p) for p in publications for entry in DATASETS],
    }


def region_publication(
    alliances: list[CatalogueAlliance], *, identifier: str, landing_page: str, contacts_pages: list[str], url, at
) -> Publication:
    """What the region's files share: every alliance publishes them together, over every plan's years."""
    regions = sorted({a.region for a in alliances if a.region})
    place = ", ".join(regions) or _("la région")
    starts = [a.start for a in alliances if a.start]
    ends = [a.end for a in alliances if a.end]
    issued = min((a.created_at for a in alliances), default=at)
    return Publication(
        identifier=identifier,
        title_suffix=_("%(region)s, toutes les alliances") % {"region": place},
        publisher=_organisation(region_publisher_name(place), landing_page),
        creator=None,
        contacts=[_contact(a, page) for a, page in zip(alliances, contacts_pages, strict=True)],
        period=_period(min(starts), max(ends) if ends else None) if starts else None,
        place=place,
        issued=issued,
        generated_at=at,
        landing_page=landing_page,
        url=url,
    )


def region_publisher_name(place: str) -> str:
    return _("Alliances pour la solidarité et l'inclusion sociale — %(region)s") % {"region": place}
