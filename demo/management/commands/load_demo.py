from django.core.management.base import BaseCommand, CommandError

from asis.templatetags.asis_format import format_money
from budget.models import FundingSource
from chantiers.services import meeting_loads_invalidate
from demo.data import DEMO_PASSWORD, DemoRefused, demo_logins, load_demo_data
from plans.versions import move_all


class Command(BaseCommand):
    help = (
        "Charge les données fictives de démonstration (organisations, citoyens, lieux de concertation, rencontres, "
        "projets, engagements, versements, rapports) de deux alliances (l'ASIS et l'Alliance du Témiscamingue, avec "
        "un plan terminé et un plan en cours) et les six comptes de démonstration. Développement seulement : refuse "
        "de s'exécuter quand DEBUG est désactivé. Idempotent."
    )

    def handle(self, *args, **options):
        try:
            counts = load_demo_data()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        move_all()  # rows written around the services too: every plan's figures are built again
        meeting_loads_invalidate()

        totals = FundingSource.objects.totals()
        done = "Données de démonstration chargées" if counts["created"] else "Données de démonstration déjà présentes"
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} : {counts['alliances']} alliances, {counts['organisations']} organisations, "
                f"{counts['citizens']} citoyens, "
                f"{counts['spaces']} lieux de concertation, {counts['meetings']} rencontres, "
                f"{counts['projects']} projets, {counts['commitments']} engagements, "
                f"{counts['disbursements']} versements, {counts['reports']} rapports d'étape. "
                f"Engagé : {format_money(totals['committed'])} sur {format_money(totals['envelope'])}."
            )
        )
        logins = ", ".join(
            f"{login} ({role}, {organisation})" if organisation else f"{login} ({role})"
            for login, role, organisation in demo_logins()
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) : {logins}")
