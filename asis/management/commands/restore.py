import subprocess
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from asis.backup import RestoreRefused, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « backup » (même moteur de base de données), puis applique les migrations "
        "plus récentes que la sauvegarde. Refuse une base qui contient des données, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="La sauvegarde (backups/asis-….sqlite3 ou .pgdump).")
        parser.add_argument("--force", action="store_true", help="Remplacer les données d'une base qui n'est pas vide.")
        parser.add_argument("--database", default="default", help="Alias de la base (default).")

    def handle(self, *args, file, force, database, **options):
        try:
            restore(path=file, using=database, force=force)
        except RestoreRefused as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"Restauration impossible : {(error.stderr or '').strip() or error}") from error
        call_command("migrate", database=database, interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde restaurée : {file}"))
