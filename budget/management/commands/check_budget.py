from django.core.management.base import BaseCommand, CommandError

from budget.selectors.changes import amendments_mismatches
from budget.selectors.ledger import totals_mismatches
from projects.selectors.budget_lines import budget_lines_mismatches


class Command(BaseCommand):
    help = (
        "Recalcule chaque solde (sources, engagements) à partir des écritures et échoue, en nommant l'écart, "
        "si quelque chose ne balance pas; de même, la demande de chaque projet détaillé par ligne (total et années) "
        "et les dépenses des rapports détaillés par ligne, et les avenants (numérotés sans trou, total inchangé, "
        "lignes qui font le total). Pour une tâche planifiée (cron)."
    )

    def handle(self, *args, **options):
        problems = totals_mismatches() + budget_lines_mismatches() + amendments_mismatches()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} solde(s) ne correspondent pas aux écritures.")
        self.stdout.write(self.style.SUCCESS("Tous les soldes correspondent aux écritures."))
