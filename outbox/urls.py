from django.urls import path

from outbox import views

app_name = "outbox"
urlpatterns = [
    path("courriels/", views.email_list, name="email-list"),
    path("courriels/<int:pk>/renvoyer/", views.email_resend, name="email-resend"),
]
