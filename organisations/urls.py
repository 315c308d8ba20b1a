from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    # Coordination's decisions
    path("organisations/demandes/", views.request_list, name="request-list"),
    path(
        "organisations/demandes/<int:pk>/accepter/", views.membership_request_approve, name="membership-request-approve"
    ),
    path("organisations/demandes/<int:pk>/refuser/", views.membership_request_refuse, name="membership-request-refuse"),
    path("organisations/<int:pk>/approuver/", views.organisation_approve, name="organisation-approve"),
    path("organisations/<int:pk>/refuser/", views.organisation_refuse, name="organisation-refuse"),
    # An organisation's page and its members
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/modifier/", views.organisation_update, name="organisation-update"),
    path("organisations/<int:pk>/membres/inviter/", views.member_invite, name="member-invite"),
    path("organisations/<int:pk>/membres/<int:membership_pk>/retirer/", views.member_remove, name="member-remove"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_cancel,
        name="invitation-cancel",
    ),
    # An invitation, opened by the person invited through the link's secret
    path("invitation/<str:token>/", views.invitation_detail, name="invitation-detail"),
    path("invitation/<str:token>/accepter/", views.invitation_accept, name="invitation-accept"),
    path("invitation/<str:token>/decliner/", views.invitation_decline, name="invitation-decline"),
    path("invitation/<str:token>/creer-un-compte/", views.invitation_register, name="invitation-register"),
]
