from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SustainabilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sustainability"
    verbose_name = _("Après le financement : durabilité et pratiques")
