from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Vie privée (Loi 25)")

    def ready(self):
        from organisations.contact import contact_shared_register
        from privacy.selectors import users_sharing_contact

        # The organisation's page shows a member's e-mail to the other members only with their consent.
        contact_shared_register(users_sharing_contact)
