"""The region's pages, which belong to no alliance (/region/...): the alliances side by side and its XLSX, for the
regional funder and the alliances' coordinators; the open data of every alliance, for everyone.

Who sees what is `bilan.selectors.comparison.comparison_for`: a person with no role in an alliance gets 403."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bilan import grants, region_exports
from bilan.selectors.comparison import comparison_for, region_open_projects
from bilan.selectors.grants import grants as open_grants
from bilan.selectors.open_data import open_practices, open_totals
from bilan.views import grant_addresses, grants_xlsx_response, open_csv, open_json
from plans.models import Plan


def _comparison(request):
    comparison = comparison_for(request.user)
    if comparison is None:
        raise PermissionDenied
    return comparison


@require_safe
@login_required
def comparison(request):
    """The alliances the person may compare, side by side, with the totals they may see."""
    return render(request, "bilan/comparison.html", {"comparison": _comparison(request)})


@require_safe
@login_required
def comparison_xlsx(request):
    """The same comparison as an XLSX workbook."""
    compared = _comparison(request)
    return FileResponse(
        region_exports.comparison_xlsx_file(compared),
        as_attachment=True,
        filename=region_exports.comparison_file_name(compared),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_safe
def region_open_data_csv(request):
    """Every public project of every alliance as CSV, with its alliance, streamed (read 500 at a time)."""
    return open_csv(region_exports.region_open_data_table(region_open_projects), "projets-region.csv")


@require_safe
def region_open_data_json(request):
    """Every public project of every alliance as one JSON document, streamed (totals first, then the projects)."""
    return open_json(
        region_exports.region_open_data_json_lines(open_totals(Plan.objects.all()), region_open_projects())
    )


@require_safe
def region_open_data_practices_csv(request):
    """The published practices of every alliance as CSV, each with its alliance, streamed."""
    return open_csv(region_exports.region_practices_table(open_practices), "pratiques-region.csv")


@require_safe
def region_open_data_practices_json(request):
    """The published practices of every alliance as one JSON document, each with its alliance, streamed."""
    return open_json(region_exports.region_practices_json_lines(open_practices()))


@require_safe
def region_open_data_grants_json(request):
    """Every grant of every alliance as one 360Giving package, streamed a grant at a time (by alliance)."""
    head = grants.package_head(
        title=_("Subventions des alliances de la région (360Giving)"),
        description=_(
            "Chaque engagement de l'enveloppe de chaque alliance envers un projet accepté, à son montant actuel "
            "(réductions et annulation déduites), avec ce qui est versé, l'organisation porteuse et l'enjeu. "
            "Aucune donnée personnelle."
        ),
        publisher={"name": _("Alliances pour la solidarité et l'inclusion sociale de la région")},
        download_url=request.build_absolute_uri(),
        identifier=f"{grants.alliance_id('region')}-subventions",
    )
    return open_json(grants.grants_json_lines(open_grants(), addresses=grant_addresses(request), head=head))


@require_safe
def region_open_data_grants_xlsx(request):
    """The grants of every alliance as the 360Giving spreadsheet."""
    return grants_xlsx_response(open_grants(), grant_addresses(request), "subventions-360giving-region.xlsx")
