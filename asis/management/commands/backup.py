import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asis.backup import BackupFailed, RestoreRefused, backup_create, backup_describe, backups_prune, disk_error


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données et les pièces jointes (MEDIA_ROOT) dans une archive "
        "BACKUP_ROOT/asis-<AAAAMMJJ-HHMMSS>.tar.gz, avec un manifeste (sommes de contrôle, migrations). "
        "--keep N garde les N archives les plus récentes du dossier et supprime les plus anciennes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path, help="Archive à écrire (par défaut, dans BACKUP_ROOT avec la date et l'heure)."
        )
        parser.add_argument(
            "--keep",
            type=int,
            metavar="N",
            help="Après la sauvegarde, garder les N archives asis-….tar.gz les plus récentes du dossier (les autres "
            "fichiers ne sont jamais touchés).",
        )
        parser.add_argument("--database", default="default", help="Alias de la base (default).")

    def handle(self, *args, output, keep, database, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep doit valoir au moins 1.")
        try:
            path = backup_create(to=output, using=database)
        except RestoreRefused as error:
            raise CommandError(str(error)) from error
        except BackupFailed as error:
            raise CommandError(f"Sauvegarde impossible : {error} Aucune archive n'a été écrite.") from error
        except subprocess.CalledProcessError as error:  # pg_dump's own message
            stderr = (error.stderr or "").strip()
            raise CommandError(f"Sauvegarde impossible : {stderr or error}. Aucune archive n'a été écrite.") from error
        except OSError as error:
            raise CommandError(
                f"Sauvegarde impossible : {disk_error(error)}. Aucune archive n'a été écrite."
            ) from error
        files = len(backup_describe(path)["media"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {path} ({path.stat().st_size} octets; base de données et {files} pièce(s) jointe(s))"
            )
        )
        if keep is not None:
            for removed in backups_prune(directory=path.parent, keep=keep):
                self.stdout.write(f"Ancienne sauvegarde supprimée : {removed}")
