"""« Mes avis par courriel » (a person's own choices) and the one-click unsubscribe link of every notification
e-mail (issue 21, part 4)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Frequency, Kind


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """The signed-in person's own choices, one frequency per kind: nobody else's are ever shown or written here."""
    form = PreferencesForm(request.POST or None, initial=services.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Vos choix d'avis par courriel sont enregistrés."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The signed token is the proof: the link reaches its person by e-mail, and RFC 8058's one-click unsubscribe is a POST
# from the mail client, which holds no CSRF cookie. The POST does one thing only (turns the named kinds off for the
# named person) and an altered token is refused. csrf_exempt for this view alone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: one button; POST (the button, or the mail client's one click): no more e-mail of the token's kinds for
    its person, without signing in. The button's POST redirects to the page, which says it is done; the mail client's
    (RFC 8058: a body of List-Unsubscribe=One-Click) gets a 200 and a line of text. A bad or altered token: a French
    400 page."""
    read = services.unsubscribe_read(token)
    user = None
    if read is not None:
        user = get_user_model().objects.filter(pk=read[0], is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    kinds = read[1]
    if request.method == "POST":
        services.unsubscribe(user=user, kinds=kinds)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Désabonnement fait."), content_type="text/plain; charset=utf-8")
        return redirect(request.path + "?fait=1")
    preferences = services.preferences_of(user)
    done = "fait" in request.GET and all(preferences[kind] == Frequency.NONE for kind in kinds)
    labels = [Kind(kind).label for kind in kinds]
    return render(request, "notifications/unsubscribe.html", {"kinds": labels, "done": done})
