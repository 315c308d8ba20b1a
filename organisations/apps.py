from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations et personnes")

    def ready(self):
        from organisations.roles import ensure_role_groups

        # Groups and their permissions exist as soon as the schema does, in every
        # database (development, tests, production), without a manual step.
        post_migrate.connect(ensure_role_groups, dispatch_uid="organisations.ensure_role_groups")
