from django.core.management.base import BaseCommand, CommandError

from budget.figures_check import figures_mismatches, figures_rewrite


class Command(BaseCommand):
    help = (
        "Recalcule chaque total tenu (figures : argent par enjeu, année, source et statut; projets, personnes "
        "rejointes, autre financement et contributions des partenaires par enjeu et statut; rencontres et présences "
        "par enjeu et par plan, jour par jour; échéances de rapport reçues; l'engagé de chaque projet; le plan de "
        "chaque rapport et de chaque versement prévu) à partir des lignes qu'il somme et échoue, en nommant chaque "
        "écart, si l'un diffère. --fix les réécrit. Pour une tâche planifiée (cron, le worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Réécrit les totaux à partir des lignes.")

    def handle(self, *args, fix=False, **options):
        problems = figures_mismatches()
        if problems and fix:
            figures_rewrite()
            for problem in problems:
                self.stdout.write(problem)
            self.stdout.write(self.style.SUCCESS(f"{len(problems)} total(aux) réécrit(s) à partir des lignes."))
            return
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} total(aux) tenu(s) ne correspondent pas aux lignes.")
        self.stdout.write(self.style.SUCCESS("Tous les totaux tenus correspondent aux lignes."))
