"""The read API (/api/v1/…): an alliance's projects, commitments, payments, shared indicators and bilan figures, as
its token's role reads them on the pages. JSON a page at a time; CSV (`?format=csv`) every row its filters keep,
streamed. Thin views: what a token reads is api.selectors', who it is is api.authentication's."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions

from api import selectors, serializers
from api.filters import PLAN, PROJECT, SINCE, THEME, UNTIL, Filter, filtered, on
from api.renderers import csv_lines
from plans.models import SharedIndicator
from projects.models import ProjectStatus

CHUNK = 500
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description=_("json (par défaut, une page à la fois) ou csv (toutes les lignes que les filtres gardent)."),
)


class ReadsFigures(permissions.BasePermission):
    """The envelope's money and the bilan's figures: Coordination, staff and the regional funder read them, as on
    the pages (budget.access.figures_readers_only)."""

    message = _("Le rôle de ce jeton ne lit pas les chiffres de l'enveloppe.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.reads_figures)


class ListView(generics.ListAPIView):
    select = None  # the selector of the token's rows
    filters: tuple[Filter, ...] = ()
    file_name = ""

    def get_queryset(self):
        return filtered(type(self).select(self.request.user), self.request.query_params, self.filters)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.get_queryset()
        serializer = self.get_serializer()
        columns = list(serializer.fields)
        rows = (self.get_serializer(row).data for row in queryset.iterator(chunk_size=CHUNK))
        response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.file_name}.csv"'
        return response


def documented(summary, description, filters):
    """The view's OpenAPI operation: its summary, description and the parameters of its filters (one declaration)."""
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[item.parameter() for item in filters] + [FORMAT],
        tags=["lecture"],
    )


PROJECT_FILTERS = (
    on(PLAN, "theme__plan__slug"),
    on(THEME, "theme__slug"),
    Filter("statut", "status", "choice", _("Le statut du projet."), tuple(ProjectStatus.values)),
    Filter("organisation", "lead_id", "int", _("L'organisation porteuse, par son numéro.")),
    Filter("modifie_depuis", "updated_at__date__gte", "date", _("Modifiés ce jour (AAAA-MM-JJ) ou après.")),
)


@documented(
    _("Projets"),
    _(
        "Les projets de l'alliance : tous pour la coordination et le personnel, les projets acceptés (argent public) "
        "pour le bailleur de fonds régional, comme sur les pages des projets. Engagé : les engagements après "
        "réductions; versé : les versements après corrections."
    ),
    PROJECT_FILTERS,
)
class ProjectList(ListView):
    select = selectors.projects
    serializer_class = serializers.ProjectSerializer
    filters = PROJECT_FILTERS
    file_name = "projets"


COMMITMENT_FILTERS = (
    on(PLAN, "source__plan__slug"),
    on(THEME, "project__theme__slug"),
    on(PROJECT, "project_id"),
    Filter("source", "source__code", "slug", _("La source de l'enveloppe, par son code (fqis).")),
    on(SINCE, "decided_on__gte", _("Décidés à partir de ce jour (AAAA-MM-JJ), inclus.")),
    on(UNTIL, "decided_on__lte", _("Décidés jusqu'à ce jour (AAAA-MM-JJ), inclus.")),
)


@documented(
    _("Engagements"),
    _(
        "Les engagements de l'enveloppe de l'alliance, avec leurs réductions (reduit) et ce qui en est versé. Lus par "
        "la coordination, le personnel et le bailleur de fonds régional."
    ),
    COMMITMENT_FILTERS,
)
class CommitmentList(ListView):
    select = selectors.commitments
    serializer_class = serializers.CommitmentSerializer
    permission_classes = [ReadsFigures]
    filters = COMMITMENT_FILTERS
    file_name = "engagements"


PAYMENT_FILTERS = (
    on(PLAN, "commitment__source__plan__slug"),
    on(THEME, "commitment__project__theme__slug"),
    on(PROJECT, "commitment__project_id"),
    on(SINCE, "paid_on__gte", _("Versés à partir de ce jour (AAAA-MM-JJ), inclus.")),
    on(UNTIL, "paid_on__lte", _("Versés jusqu'à ce jour (AAAA-MM-JJ), inclus.")),
)


@documented(
    _("Versements"),
    _(
        "Les versements de l'alliance, avec leurs corrections. Lus par la coordination, le personnel et le bailleur "
        "de fonds régional."
    ),
    PAYMENT_FILTERS,
)
class PaymentList(ListView):
    select = selectors.payments
    serializer_class = serializers.PaymentSerializer
    permission_classes = [ReadsFigures]
    filters = PAYMENT_FILTERS
    file_name = "versements"


INDICATOR_FILTERS = (
    on(PLAN, "theme__plan__slug"),
    on(THEME, "theme__slug"),
    Filter("nature", "kind", "choice", _("La nature de l'indicateur."), tuple(SharedIndicator.Kind.values)),
    Filter("en_usage", "is_active", "bool", _("oui : en usage; non : archivés.")),
)


@documented(
    _("Indicateurs partagés"),
    _("Les indicateurs partagés des enjeux de l'alliance, avec leur cible et leur dernière mesure."),
    INDICATOR_FILTERS,
)
class IndicatorList(ListView):
    select = selectors.indicators
    serializer_class = serializers.IndicatorSerializer
    filters = INDICATOR_FILTERS
    file_name = "indicateurs"


BILAN_FILTERS = (on(PLAN, "plan__slug"),)


@documented(
    _("Chiffres du bilan par enjeu"),
    _(
        "Une ligne par enjeu de chaque plan : sa cible, ses projets acceptés, l'argent engagé et versé, l'autre "
        "financement et les contributions des partenaires de ses projets acceptés. Lus par la coordination, le "
        "personnel et le bailleur de fonds régional."
    ),
    BILAN_FILTERS,
)
class BilanList(ListView):
    select = selectors.bilan_themes
    serializer_class = serializers.BilanThemeSerializer
    permission_classes = [ReadsFigures]
    filters = BILAN_FILTERS
    file_name = "bilan"
