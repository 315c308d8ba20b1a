from django.urls import path

from succession import views

app_name = "succession"

urlpatterns = [
    path("plan/terminer/", views.plan_close, name="plan-close"),
    path("plan/suivant/", views.plan_next, name="plan-next"),
]
