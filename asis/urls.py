from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from asis import views

admin.site.site_header = _("ASIS — administration")
admin.site.site_title = _("ASIS")
admin.site.index_title = _("Gestion du portail")

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.plan_timeline, name="plan"),
    path("enjeux/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("", include("chantiers.urls")),
    path("", include("budget.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
