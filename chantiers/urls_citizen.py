"""A citizen's own pages (issue 21, part 5): of no alliance, under /citoyen/; the link that creates the account."""

from django.urls import path

from chantiers.views import citizen

app_name = "citizen"

urlpatterns = [
    path("citoyen/", citizen.home, name="home"),
    path("citoyen/rencontres/<int:pk>/reponse/", citizen.meeting_respond, name="meeting-respond"),
    path("citoyen/consultations/", citizen.consultation_list, name="consultation-list"),
    path("citoyen/consultations/<int:pk>/", citizen.consultation_answer, name="consultation-answer"),
    path("citoyen/compte/<str:token>/", citizen.account_accept, name="account-accept"),
]
