from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class WorklistConfig(AppConfig):
    name = "worklist"
    verbose_name = pgettext_lazy("worklist", "À traiter")
