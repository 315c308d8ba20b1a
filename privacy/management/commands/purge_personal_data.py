from django.core.management.base import BaseCommand

from privacy.policy import CITIZEN_INACTIVE_YEARS, USER_INACTIVE_YEARS
from privacy.selectors import people_past_retention
from privacy.services import purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise les personnes dont la durée de conservation est passée (Loi 25) : citoyens sans activité depuis "
        f"{CITIZEN_INACTIVE_YEARS} ans, comptes partis ou inactifs depuis {USER_INACTIVE_YEARS} ans. "
        "Chaque anonymisation est notée au journal de confidentialité. --dry-run montre sans rien changer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Afficher qui serait anonymisé, sans rien changer.")

    def handle(self, *args, dry_run=False, **options):
        citizens, users = people_past_retention()
        for person in citizens:
            self.stdout.write(f"citoyen #{person.pk}")
        for person in users:
            self.stdout.write(f"compte #{person.pk}")
        done = purge_personal_data(dry_run=dry_run)
        verb = "à anonymiser (essai, rien n'a changé)" if dry_run else "anonymisés"
        self.stdout.write(
            self.style.SUCCESS(f"{len(done['citizens'])} citoyens et {len(done['users'])} comptes {verb}.")
        )
