from django.core.management.base import BaseCommand, CommandError

from budget.selectors.changes import amendments_mismatches
from budget.selectors.ledger import resolution_mismatches, totals_mismatches
from projects.selectors.budget_lines import budget_lines_mismatches


class Command(BaseCommand):
    help = (
        "Recalcule chaque solde (sources, engagements) à partir des écritures et échoue, en nommant l'écart, "
        "si quelque chose ne balance pas ou si un montant renvoie à une résolution d'une autre alliance; de même, "
        "la demande de chaque projet détaillé par ligne (total et années), les dépenses des rapports détaillés par "
        "ligne, et les avenants (numérotés sans trou, total inchangé, lignes qui font le total). Pour une tâche "
        "planifiée (cron)."
    )

    def handle(self, *args, **options):
        problems = totals_mismatches() + budget_lines_mismatches() + amendments_mismatches()
        resolutions = resolution_mismatches()
        for problem in problems + resolutions:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} solde(s) ne correspondent pas aux écritures.")
        if resolutions:
            raise CommandError(f"{len(resolutions)} montant(s) renvoient à une résolution d'une autre alliance.")
        self.stdout.write(self.style.SUCCESS("Tous les soldes correspondent aux écritures."))
