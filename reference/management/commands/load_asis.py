from django.core.management.base import BaseCommand

from asis.templatetags.asis_format import format_money
from budget.models import FundingSource
from plans.versions import move_all
from reference.data import load_reference_data


class Command(BaseCommand):
    help = (
        "Charge les données de référence de l'ASIS (les six enjeux, les deux sources de financement, RNVVS, "
        "le plan et ses cinq principes, les trois activités de mobilisation). Idempotent."
    )

    def handle(self, *args, **options):
        counts = load_reference_data()
        move_all()  # the plan, its themes, sources and years written around the services: its figures are built again
        envelope = FundingSource.objects.totals()["envelope"]
        self.stdout.write(
            self.style.SUCCESS(
                "Données de référence de l'ASIS chargées : "
                f"{counts['themes']} enjeux, {counts['principles']} principes, {counts['plan_years']} années du plan, "
                f"{counts['mobilisation_activities']} activités de mobilisation, {counts['funding_sources']} sources "
                f"de financement (enveloppe de {format_money(envelope)})."
            )
        )
