"""The API's rows. Field names are its columns (JSON keys and CSV headers), stable: tools read them by name, as the
open data's files (bilan/exports.py) whose names they share (titre, enjeu, engage, verse …). Amounts are text with two
decimals ("1250.50"), exact where a JSON number would be read as a float.

Personal information: only who recorded a commitment or a payment (`saisi_par`), and only for the roles that read it
on the pages' history (Coordination and staff); null for the regional funder."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True, "read_only": True}


@extend_schema_field(OpenApiTypes.STR)
class RecordedBy(serializers.Field):
    """The name of whoever recorded the row, for a role that reads it; null otherwise."""

    def __init__(self, **kwargs):
        super().__init__(source="created_by", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, person):
        principal = self.context["request"].user
        if person is None or not principal.sees_everything:
            return None
        return str(person)

    def get_attribute(self, instance):
        return instance.created_by


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    titre = serializers.CharField(source="title", read_only=True)
    resume = serializers.CharField(source="summary", read_only=True)
    plan = serializers.CharField(source="theme.plan.slug", read_only=True, help_text="Le plan, par ses années")
    enjeu = serializers.CharField(source="theme.slug", read_only=True)
    enjeu_nom = serializers.CharField(source="theme.name", read_only=True)
    organisation_porteuse_id = serializers.IntegerField(source="lead_id", read_only=True)
    organisation_porteuse = serializers.CharField(source="lead.name", read_only=True)
    statut = serializers.CharField(source="status", read_only=True)
    statut_libelle = serializers.CharField(source="get_status_display", read_only=True)
    debut = serializers.DateField(source="start_date", read_only=True, allow_null=True)
    fin = serializers.DateField(source="end_date", read_only=True, allow_null=True)
    demande = serializers.DecimalField(source="amount_requested", **MONEY)
    engage = serializers.DecimalField(source="committed", **MONEY)
    verse = serializers.DecimalField(source="paid", **MONEY)
    modifie_le = serializers.DateTimeField(source="updated_at", read_only=True)


class CommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    projet_id = serializers.IntegerField(source="project_id", read_only=True)
    projet = serializers.CharField(source="project.title", read_only=True)
    organisation_porteuse = serializers.CharField(source="project.lead.name", read_only=True)
    plan = serializers.CharField(source="source.plan.slug", read_only=True)
    enjeu = serializers.CharField(source="project.theme.slug", read_only=True)
    source = serializers.CharField(source="source.code", read_only=True)
    bailleur = serializers.CharField(source="source.funder", read_only=True)
    annee = serializers.CharField(source="plan_year.label", read_only=True)
    montant = serializers.DecimalField(source="amount", **MONEY)
    reduit = serializers.DecimalField(source="reduced_total", **MONEY)
    engage = serializers.DecimalField(source="current", **MONEY)
    verse = serializers.DecimalField(source="disbursed_total", **MONEY)
    decide_le = serializers.DateField(source="decided_on", read_only=True)
    resolution = serializers.CharField(source="resolution.number", read_only=True, allow_null=True, default=None)
    reference = serializers.CharField(read_only=True)
    saisi_par = RecordedBy()
    saisi_le = serializers.DateTimeField(source="created_at", read_only=True)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    engagement_id = serializers.IntegerField(source="commitment_id", read_only=True)
    projet_id = serializers.IntegerField(source="commitment.project_id", read_only=True)
    projet = serializers.CharField(source="commitment.project.title", read_only=True)
    plan = serializers.CharField(source="commitment.source.plan.slug", read_only=True)
    enjeu = serializers.CharField(source="commitment.project.theme.slug", read_only=True)
    source = serializers.CharField(source="commitment.source.code", read_only=True)
    montant = serializers.DecimalField(source="amount", **MONEY)
    corrections = serializers.DecimalField(source="correction_total", **MONEY)
    verse = serializers.DecimalField(source="paid", **MONEY)
    verse_le = serializers.DateField(source="paid_on", read_only=True)
    reference = serializers.CharField(read_only=True)
    saisi_par = RecordedBy()
    saisi_le = serializers.DateTimeField(source="created_at", read_only=True)


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    plan = serializers.CharField(source="theme.plan.slug", read_only=True)
    enjeu = serializers.CharField(source="theme.slug", read_only=True)
    indicateur = serializers.CharField(source="name", read_only=True)
    nature = serializers.CharField(source="kind", read_only=True)
    question = serializers.CharField(source="category", read_only=True)
    unite = serializers.CharField(source="unit", read_only=True)
    sens = serializers.CharField(source="direction", read_only=True)
    depart = serializers.DecimalField(source="baseline", allow_null=True, **MONEY)
    depart_au = serializers.DateField(source="baseline_on", read_only=True, allow_null=True)
    cible = serializers.DecimalField(source="target", allow_null=True, **MONEY)
    cible_au = serializers.DateField(source="target_on", read_only=True, allow_null=True)
    source = serializers.CharField(read_only=True)
    en_usage = serializers.BooleanField(source="is_active", read_only=True)
    derniere_valeur = serializers.DecimalField(source="latest_value", allow_null=True, **MONEY)
    derniere_mesure_le = serializers.DateField(source="latest_on", read_only=True, allow_null=True)
    derniere_source = serializers.CharField(source="latest_source", read_only=True, allow_null=True)


class BilanThemeSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.slug", read_only=True)
    enjeu = serializers.CharField(source="slug", read_only=True)
    enjeu_nom = serializers.CharField(source="name", read_only=True)
    cible = serializers.DecimalField(source="target", **MONEY)
    projets_acceptes = serializers.IntegerField(source="accepted_projects", read_only=True)
    engage = serializers.DecimalField(source="committed", **MONEY)
    verse = serializers.DecimalField(source="paid", **MONEY)
    autre_financement = serializers.DecimalField(source="other_funding", **MONEY)
    contributions = serializers.DecimalField(**MONEY)
