from django.core.management.base import BaseCommand

from notifications.services import notification_digests_send


class Command(BaseCommand):
    help = (
        "Envoie les résumés d'avis par courriel : les résumés quotidiens chaque jour, les hebdomadaires le lundi; "
        "un courriel par personne, dans sa langue. Un avis envoyé ne repart jamais. Pour le worker (tâche planifiée)."
    )

    def handle(self, *args, **options):
        result = notification_digests_send()
        self.stdout.write(
            f"{result['emails']} résumé(s) envoyé(s), {result['notices']} avis, "
            f"{result['dropped']} avis écarté(s) (« Aucun courriel » ou personne sans adresse)."
        )
