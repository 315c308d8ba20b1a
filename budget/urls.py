from django.urls import path

from budget import views

app_name = "budget"

urlpatterns = [
    path("enveloppe/", views.envelope, name="envelope"),
    path("enveloppe/engagements/nouveau/", views.commitment_create, name="commitment-create"),
    path("enveloppe/engagements/<int:pk>/versements/nouveau/", views.disbursement_create, name="disbursement-create"),
    path("enveloppe/engagements/<int:pk>/reduire/", views.commitment_reduce, name="commitment-reduce"),
    # ledger: corrections, history, project budget
    path("enveloppe/versements/<int:pk>/corriger/", views.disbursement_correct, name="disbursement-correct"),
    path("enveloppe/historique/", views.history, name="history"),
    path("enveloppe/projets/<int:pk>/", views.project_budget, name="project-budget"),
]
