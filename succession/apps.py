from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuccessionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "succession"
    verbose_name = _("La succession des plans")
