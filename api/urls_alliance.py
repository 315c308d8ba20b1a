"""The register of an alliance's API tokens: a page of the alliance (/<alliance>/jetons-api/)."""

from django.urls import path

from api import views_tokens

app_name = "tokens"

urlpatterns = [
    path("jetons-api/", views_tokens.token_list, name="token-list"),
    path("jetons-api/<int:pk>/revoquer/", views_tokens.token_revoke, name="token-revoke"),
]
