from django.urls import path

from worklist import views

# Un-namespaced, as the pages' own: every template reverses "home", the alliance's home (« À traiter » for its
# Coordination and staff, the public overview for everyone else; the overview itself is "overview", pages.urls).
urlpatterns = [
    path("", views.home, name="home"),
]
