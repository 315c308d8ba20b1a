from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BilanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bilan"
    verbose_name = _("Bilan et données ouvertes")
