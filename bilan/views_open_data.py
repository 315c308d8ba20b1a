"""Open data others can use (issue 22): the shared indicators as files, and the catalogue of every open-data file in
DCAT (JSON-LD) for Données Québec's harvester; the alliance's (plan-aware, as its other files) and the region's.
Public, CORS open, as the other open-data files (bilan.views)."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from alliances.addresses import alliance_reverse
from bilan import catalogue as dcat
from bilan.open_indicators import (
    indicators_json_lines,
    indicators_table,
    region_indicators_json_lines,
    region_indicators_table,
)
from bilan.selectors.catalogue import catalogue_alliance, catalogue_alliances
from bilan.selectors.open_indicators import open_indicators
from bilan.views import open_csv, open_json
from plans.access import request_plans


@require_safe
def open_data_indicators_csv(request):
    """The shared indicators of the request's alliance (or plan) as CSV, one row per (indicator, measure), streamed."""
    plans = request_plans(request)
    return open_csv(indicators_table(lambda: open_indicators(plans)), "indicateurs.csv")


@require_safe
def open_data_indicators_json(request):
    """The same as one JSON document, an object per indicator with its measures, streamed."""
    return open_json(indicators_json_lines(open_indicators(request_plans(request))))


@require_safe
def region_open_data_indicators_csv(request):
    """Every alliance's shared indicators as CSV, each row with its alliance, streamed."""
    return open_csv(region_indicators_table(open_indicators), "indicateurs-region.csv")


@require_safe
def region_open_data_indicators_json(request):
    """Every alliance's shared indicators as one JSON document, each with its alliance, streamed."""
    return open_json(region_indicators_json_lines(open_indicators()))


# ---------------------------------------------------------------- the catalogue (DCAT, JSON-LD)


def _absolute(request):
    """A path made an absolute address: under PORTAL_URL when it is set (the portal's public address, as the e-mails'
    links: the identifiers stay the same whichever host name the harvester used), else the request's own host
    (checked against ALLOWED_HOSTS; https behind the proxy, asis.settings)."""
    base = settings.PORTAL_URL.rstrip("/")
    return (lambda path: base + path) if base else request.build_absolute_uri


def _catalogue_response(document: dict) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type=f"{dcat.MEDIA_TYPE}; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data_catalogue(request):
    """The alliance's open data in DCAT: a dataset per entry of bilan.catalogue.DATASETS, over the plans of the
    address (all the alliance's, or the one it names). 1 query past the alliance's."""
    if request.alliance is None:
        raise Http404
    absolute = _absolute(request)
    alliance = catalogue_alliance(request.alliance, request_plans(request))
    identifier = absolute(reverse("bilan:open-data-catalogue"))
    landing_page = absolute(reverse("bilan:open-data"))
    now = timezone.localtime()
    publication = dcat.alliance_publication(
        alliance,
        identifier=identifier,
        home=absolute(reverse("home")),
        landing_page=landing_page,
        url=lambda d: absolute(reverse(d.view)),
        generated_at=now,
    )
    return _catalogue_response(
        dcat.catalogue(
            identifier=identifier,
            title=_("Données ouvertes — %(alliance)s") % {"alliance": alliance.name},
            publisher=publication.publisher,
            homepage=landing_page,
            generated_at=now,
            publications=[publication],
        )
    )


@require_safe
def region_open_data_catalogue(request):
    """The region's open data in DCAT: its files over every alliance, then each alliance's datasets under the
    identifiers of that alliance's catalogue. 1 query (the alliances with their plans' span)."""
    absolute = _absolute(request)
    alliances = catalogue_alliances()
    now = timezone.localtime()
    identifier = absolute(reverse("bilan:region-open-data-catalogue"))
    pages = [absolute(alliance_reverse(a.slug, "bilan:open-data")) for a in alliances]
    region = dcat.region_publication(
        alliances,
        identifier=identifier,
        landing_page=absolute(reverse("home")),  # the portal's home lists the alliances to a visitor
        contacts_pages=pages,
        url=lambda d: absolute(reverse(d.region_view)),
        at=now,
    )
    publications = [region] + [
        dcat.alliance_publication(
            a,
            identifier=absolute(alliance_reverse(a.slug, "bilan:open-data-catalogue")),
            home=absolute(alliance_reverse(a.slug, "home")),
            landing_page=page,
            url=lambda d, slug=a.slug: absolute(alliance_reverse(slug, d.view)),
            generated_at=now,
        )
        for a, page in zip(alliances, pages, strict=True)
    ]
    return _catalogue_response(
        dcat.catalogue(
            identifier=identifier,
            title=_("Données ouvertes des alliances — %(region)s") % {"region": region.place},
            publisher=region.publisher,
            homepage=absolute(reverse("home")),
            generated_at=now,
            publications=publications,
        )
    )
