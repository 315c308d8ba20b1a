import subprocess
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from asis.backup import RestoreRefused, disk_error, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde faite par « backup » (même moteur de base de données) : la base de données et les "
        "pièces jointes (MEDIA_ROOT), après avoir vérifié chaque somme de contrôle, puis applique les migrations plus "
        "récentes que la sauvegarde. Refuse une base qui contient des données, ou un dossier de pièces jointes qui "
        "contient des fichiers, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="La sauvegarde (backups/asis-….tar.gz; ou .sqlite3, .pgdump).")
        parser.add_argument(
            "--force", action="store_true", help="Remplacer les données et les pièces jointes qui s'y trouvent."
        )
        parser.add_argument("--database", default="default", help="Alias de la base (default).")

    def handle(self, *args, file, force, database, **options):
        try:
            manifest = restore(path=file, using=database, force=force)
        except RestoreRefused as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(f"Restauration impossible : {(error.stderr or '').strip() or error}") from error
        except OSError as error:
            raise CommandError(f"Restauration impossible : {disk_error(error)}") from error
        call_command("migrate", database=database, interactive=False, verbosity=0)
        if manifest is None:
            self.stdout.write(
                self.style.SUCCESS(f"Sauvegarde restaurée : {file} (base de données seulement, sans pièces jointes)")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sauvegarde restaurée : {file} (base de données et {len(manifest['media'])} pièce(s) jointe(s))"
                )
            )
