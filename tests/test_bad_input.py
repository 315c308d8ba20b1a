"""Bad input never breaks the portal (issue 8): random Unicode, huge strings, negative, huge and
malformed amounts, bad dates and unknown ids, thrown (hypothesis) at every form and every URL parameter.

The forms are found, not listed: every page of the authorization matrix is opened by a partner,
Coordination and an anonymous visitor, and every form that posts is collected with its fields as
rendered (empty fields get a plausible value by their type, so that one bad value at a time reaches
the form's and the service's rules). Then, for each form:

- never a 500 (the client answers errors instead of raising them);
- an answer that shows the form again shows a French error on it, and nothing was saved;
- a refusal (403, 404, 405) saved nothing; only a redirect (success) may change rows;
- the bad value never comes back as live markup.

`FUZZ_EXAMPLES` (default 6) sets the examples per form and per page; `FUZZ_EXAMPLES=50` for a long run.
"""

import copy
import datetime
import os
import time
import traceback
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.fuzzing import (
    RowWatch,
    base_data,
    demo_clients,
    fingerprint,
    is_html,
    matrix_urls,
    page_forms,
)
from tests.test_escaping import LIVE_MARKUP

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=max(EXAMPLES, 1),
    deadline=None,
    database=None,
    derandomize=True,
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first
)  # bad example is reported as it was drawn (shrinking a form post costs hundreds of requests)
# Who posts: a partner (its own organisation and projects), Coordination (everything else) and an
# anonymous visitor (sign-up, login, password reset).
POSTERS = ("anonymous", "partenaire", "coordination", "coordination2")  # and the second alliance's coordinator
# Not fuzzed: logging out and choosing the language change the session only, and would end the run.
SKIPPED_ACTIONS = {"logout", "set_language"}
# Downloads that are POSTs because they are logged (Law 25: who exported whose data): their 200 writes that log.
LOGGED_DOWNLOADS = {"privacy:privacy-export-json", "privacy:privacy-export-csv"}
DOWNLOAD_LOG = {"privacy.PrivacyAction", "asis.KeptVersion"}
HUGE = "x" * 100_000
BAD_STRINGS = (
    # amounts
    "-1",
    "0",
    "-0.01",
    "1e400",
    "-1e400",
    "NaN",
    "Infinity",
    "-Infinity",
    "12,345.67",
    "1 234,56 $",
    "1.234,56",
    "99999999999999999999",
    "0.001",
    "1e-7",
    "١٢٣",
    "½",
    "²",
    "1e30",
    "9" * 40,
    "-" + "9" * 40,
    "1_000",
    "１２３",
    "१२३",
    "1,000",
    "+-1",  # issue 15: huge, underscores, ambiguous
    # dates
    "2026-02-30",
    "31/12/2026",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "24:61",
    # ids
    "0",
    str(2**31),
    str(2**63),
    str(2**63 - 1),
    str(2**64),
    "-9223372036854775809",
    "abc",
    "1.5",
    "1e3",
    # strings
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eabc",
    "🙂" * 40,
    "é" * 300,
    HUGE,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% now 'Y' %}",
    "' OR 1=1 --",
    "%00",
    "\\",
    "\r\n",
)
BAD_VALUE = st.one_of(
    st.sampled_from(BAD_STRINGS),
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda day: day.isoformat()),
)
BAD_FILE = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(["rapport.pdf", "photo.png", "x.exe", "../../etc/passwd", "é" * 300 + ".pdf", ".pdf", "a.xlsx"]),
    st.one_of(st.binary(max_size=200), st.sampled_from([b"%PDF-1.4 <script>", b"PK\x03\x04garbage", b""])),
)
# A form page that answers 200 without an error by design: a preview before the real save.
PREVIEWS = {"bilan:progress-import", "chantiers:meeting-create", "chantiers:meeting-update"}
ERROR_MARKERS = ("is-invalid", "invalid-feedback", "alert-danger", "errorlist", "alert-warning")
ENGLISH_ERRORS = ("This field is required", "Enter a valid", "Ensure this value", "Select a valid choice")


def _log(line):
    """FUZZ_LOG=path follows a long run."""
    if path := os.environ.get("FUZZ_LOG"):
        with open(path, "a") as log:
            log.write(line + "\n")


PLAUSIBLE = {  # an empty field gets a value by its input type, so that the other fields' rules are reached
    "date": "2014-06-02",
    "time": "09:00",
    "number": "1",
    "email": "fuzz@example.org",
    "url": "https://example.org/",
    "tel": "819 555-0100",
    "password": "un-mot-de-passe-2013",
}
BY_NAME = (  # ... or by its name, first match
    ("amount", "100,00"),
    ("expenses", "100,00"),
    ("new_amount", ""),
    ("delta", "-0,01"),
    ("indicator_", "12"),
    ("postal_code", "J9X 1A1"),
    ("end_time", "11:00"),
    ("old_password", "demo-asis-2013"),
)
# Forms whose rules need a value no type or name gives: a meeting is scheduled within the year.
OVERRIDES = {
    "chantiers:meeting-create": lambda: {"date": (timezone.localdate() + datetime.timedelta(days=7)).isoformat()},
}


def plausible(form) -> dict:
    data = base_data(form)
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if kind in ("submit", "button", "reset", "file", "checkbox", "radio", "hidden", "select"):
            continue
        if (data.get(name) or "").strip():
            continue
        by_name = next((value for word, value in BY_NAME if word in name), None)
        data[name] = by_name if by_name is not None else PLAUSIBLE.get(kind, "Texte d'essai")
    # A group of radios with none checked, or of several checkboxes (a multiple choice) with none: the first
    groups = {}
    for field in form["fields"]:
        if field["type"] in ("radio", "checkbox"):
            groups.setdefault((field["name"], field["type"]), []).append(field["value"])
    for (name, kind), values in groups.items():
        if name not in data and (kind == "radio" or len(values) > 1):
            data[name] = values[0]
    if override := OVERRIDES.get(form["url_name"]):
        data.update(override())
    return data


# The forms found on the demo, per test process, under what they were found on: the same rows (every row's
# fingerprint), day and database. Four guards start from them; walking every page of four roles again for each one
# found the same forms. A copy is handed out: a test may change its forms.
_discovered: dict = {}


def discover_forms(clients) -> dict:
    """(url name, role) -> the first form that posts there, found on the pages the role may open."""
    key = (connection.vendor, timezone.localdate(), tuple(sorted(fingerprint().items())))
    if key not in _discovered:
        _discovered[key] = _discover_forms(clients)
    return copy.deepcopy(_discovered[key])


def _discover_forms(clients) -> dict:
    forms = {}
    for _name, path, role in matrix_urls(roles=POSTERS, pages_only=True):
        response = clients[role].get(path)
        if not is_html(response):
            continue
        for form in page_forms(response, path):
            if form["method"] == "post" and form["url_name"] not in SKIPPED_ACTIONS:
                forms.setdefault((form["url_name"], role), form)
    return forms


class Rows(RowWatch):
    """The fingerprint of every row after each POST (tests/fuzzing.RowWatch), and the statuses answered."""

    def __init__(self):
        super().__init__()
        self.statuses = Counter()


def _form_errors(response) -> dict:
    errors = {}
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if getattr(value, "is_bound", False) and isinstance(getattr(value, "errors", None), dict) and value.errors:
                errors.update({k: [str(m)[:80] for m in v] for k, v in value.errors.items()})
    return errors


def check_post(rows, client, form, data, files=None) -> list[str]:
    """What is wrong with the answer to one POST (nothing when the portal behaved)."""
    url = form["path"] + (f"?{form['query']}" if form["query"] else "")
    response = client.post(url, {**data, **(files or {})})
    status = response.status_code
    rows.statuses[status] += 1
    rows.last_errors = _form_errors(response)
    moved = rows.moved()
    shown = {
        k: (v if len(str(v)) < 60 else f"{str(v)[:20]}…({len(str(v))} chars)")
        for k, v in data.items()
        if k != "csrfmiddlewaretoken"
    }
    where = f"{form['url_name']} {url} {shown}"
    if status >= 500:
        exc = getattr(response, "exc_info", None)
        detail = "".join(traceback.format_exception(*exc)[-3:]) if exc else ""
        return [f"{where}: {status}\n{detail}"]
    problems = []
    logged_download = form["url_name"] in LOGGED_DOWNLOADS and status == 200 and set(moved) <= DOWNLOAD_LOG
    if status != 302 and moved and not logged_download:
        problems.append(f"{where}: {status} but rows changed in {moved}")
    if is_html(response):
        text = response.content.decode()
        if found := [marker for marker in LIVE_MARKUP if marker in text]:
            problems.append(f"{where}: live markup {found}")
        if status in (200, 400):  # the form again (400: the review and report pages say so in the status)
            preview = status == 200 and form["url_name"] in PREVIEWS
            if not preview and not any(marker in text for marker in ERROR_MARKERS):
                problems.append(f"{where}: {status} without an error message")
            if english := [phrase for phrase in ENGLISH_ERRORS if phrase in text]:
                problems.append(f"{where}: English error {english}")
    return problems


def fuzz_form(rows, client, form) -> list[str]:
    base = plausible(form)
    names = [name for name in base if name != "csrfmiddlewaretoken"]
    file_names = [field["name"] for field in form["fields"] if field["type"] == "file"]
    problems = check_post(rows, client, form, base)
    _log(f"  {form['url_name']} base: {rows.last_errors}")
    if not EXAMPLES or (not names and not file_names):
        return problems

    @FUZZ
    @given(
        chosen=st.lists(st.sampled_from(names or [""]), min_size=1, max_size=3, unique=True),
        values=st.lists(BAD_VALUE, min_size=3, max_size=3),
        upload=st.one_of(st.none(), BAD_FILE),
    )
    def run(chosen, values, upload):
        data = dict(base)
        for name, value in zip(chosen, values):
            if name:
                data[name] = value
        files = dict.fromkeys(file_names, upload) if upload is not None else {}
        if upload is not None:
            upload.seek(0)
        found = check_post(rows, client, form, data, files)
        if found:
            problems.extend(found)
            raise AssertionError(found[0])

    try:
        run()
    except AssertionError:
        pass  # the problems are collected; hypothesis has shrunk the first one to its simplest example
    return problems


@pytest.mark.django_db
@pytest.mark.guard
def test_every_form_survives_bad_input():
    clients = demo_clients(raise_request_exception=False)
    forms = discover_forms(clients)
    # The forms the brief names, each found on a page (a form that disappears is noticed here)
    found = {name for name, _role in forms}
    expected = {
        "privacy:signup",
        "organisations:organisation-update",
        "organisations:member-invite",
        "projects:project-intention-create",
        "projects:project-create",
        "projects:project-update",
        "projects:project-comment-create",
        "projects:report-create",
        "projects:report-create-final",
        "chantiers:space-create",
        "chantiers:space-update",
        "chantiers:space-member-add",
        "chantiers:space-citizen-add",
        "chantiers:meeting-create",
        "chantiers:meeting-attendance",
        "chantiers:decision-create",
        "chantiers:threshold-update",
        "projects:criterion-create",
        "projects:board-decision-create",
        "projects:project-request-changes",
        "budget:commitment-create",
        "budget:disbursement-create",
        "budget:commitment-reduce",
        "budget:disbursement-correct",
        "budget:agreement-create",
        "budget:report-deadline-add",
        "budget:planned-payment-add",
        "budget:planned-payment-cancel",
        "budget:targets",
        "budget:target-move",
        "bilan:progress-import",
    }
    assert expected <= found, f"forms not found on any page: {sorted(expected - found)}"
    problems, rows = [], Rows()
    for (name, role), form in sorted(forms.items()):
        started = time.monotonic()
        rows.statuses.clear()
        found = fuzz_form(rows, clients[role], form)
        _log(f"{name} as {role}: {len(found)} problems in {time.monotonic() - started:.1f} s {dict(rows.statuses)}")
        problems += found
    assert not problems, f"{len(problems)} problems:\n" + "\n\n".join(problems[:40])


# ---- URL parameters

BAD_IDS = ("0", str(2**63 - 1), str(2**63), "9" * 30)  # unknown, the largest bigint, one more, far beyond


def patterns_with_ids():
    """(url name, route with its converters) for every pattern of the URLconf that takes an id."""

    def walk(patterns, namespace=None, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.pattern.converters:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, prefix + str(pattern.pattern), pattern.pattern.converters

    return list(walk(get_resolver().url_patterns))


@pytest.mark.django_db
@pytest.mark.guard
def test_unknown_and_huge_ids_are_not_found():
    """Every URL with an id, each id unknown, 2**63 or longer: 404 (or 405), never a 500."""
    import re

    clients = demo_clients(raise_request_exception=False)
    broken = []
    for name, route, converters in patterns_with_ids():
        for bad in BAD_IDS:
            path = "/" + route
            for key, converter in converters.items():
                value = (
                    bad
                    if converter.__class__.__name__ == "IntConverter"
                    else {
                        "SlugConverter": "inconnu",
                        "UUIDConverter": "00000000-0000-4000-8000-000000000000",
                        "StringConverter": "inconnu",
                    }.get(converter.__class__.__name__, "inconnu")
                )
                path = re.sub(r"<(?:\w+:)?" + key + ">", value, path)
            for method in ("get", "post"):  # as Coordination, who passes every access check and reaches the lookup
                response = getattr(clients["coordination"], method)(path)
                if response.status_code >= 500:
                    broken.append(f"{method.upper()} {path} ({name}): {response.status_code}")
    assert not broken, "\n".join(broken)


QUERY_NAMES = (
    "page",
    "projets",
    "projet",
    "type",
    "de",
    "tout",
    "statut",
    "enjeu",
    "tri",
    "ordre",
    "periode",
    "du",
    "au",
    "lieu",
    "organisation",
    "source",
    "q",
    "start",
    "end",
    "annee",
)


def _coordination_first(url):
    name, _path, role = url
    return (name, role != "coordination")


# Each page also gets every parameter at once with each of these (hypothesis mixes them at random after).
SWEEP = ("²", "\x00", "abc", "-1", str(2**64), "2026-02-30", "x" * 10_000, "<script>alert(1)</script>")


def fuzz_page(client, where, path, names) -> list[str]:
    problems = []
    for value in SWEEP:
        response = client.get(path, dict.fromkeys(names, value))
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            detail = "".join(traceback.format_exception(*exc)[-3:]) if exc else ""
            problems.append(f"GET {where} every parameter={value[:20]!r}: {response.status_code}\n{detail}")

    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(names), BAD_VALUE, min_size=1, max_size=4))
    def run(params):
        response = client.get(path, params)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            detail = "".join(traceback.format_exception(*exc)[-3:]) if exc else ""
            short = {k: v[:30] for k, v in params.items()}
            problems.append(f"GET {where} {short}: {response.status_code}\n{detail}")
            raise AssertionError(problems[-1])
        if is_html(response) and (found := [m for m in LIVE_MARKUP if m in response.content.decode()]):
            problems.append(f"GET {where}: live markup {found}")
            raise AssertionError(problems[-1])

    try:
        run()
    except AssertionError:
        pass
    return problems


@pytest.mark.django_db
@pytest.mark.guard
def test_odd_query_parameters_never_break_a_page():
    """Every page a role may open, with random query parameters (those the views read and those their
    GET forms send): never a 500, never the value as live markup."""
    clients = demo_clients(raise_request_exception=False)
    pages = []
    names = set(QUERY_NAMES)
    seen = set()
    for name, path, role in sorted(
        matrix_urls(roles=("partenaire", "coordination"), pages_only=True), key=_coordination_first
    ):
        if name in seen:  # one object and one role per page: Coordination, which reads every parameter
            continue
        seen.add(name)
        response = clients[role].get(path)
        if response.status_code != 200:
            continue
        pages.append((name, path, role))
        if is_html(response):
            for form in page_forms(response, path):
                if form["method"] == "get":
                    names.update(field["name"] for field in form["fields"] if field["type"] not in ("submit", "button"))
    names = sorted(names)
    problems = []

    for name, path, role in pages:
        _log(f"GET {name}")
        problems += fuzz_page(clients[role], f"{path} ({name}) as {role}", path, names)
    assert not problems, "\n\n".join(problems[:40])


# ---- What the fuzzing found, pinned (fast: the cast, not the demo)


@pytest.fixture
def space(cast, theme):
    from chantiers.services import space_create, space_seat_citizen

    space = space_create(
        themes=[theme], name="Chantier logement", lead_organisation=cast.org_a, coordinator=cast.coordinator
    )
    space_seat_citizen(space=space, citizen=f.make_citizen())
    return space


@pytest.mark.parametrize("field", ["users", "citizens", "organisations"])
@pytest.mark.parametrize("bad_id", [str(2**64), str(-(2**63) - 1), "9" * 30])
def test_attendance_with_an_id_too_large_is_a_french_error(client, cast, space, field, bad_id):
    """SQLite cannot bind an id beyond 64 bits: posting one to a multiple choice was a 500."""
    from chantiers.models import Attendance
    from chantiers.services import meeting_schedule

    meeting = meeting_schedule(space=space, date=datetime.date.today() - datetime.timedelta(days=2), place="Salle")
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:meeting-attendance", args=[meeting.pk]), {field: [bad_id]})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_space_form_takes_no_id_too_large(client, cast, space):
    client.force_login(cast.coordinator)
    url = reverse("chantiers:space-update", args=[space.pk])
    response = client.post(url, {"name": "Nouveau nom", "kind": space.kind, "themes": [str(2**64)]})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    space.refresh_from_db()
    assert space.name == "Chantier logement"


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("chantiers:space-member-add", lambda cast: {"org-organisation": cast.org_b.pk, "org-role": "member"}),
        ("chantiers:space-citizen-add", lambda cast: {"cit-citizen": f.make_citizen().pk, "cit-role": "member"}),
    ],
)
def test_seating_in_an_archived_space_says_why(client, cast, space, url_name, data):
    """A form left open while the space was archived: the page had no form any more, so its error was
    lost (a 200 with no message) and a valid one seated a member in an archived space."""
    from chantiers.models import SpaceCitizen, SpaceMembership
    from chantiers.services import space_archive

    space_archive(space=space)
    seats = (SpaceMembership.objects.count(), SpaceCitizen.objects.count())
    client.force_login(cast.coordinator)
    response = client.post(reverse(url_name, args=[space.pk]), data(cast), follow=True)
    assert "est archivé : réactivez-le" in response.content.decode()
    assert (SpaceMembership.objects.count(), SpaceCitizen.objects.count()) == seats


@pytest.mark.parametrize("prefix", ["partenaires", "indicateurs", "financement"])
def test_a_huge_form_count_builds_no_huge_page(client, cast, theme, prefix):
    """TOTAL_FORMS=99999 on the project form built 1 030 forms per formset: minutes of server time and an
    8 Mo page for one POST by any partner. Now at most 30 forms are built and the error says so."""
    from projects.models import ActionProject

    client.force_login(cast.alice)
    data = {"title": "Projet", "theme": theme.pk}
    for name in ("partenaires", "indicateurs", "financement"):
        data.update({f"{name}-TOTAL_FORMS": "0", f"{name}-INITIAL_FORMS": "0"})
    data[f"{prefix}-TOTAL_FORMS"] = "99999"
    response = client.post(reverse("projects:project-create"), data)
    assert response.status_code == 200
    assert "Veuillez soumettre au plus 30 formulaires." in response.content.decode()
    assert len(response.content) < 1_000_000
    assert not ActionProject.objects.exists()


def test_a_huge_follow_up_count_is_refused(client, cast, space):
    from chantiers.models import Decision
    from chantiers.services import meeting_schedule

    meeting = meeting_schedule(space=space, date=datetime.date.today() - datetime.timedelta(days=2), place="Salle")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:decision-create", args=[meeting.pk]),
        {
            "text": "Une décision",
            "suivi-TOTAL_FORMS": "99999",
            "suivi-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "pas été enregistrée : corrigez les champs signalés" in response.content.decode()
    assert len(response.content) < 1_000_000
    assert not Decision.objects.exists()


@pytest.mark.parametrize("origin", ["²", "١٢", "1²"])
def test_a_target_move_from_a_digit_that_is_no_number(client, cast, origin):
    """`?de=²` was a 500: "²".isdigit() is true, int("²") fails."""
    client.force_login(cast.coordinator)
    assert client.get(reverse("budget:target-move"), {"de": origin}).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "projects:project-list",
        "projects:project-create",
        "projects:project-intention-create",
        "chantiers:space-create",
    ],
)
@pytest.mark.parametrize("enjeu", ["\x00", "a\x00b", "é", "x" * 10_000])
def test_a_theme_filter_that_is_no_slug_is_ignored(client, cast, theme, url_name, enjeu):
    """`?enjeu=%00` was a 500 on PostgreSQL, which refuses a NUL character in a query."""
    client.force_login(cast.coordinator)
    assert client.get(reverse(url_name), {"enjeu": enjeu}).status_code == 200
