"""The grants as the 360Giving Data Standard publishes them (version 1.4, issue 22): a JSON package (streamed, a grant
at a time) and a spreadsheet (XLSX, bilan.xlsx: rows written to a temporary file as they come) whose column titles
are the standard's (the schema's « title » of each field, joined by « : » as its spreadsheet templates join them).

The grants come from bilan.selectors.grants; what each field holds and why is in docs/open-data.md (« 360Giving »).
Identifiers:
- a grant: `<GRANTS_360G_PREFIX>-<alliance>-<commitment>` (« 360G-asis-rouyn-noranda-42 »): the publisher's 360Giving
  prefix, then the alliance's address part and the commitment's number, which never change;
- an organisation with a NEQ: `<GRANTS_360G_NEQ_SCHEME>-<NEQ>`, the org-id.guide list of the Registraire des
  entreprises du Québec (« CA_QC-QBC-1234567890 »); without one: `<GRANTS_360G_PREFIX>-org-<number>`, the
  standard's fallback for an organisation known only to the publisher;
- the alliance, a funder (the funder named on a funding source): `<GRANTS_360G_PREFIX>-alliance-<alliance>`,
  `<GRANTS_360G_PREFIX>-funder-<its name as a slug>`.
"""

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from bilan import xlsx
from bilan.exports import MONEY, TEXT
from bilan.selectors.grants import Grant

SCHEMA_VERSION = "1.4"  # the package's « version » (major.minor) of the schemas in bilan/standards/360giving/
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
CURRENCY = "CAD"
COUNTRY = "CA"


def _prefix() -> str:
    return settings.GRANTS_360G_PREFIX


def grant_id(grant: Grant) -> str:
    return f"{_prefix()}-{grant.alliance_slug}-{grant.pk}"


def carried_grant_id(grant: Grant) -> str:
    return f"{_prefix()}-{grant.alliance_slug}-{grant.carried_from_id}"


def recipient_id(grant: Grant) -> str:
    if grant.recipient_neq:
        return f"{settings.GRANTS_360G_NEQ_SCHEME}-{grant.recipient_neq}"
    return f"{_prefix()}-org-{grant.recipient_id}"


def alliance_id(alliance_slug: str) -> str:
    return f"{_prefix()}-alliance-{alliance_slug}"


def funder_id(funder: str) -> str:
    return f"{_prefix()}-funder-{slugify(funder) or 'inconnu'}"


@dataclass(frozen=True)
class Addresses:
    """The absolute addresses the documents point to, made by the view (it knows the site): an alliance's project
    page and open-data page, by alliance slug and project number."""

    project: Callable[[str, int], str]
    open_data: Callable[[str], str]


# ---------------------------------------------------------------- JSON


def grant_fields(grant: Grant, addresses: Addresses) -> dict:
    """A grant as the 360Giving schema's object (bilan/standards/360giving/360-giving-schema.json). Amounts are the
    placeholders of `_amounts`: written as JSON numbers with their two decimals."""
    fields = {
        "id": grant_id(grant),
        "title": grant.title,
        "description": grant.description,
        "currency": CURRENCY,
        "amountAwarded": _AWARDED,
        "amountDisbursed": _DISBURSED,
        "awardDate": grant.decided_on.isoformat(),
        "url": addresses.project(grant.alliance_slug, grant.project_id),
    }
    dates = {}
    if grant.start_date:
        dates["startDate"] = grant.start_date.isoformat()
    if grant.end_date:
        dates["endDate"] = grant.end_date.isoformat()
    if dates:
        fields["plannedDates"] = [dates]
    recipient = {"id": recipient_id(grant), "name": grant.recipient_name}
    if grant.recipient_city:
        recipient["addressLocality"] = grant.recipient_city
    recipient["addressCountry"] = COUNTRY
    fields["recipientOrganization"] = [recipient]
    fields["fundingOrganization"] = [
        {"id": alliance_id(grant.alliance_slug), "name": grant.alliance_name},
        {"id": funder_id(grant.funder), "name": grant.funder},
    ]
    fields["grantProgramme"] = [
        {"code": f"{grant.alliance_slug}-{grant.plan_slug}-{grant.source_code}", "title": grant.source_name}
    ]
    fields["beneficiaryLocation"] = [{"name": grant.territory, "countryCode": COUNTRY}]
    fields["classifications"] = [
        {
            "vocabulary": theme_vocabulary(grant),
            "code": grant.theme_slug,
            "title": grant.theme_name,
        }
    ]
    if grant.carried_from_id:
        fields["relatedActivity"] = [carried_grant_id(grant)]
    fields["dateModified"] = timezone.localtime(grant.modified).isoformat()
    fields["dataSource"] = addresses.open_data(grant.alliance_slug)
    return fields


def theme_vocabulary(grant: Grant) -> str:
    """The themes (« enjeux ») of the grant's plan: each plan has its own list."""
    return f"{_prefix()}-{grant.alliance_slug}-{grant.plan_slug}-enjeux"


# The amounts are JSON numbers with their two decimals (1250.50), which Python's json cannot write from a Decimal:
# each goes in as a placeholder string, replaced by the amount's digits once the object is written. The placeholders
# hold a NUL character, which no typed text holds (Django's form fields refuse it).
_AWARDED, _DISBURSED = "\x00amountAwarded\x00", "\x00amountDisbursed\x00"
_QUOTED_AWARDED, _QUOTED_DISBURSED = json.dumps(_AWARDED), json.dumps(_DISBURSED)


def _amounts(text: str, grant: Grant) -> str:
    return text.replace(_QUOTED_AWARDED, f"{grant.awarded:.2f}", 1).replace(
        _QUOTED_DISBURSED, f"{grant.disbursed:.2f}", 1
    )


def grants_json_lines(grants: Iterable[Grant], *, addresses: Addresses, head: dict) -> Iterator[str]:
    """A 360Giving package (the standard's package schema) written a grant at a time, for StreamingHttpResponse:
    `head` first (publisher, licence, title...), then « grants »."""
    package = {**head, "license": LICENSE, "version": SCHEMA_VERSION}
    yield json.dumps(package, ensure_ascii=False, indent=1)[:-2] + ',\n "grants": ['
    separator = "\n  "
    for grant in grants:
        yield separator + _amounts(json.dumps(grant_fields(grant, addresses), ensure_ascii=False), grant)
        separator = ",\n  "
    yield "\n ]\n}\n"


def package_head(
    *, title: str, description: str, publisher: dict, download_url: str, identifier: str, access_url: str | None = None
) -> dict:
    """The package's own fields (its metadata), before its grants; `access_url`: the public page that lists it."""
    head = {
        "title": title,
        "description": description,
        "identifier": identifier,
        "publisher": publisher,
        "modified": timezone.localtime().isoformat(),
    }
    if access_url:
        head["accessURL"] = access_url
    head["downloadURL"] = download_url
    return head


# ---------------------------------------------------------------- XLSX

# The standard's spreadsheet titles (the schema's « title », a nested field's joined by « : »), in the order of its
# templates: a converter (CoVE, flatten-tool) reads this sheet back into the JSON above.
GRANT_COLUMNS = (
    ("Identifier", TEXT),
    ("Title", TEXT),
    ("Description", TEXT),
    ("Currency", TEXT),
    ("Amount Awarded", MONEY),
    ("Amount Disbursed", MONEY),
    ("Award Date", TEXT),
    ("URL", TEXT),
    ("Planned Dates:Start Date", TEXT),
    ("Planned Dates:End Date", TEXT),
    ("Recipient Org:Identifier", TEXT),
    ("Recipient Org:Name", TEXT),
    ("Recipient Org:City", TEXT),
    ("Recipient Org:Country", TEXT),
    ("Funding Org:Identifier", TEXT),
    ("Funding Org:Name", TEXT),
    ("Grant Programme:Code", TEXT),
    ("Grant Programme:Title", TEXT),
    ("Beneficiary Location:Name", TEXT),
    ("Beneficiary Location:Country Code", TEXT),
    ("Classifications:Vocabulary", TEXT),
    ("Classifications:Code", TEXT),
    ("Classifications:Title", TEXT),
    ("Related Activity", TEXT),
    ("Last Modified", TEXT),
    ("Data Source", TEXT),
)
# A grant has two funders (the alliance and its source's funder): the second cannot be a column of the grant's row,
# so every funder is a row of this sheet, keyed by the grant's identifier (as the standard's converters read a list).
FUNDER_COLUMNS = (("Identifier", TEXT), ("Funding Org:Identifier", TEXT), ("Funding Org:Name", TEXT))


def grant_row(grant: Grant, addresses: Addresses) -> tuple:
    """A grant's row of GRANT_COLUMNS: the same values as its JSON object (the alliance as the row's funder)."""
    return (
        grant_id(grant),
        grant.title,
        grant.description,
        CURRENCY,
        grant.awarded,
        grant.disbursed,
        grant.decided_on.isoformat(),
        addresses.project(grant.alliance_slug, grant.project_id),
        grant.start_date.isoformat() if grant.start_date else "",
        grant.end_date.isoformat() if grant.end_date else "",
        recipient_id(grant),
        grant.recipient_name,
        grant.recipient_city,
        COUNTRY,
        alliance_id(grant.alliance_slug),
        grant.alliance_name,
        f"{grant.alliance_slug}-{grant.plan_slug}-{grant.source_code}",
        grant.source_name,
        grant.territory,
        COUNTRY,
        theme_vocabulary(grant),
        grant.theme_slug,
        grant.theme_name,
        carried_grant_id(grant) if grant.carried_from_id else "",
        timezone.localtime(grant.modified).isoformat(),
        addresses.open_data(grant.alliance_slug),
    )


def grants_xlsx_file(grants: Iterable[Grant], *, addresses: Addresses):
    """The grants as an XLSX workbook in an anonymous temporary file (rewound, ready for FileResponse): the sheet
    « grants », then « fundingOrganization » (every funder of every grant). No row is kept in memory."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        with xlsx.Workbook(handle) as workbook:
            sheet = workbook.add_sheet("grants", GRANT_COLUMNS)
            funders = workbook.add_sheet("fundingOrganization", FUNDER_COLUMNS)
            for grant in grants:
                sheet.append(grant_row(grant, addresses))
                identifier = grant_id(grant)
                funders.append((identifier, alliance_id(grant.alliance_slug), grant.alliance_name))
                funders.append((identifier, funder_id(grant.funder), grant.funder))
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle
