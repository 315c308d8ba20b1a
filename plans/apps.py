from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Le plan")

    def ready(self):
        from asis.signals import database_restored, organisation_renamed
        from plans import versions

        database_restored.connect(versions.database_restored, dispatch_uid="plans.versions.database_restored")
        organisation_renamed.connect(versions.organisation_renamed, dispatch_uid="plans.versions.organisation_renamed")
