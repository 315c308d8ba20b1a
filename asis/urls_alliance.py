"""The pages that belong to an alliance (and to one of its plans): served under /<alliance>/ (see
alliances/addresses.py). The project's URLconf includes this list; the alliance middleware resolves an address
against it alone to know whether the address belongs to an alliance."""

from django.urls import include, path

urlpatterns = [
    path("", include("worklist.urls")),
    path("", include("pages.urls")),
    path("", include("chantiers.urls")),
    path("", include("projects.urls")),
    path("", include("budget.urls")),
    path("", include("bilan.urls")),
    path("", include("sustainability.urls")),
    path("", include("succession.urls")),
    path("", include("plans.urls")),
    path("", include("outbox.urls")),
    path("", include("api.urls_alliance")),  # the alliance's API tokens
]
