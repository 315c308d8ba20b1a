import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from chantiers.services import meeting_loads_invalidate
from demo.volume import VolumeAlreadyGenerated, generate_volume
from plans.versions import move_all


class Command(BaseCommand):
    help = (
        "Ajoute des alliances synthétiques (plans, organisations, lieux, rencontres, projets, rapports, "
        "engagements et versements) pour mesurer le portail. --scale 1 : une alliance de la taille de l'ASIS; "
        "--scale 100 : cent alliances. Reproductible à partir de --seed. À lancer après load_asis; refuse de "
        "s'exécuter deux fois sur la même base sans --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, required=True, help="Nombre d'alliances (fractionnaire : une alliance plus petite)."
        )
        parser.add_argument("--seed", type=int, default=2013, help="Graine du générateur (2013 par défaut).")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Jour de référence des rencontres (AAAA-MM-JJ; aujourd'hui par défaut) : 12 mois avant, 2 mois après.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Ajouter des alliances même si la base en contient déjà."
        )
        parser.add_argument(
            "--into-current",
            action="store_true",
            help="Grossir le plan courant plutôt qu'ajouter des alliances : une seule très grande alliance (--scale fois "
            "l'ASIS) dans ses enjeux et ses années, avec une source de financement générée à sa mesure.",
        )

    def handle(self, *args, scale, seed, today, force, into_current, **options):
        if scale <= 0:
            raise CommandError("--scale doit être positif.")
        started = time.perf_counter()
        log = (lambda line: self.stdout.write(line)) if options["verbosity"] > 1 else None
        try:
            counts = generate_volume(
                scale=scale, seed=seed, today=today, force=force, log=log, into_current=into_current
            )
        except VolumeAlreadyGenerated as error:
            raise CommandError(str(error)) from error
        # Rows written around the services (bulk_create): every plan's figures and every alliance's
        # hyperconcertation figures are built again.
        move_all()
        meeting_loads_invalidate()
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Volume généré (échelle {scale:g}, graine {seed}) en {time.perf_counter() - started:.1f} s : {summary}."
            )
        )
