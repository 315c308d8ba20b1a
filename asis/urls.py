from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from asis import views
from organisations import views as organisation_views
from organisations.forms import PasswordResetForm
from pages.urls import help_urlpatterns

admin.site.site_header = _("ASIS — administration")
admin.site.site_title = _("ASIS")
admin.site.index_title = _("Gestion du portail")

urlpatterns = [
    # An alliance's pages, under /<alliance>/ too (asis/urls_alliance.py, alliances/addresses.py)
    path("", include("asis.urls_alliance")),
    path("", include(help_urlpatterns)),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("organisations.urls")),
    path("", include("privacy.urls")),
    path("", include("notifications.urls")),  # a person's own choices of e-mail, and the unsubscribe link
    path("", include("chantiers.urls_citizen")),
    path(
        "", include("api.urls")
    ),  # the read API (/api/v1/…) and its documentation (/api/)  # a citizen's own pages (issue 21, part 5), of no alliance
    path(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("mot-de-passe/oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/change/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("mot-de-passe/modifier/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/modifie/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Django's switcher (django.conf.urls.i18n), which also keeps a logged-in person's choice for their e-mails
    path("i18n/setlang/", organisation_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
]

# The 500 page without the request: no context processor, no query (asis/errors.py)
handler500 = "asis.errors.server_error"
