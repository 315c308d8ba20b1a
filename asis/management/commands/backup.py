from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asis.backup import RestoreRefused, backup_create


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base de données dans backups/asis-<AAAAMMJJ-HHMMSS>.sqlite3 (SQLite, API de sauvegarde) "
        "ou .pgdump (PostgreSQL, pg_dump --format=custom) : historique, types de contenu et permissions compris."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path, help="Fichier à écrire (par défaut, dans backups/ avec la date et l'heure)."
        )
        parser.add_argument("--database", default="default", help="Alias de la base (default).")

    def handle(self, *args, output, database, **options):
        try:
            path = backup_create(to=output, using=database)
        except RestoreRefused as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Sauvegarde impossible : {error}") from error
        except Exception as error:  # pg_dump's own message (CalledProcessError)
            stderr = getattr(error, "stderr", "") or ""
            raise CommandError(f"Sauvegarde impossible : {stderr.strip() or error}") from error
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite : {path} ({path.stat().st_size} octets)"))
