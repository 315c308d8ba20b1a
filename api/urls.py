"""The read API (/api/…, of no alliance: a token says its alliance) and its documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import documentation, views
from api.throttling import AnonymousRateThrottle

app_name = "api"

urlpatterns = [
    path("api/", documentation.documentation, name="documentation"),
    path(
        "api/v1/schema/",
        SpectacularAPIView.as_view(
            authentication_classes=[], permission_classes=[], throttle_classes=[AnonymousRateThrottle]
        ),
        name="schema",
    ),
    path("api/v1/projets/", views.ProjectList.as_view(), name="projects"),
    path("api/v1/engagements/", views.CommitmentList.as_view(), name="commitments"),
    path("api/v1/versements/", views.PaymentList.as_view(), name="payments"),
    path("api/v1/indicateurs/", views.IndicatorList.as_view(), name="indicators"),
    path("api/v1/bilan/", views.BilanList.as_view(), name="bilan"),
]
