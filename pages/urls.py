from django.urls import path

from pages import help, history, views

# Un-namespaced, as they were when the project's URLconf listed them: every template reverses "home", "plan"...
# An alliance's pages (served under /<alliance>/, see alliances/addresses.py)
urlpatterns = [
    # the alliance's home ("home", at "") is « À traiter » for its Coordination and staff (worklist.urls), this
    # overview for everyone else
    path("apercu/", views.overview, name="overview"),
    path("plan/", views.plan_timeline, name="plan"),
    path("enjeux/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("historique/<slug:kind>/<int:pk>/", history.object_history, name="object-history"),
]

# The user guide belongs to no alliance
help_urlpatterns = [
    path("aide/", help.help_index, name="help"),
    path("aide/images/<slug:name>.png", help.help_image, name="help-image"),
    path("aide/<slug:slug>/", help.help_guide, name="help-guide"),
]
