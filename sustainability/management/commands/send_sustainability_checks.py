from django.core.management.base import BaseCommand

from sustainability.services import sustainability_checks_send


class Command(BaseCommand):
    help = (
        "Crée les suivis de durabilité dus (6 et 12 mois après le rapport final d'un projet) et les envoie par "
        "courriel à l'organisation porteuse, une seule fois chacun. Tâche quotidienne du worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Afficher ce qui serait envoyé, sans rien créer, envoyer ni noter."
        )
        parser.add_argument(
            "--base-url", default="", help="Adresse du portail pour les liens (https://asis.example.org)."
        )

    def handle(self, *args, dry_run, base_url, **options):
        result = sustainability_checks_send(dry_run=dry_run, base_url=base_url)
        prefix = "[essai] " if dry_run else ""
        for check, to in result["sent"]:
            self.stdout.write(f"{prefix}{check.project.title} ({check.months} mois) → {', '.join(to)}")
        for check in result["without_address"]:
            self.stdout.write(
                self.style.WARNING(f"{prefix}{check.project.lead.name} : aucune adresse courriel, suivi en attente.")
            )
        verb = "à envoyer" if dry_run else "envoyé(s)"
        self.stdout.write(
            f"{prefix}{result['created']} suivi(s) créé(s), {len(result['sent'])} {verb}, "
            f"{len(result['without_address'])} sans adresse."
        )
