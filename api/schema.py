"""How the OpenAPI schema describes the API's token (drf-spectacular reads this extension when it is imported:
api.apps.ApiConfig.ready)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "Un jeton émis par la coordination de l'alliance (ou par le bailleur de fonds régional) sur la "
                    "page « Jetons d'accès à l'API » : en-tête « Authorization: Bearer <jeton> »."
                )
            ),
        }
