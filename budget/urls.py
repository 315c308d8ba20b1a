from django.urls import path

from budget import change_request_views, views, views_contribution, views_resolutions

app_name = "budget"

urlpatterns = [
    # The money workspace (issue 23): the overview and its sub-pages
    path("enveloppe/", views.envelope, name="envelope"),
    path("enveloppe/engagements/", views.commitments, name="commitments"),
    path("enveloppe/versements/", views.payments, name="payments"),
    path("enveloppe/graphiques/", views.charts, name="charts"),
    path("enveloppe/engagements/nouveau/", views.commitment_create, name="commitment-create"),
    path("enveloppe/engagements/<int:pk>/versements/nouveau/", views.disbursement_create, name="disbursement-create"),
    path("enveloppe/engagements/<int:pk>/reduire/", views.commitment_reduce, name="commitment-reduce"),
    # Targets per theme and per year, reallocations and carry-overs
    path("enveloppe/cibles/", views.targets, name="targets"),
    path("enveloppe/cibles/deplacer/", views.target_move, name="target-move"),
    # Agreements and their payment schedules
    path("enveloppe/conventions/", views.agreement_list, name="agreement-list"),
    path("enveloppe/conventions/nouvelle/", views.agreement_create, name="agreement-create"),
    path("enveloppe/conventions/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("enveloppe/conventions/<int:pk>/rapports/nouveau/", views.report_deadline_add, name="report-deadline-add"),
    path("enveloppe/conventions/<int:pk>/versements/nouveau/", views.planned_payment_add, name="planned-payment-add"),
    path(
        "enveloppe/conventions/<int:pk>/versements/<int:planned_pk>/annuler/",
        views.planned_payment_cancel,
        name="planned-payment-cancel",
    ),
    path(
        "enveloppe/conventions/<int:pk>/versements/<int:planned_pk>/verser/",
        views.planned_payment_release,
        name="planned-payment-release",
    ),
    # The board's resolutions every amount comes from (issue 20)
    path("enveloppe/resolutions/", views_resolutions.resolution_list, name="resolution-list"),
    path("enveloppe/resolutions/nouvelle/", views_resolutions.resolution_create, name="resolution-create"),
    path("enveloppe/resolutions/<int:pk>/", views_resolutions.resolution_detail, name="resolution-detail"),
    # Change requests and amendments (issue 20, part 4)
    path(
        "enveloppe/conventions/<int:pk>/modifications/nouvelle/",
        change_request_views.change_request_create,
        name="change-request-create",
    ),
    path("enveloppe/modifications/", change_request_views.change_request_list, name="change-request-list"),
    path("enveloppe/modifications/seuil/", change_request_views.change_settings, name="change-settings"),
    path("enveloppe/modifications/<int:pk>/", change_request_views.change_request_detail, name="change-request-detail"),
    path(
        "enveloppe/modifications/<int:pk>/decider/",
        change_request_views.change_request_decide,
        name="change-request-decide",
    ),
    # Concertation as a contribution (issue 21, part 3): the valued time's hourly rate, the support to citizens
    path("enveloppe/contribution/", views_contribution.contribution, name="contribution"),
    path("enveloppe/contribution/taux/", views_contribution.contribution_rate_set, name="contribution-rate-set"),
    path(
        "enveloppe/contribution/soutiens/nouveau/",
        views_contribution.participation_support_record,
        name="participation-support-record",
    ),
    path(
        "enveloppe/contribution/soutiens/<int:pk>/annuler/",
        views_contribution.participation_support_cancel,
        name="participation-support-cancel",
    ),
    # Corrections, history, a project's budget
    path("enveloppe/versements/<int:pk>/corriger/", views.disbursement_correct, name="disbursement-correct"),
    path("enveloppe/historique/", views.history, name="history"),
    path("enveloppe/projets/<int:pk>/", views.project_budget, name="project-budget"),
]
