from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    # Sign-up: an account, its organisation or request to join one, and its consents
    # Sign-up in steps (its answers kept in the session until the review sends them)
    path("inscription/", views.signup, name="signup"),
    path("inscription/organisation/", views.signup_organisation, name="signup-organisation"),
    path("inscription/vous/", views.signup_person, name="signup-person"),
    path("inscription/consentements/", views.signup_consents, name="signup-consents"),
    path("inscription/verifier/", views.signup_review, name="signup-review"),
    # Privacy (Law 25): the public page, a person's consents, Coordination's register
    path("confidentialite/", views.privacy_policy, name="privacy-policy"),
    path("confidentialite/mes-consentements/", views.my_consents, name="my-consents"),
    path("organisations/confidentialite/", views.privacy_request_list, name="privacy-request-list"),
    path(
        "organisations/confidentialite/demandes/<int:pk>/", views.privacy_request_detail, name="privacy-request-detail"
    ),
    path("organisations/confidentialite/personnes/", views.privacy_person_search, name="privacy-person-search"),
    path("organisations/confidentialite/incidents/", views.incident_list, name="incident-list"),
    path("organisations/confidentialite/incidents/nouveau/", views.incident_create, name="incident-create"),
    path("organisations/confidentialite/incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    # a person: « utilisateurs » or « citoyens » (any other kind answers 404)
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/", views.privacy_person_detail, name="privacy-person-detail"
    ),
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/demandes/",
        views.privacy_request_create,
        name="privacy-request-create",
    ),
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/consentements/",
        views.privacy_consents_record,
        name="privacy-consents-record",
    ),
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/export.json",
        views.privacy_export_json,
        name="privacy-export-json",
    ),
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/export.csv",
        views.privacy_export_csv,
        name="privacy-export-csv",
    ),
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/corriger/",
        views.privacy_person_rectify,
        name="privacy-person-rectify",
    ),
    path(
        "organisations/confidentialite/<slug:kind>/<int:pk>/effacer/",
        views.privacy_person_erase,
        name="privacy-person-erase",
    ),
]
