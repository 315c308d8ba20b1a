from django.urls import path

from organisations import privacy_views, views

app_name = "organisations"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    # Coordination's decisions
    path("organisations/demandes/", views.request_list, name="request-list"),
    path("organisations/demandes/<int:pk>/accepter/", views.membership_request_approve, name="membership-request-approve"),
    path("organisations/demandes/<int:pk>/refuser/", views.membership_request_refuse, name="membership-request-refuse"),
    path("organisations/<int:pk>/approuver/", views.organisation_approve, name="organisation-approve"),
    path("organisations/<int:pk>/refuser/", views.organisation_refuse, name="organisation-refuse"),
    # An organisation's page and its members
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/modifier/", views.organisation_update, name="organisation-update"),
    path("organisations/<int:pk>/membres/inviter/", views.member_invite, name="member-invite"),
    path("organisations/<int:pk>/membres/<int:membership_pk>/retirer/", views.member_remove, name="member-remove"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/", views.invitation_cancel, name="invitation-cancel"
    ),
    # An invitation, opened by the person invited through the link's secret
    path("invitation/<str:token>/", views.invitation_detail, name="invitation-detail"),
    path("invitation/<str:token>/accepter/", views.invitation_accept, name="invitation-accept"),
    path("invitation/<str:token>/decliner/", views.invitation_decline, name="invitation-decline"),
    path("invitation/<str:token>/creer-un-compte/", views.invitation_register, name="invitation-register"),
    # Privacy (Law 25): the public page, a person's consents, Coordination's register
    path("confidentialite/", privacy_views.privacy_policy, name="privacy-policy"),
    path("confidentialite/mes-consentements/", privacy_views.my_consents, name="my-consents"),
    path("organisations/confidentialite/", privacy_views.privacy_request_list, name="privacy-request-list"),
    path("organisations/confidentialite/demandes/<int:pk>/", privacy_views.privacy_request_detail, name="privacy-request-detail"),
    path("organisations/confidentialite/personnes/", privacy_views.privacy_person_search, name="privacy-person-search"),
    path("organisations/confidentialite/incidents/", privacy_views.incident_list, name="incident-list"),
    path("organisations/confidentialite/incidents/nouveau/", privacy_views.incident_create, name="incident-create"),
    path("organisations/confidentialite/incidents/<int:pk>/", privacy_views.incident_detail, name="incident-detail"),
    # a person: « utilisateurs » or « citoyens » (any other kind answers 404)
    path("organisations/confidentialite/<slug:kind>/<int:pk>/", privacy_views.privacy_person_detail, name="privacy-person-detail"),
    path("organisations/confidentialite/<slug:kind>/<int:pk>/demandes/", privacy_views.privacy_request_create, name="privacy-request-create"),
    path("organisations/confidentialite/<slug:kind>/<int:pk>/consentements/", privacy_views.privacy_consents_record, name="privacy-consents-record"),
    path("organisations/confidentialite/<slug:kind>/<int:pk>/export.json", privacy_views.privacy_export_json, name="privacy-export-json"),
    path("organisations/confidentialite/<slug:kind>/<int:pk>/export.csv", privacy_views.privacy_export_csv, name="privacy-export-csv"),
    path("organisations/confidentialite/<slug:kind>/<int:pk>/corriger/", privacy_views.privacy_person_rectify, name="privacy-person-rectify"),
    path("organisations/confidentialite/<slug:kind>/<int:pk>/effacer/", privacy_views.privacy_person_erase, name="privacy-person-erase"),
]
