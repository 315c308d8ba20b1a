from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.services.reminders import report_reminders_send


class Command(BaseCommand):
    help = (
        "Envoie par courriel, à chaque organisation, la liste de ses rapports à remettre d'ici N jours (14 par défaut) "
        "ou en retard; au plus un rappel par échéance et par semaine. Pour une tâche planifiée (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14, help="Rappeler les échéances des N prochains jours (14).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Afficher ce qui serait envoyé, sans rien envoyer ni noter."
        )
        parser.add_argument(
            "--base-url", default="", help="Adresse du portail pour les liens (https://asis.example.org)."
        )

    def handle(self, *args, days, dry_run, base_url, **options):
        try:
            result = report_reminders_send(days=days, dry_run=dry_run, base_url=base_url)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        prefix = "[essai] " if dry_run else ""
        for organisation, deadlines, to in result["organisations"]:
            self.stdout.write(f"{prefix}{organisation.name} : {len(deadlines)} échéance(s) → {', '.join(to)}")
        for organisation in result["without_address"]:
            self.stdout.write(
                self.style.WARNING(f"{prefix}{organisation.name} : aucune adresse courriel, aucun rappel.")
            )
        verb = "à envoyer" if dry_run else "envoyé(s)"
        self.stdout.write(
            f"{prefix}{len(result['organisations'])} courriel(s) {verb}, {result['deadlines']} échéance(s) rappelée(s), "
            f"{len(result['without_address'])} organisation(s) sans adresse."
        )
