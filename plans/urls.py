from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    # The shared indicators per theme (issue 21, part 1): under the plan the address names
    path("plan/indicateurs-partages/", views.shared_indicator_list, name="shared-indicator-list"),
    path("plan/indicateurs-partages/nouveau/", views.shared_indicator_create, name="shared-indicator-create"),
    path("plan/indicateurs-partages/<int:pk>/modifier/", views.shared_indicator_update, name="shared-indicator-update"),
    path(
        "plan/indicateurs-partages/<int:pk>/archiver/", views.shared_indicator_archive, name="shared-indicator-archive"
    ),
    path(
        "plan/indicateurs-partages/<int:pk>/reactiver/", views.shared_indicator_restore, name="shared-indicator-restore"
    ),
    path("plan/indicateurs-partages/<int:pk>/mesure/", views.shared_indicator_measure, name="shared-indicator-measure"),
]
