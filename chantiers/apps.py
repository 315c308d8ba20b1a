from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChantiersConfig(AppConfig):
    name = "chantiers"
    verbose_name = _("Lieux de concertation")
