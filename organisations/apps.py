from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations et personnes")

    def ready(self):
        from organisations.citizen_accounts import remember_citizen
        from organisations.roles import ensure_role_groups

        # Groups and their permissions exist as soon as the schema does, in every
        # database (development, tests, production), without a manual step.
        post_migrate.connect(ensure_role_groups, dispatch_uid="organisations.ensure_role_groups")
        # A citizen's account is confined to its own pages: which citizen it is, kept in the session at sign-in.
        user_logged_in.connect(remember_citizen, dispatch_uid="organisations.remember_citizen")
