"""What tests/test_escaping.py and tests/test_bad_input.py share: the demo with its five clients,
the pages of the authorization matrix, a fingerprint of every row, and the forms a page holds.

The pages come from `tests/test_authorization_matrix.py` (every URL of the URLconf, on the objects
named there), so a new URL, which must get a line in the matrix, is also escaped and fuzzed here; and from
`tests/page_matrix_alliances.py`: the second demo alliance's pages at its address, for the roles of both alliances.
"""

import hashlib
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.db import connection
from django.urls import Resolver404, resolve

from alliances.addresses import PLAN_SLUG
from alliances.models import Alliance
from tests.page_matrix import page_url
from tests.page_matrix_alliances import ALL_ROLES, ON_SECOND, OTHER_ROLES, second_url
from tests.test_authorization_matrix import MATRIX, ROLES, actual_matrix

PROJECT_APPS = (
    "organisations",
    "alliances",
    "privacy",
    "plans",
    "chantiers",
    "projects",
    "budget",
    "bilan",
    "succession",
    "asis",
)
# Answers that are files, not HTML pages (the escaping of HTML does not apply; they are read elsewhere)
NOT_HTML = ("text/csv", "application/", "text/calendar", "image/", "text/plain")


def demo_clients(**client_options):
    """The reference data, the demo and a logged-in client per role (anonymous included)."""
    from django.test import Client

    from organisations.models import User

    actual_matrix()  # loads ASIS and the demo
    clients = {"anonymous": Client(**client_options)}
    for username in (*ROLES[1:], *OTHER_ROLES):
        clients[username] = Client(**client_options)
        clients[username].force_login(User.objects.get(username=username))
    return clients


# Files, not pages: nothing in them is read as HTML, and they are the slowest answers to build.
EXPORTS = {
    "bilan:bilan-csv",
    "bilan:bilan-xlsx",
    "bilan:bilan-pdf",
    "bilan:bilan-docx",
    "bilan:open-data-csv",
    "bilan:open-data-json",
    "chantiers:meeting-feed",
    "projects:attachment-download",
    "favicon",
    "healthz",
}


def matrix_urls(roles=ALL_ROLES, *, pages_only=False):
    """(url name, path, role) for every line of the matrix whose answer to `role` is 200 on GET, then every page of
    the second alliance likewise (with `pages_only`, HTML pages only: not the exports)."""
    urls = []
    for name, obj, answers in MATRIX:
        if pages_only and name in EXPORTS:
            continue
        path = page_url(name, obj)
        for role, answer in zip(ROLES, answers):
            if role in roles and answer == 200:
                urls.append((name, path, role))
    for name, path, answers in second_alliance_lines():
        if pages_only and name in EXPORTS:
            continue
        for role, answer in zip(ALL_ROLES, answers):
            if role in roles and answer == 200:
                urls.append((name, path, role))
    return urls


def second_alliance_lines():
    """(url name, path, answers to ALL_ROLES) of every page of the second demo alliance, at its address."""
    return [(name, second_url(name, obj), answers) for name, obj, answers in ON_SECOND]


def every_path():
    """(url name, path) of every line of both matrices: each URL of ASIS and of the second alliance."""
    return [(name, page_url(name, obj)) for name, obj, _answers in MATRIX] + [
        (name, path) for name, path, _answers in second_alliance_lines()
    ]


def project_models():
    return [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]


# Caches a page builds when it reads (the hyperconcertation figures of the day): no state a request changes.
CACHE_MODELS = {"chantiers.MeetingLoad", "chantiers.MeetingLoadState"}


def fingerprint() -> dict:
    """Every row of every model of the portal (row counts, money, texts, statuses), hashed per model.

    `last_login` moves when a client logs in; it is no state a form changes. Nor are the caches."""
    prints = {}
    for model in project_models():
        if model._meta.label in CACHE_MODELS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        digest = hashlib.sha256()
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*fields).iterator():
            # bytes, not the memoryview PostgreSQL hands back for a BinaryField (its repr is an address)
            digest.update(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
            count += 1
        prints[model._meta.label] = (count, digest.hexdigest()[:16])
    return prints


# Statements that change no row. Any other statement (INSERT, UPDATE, DELETE, ROLLBACK TO SAVEPOINT, raw SQL…) counts
# as one that may have: RowWatch reads every row again after it.
_READS = ("SELECT", "SAVEPOINT", "RELEASE")
_statements_that_may_write = [0]


def _count_statements_that_may_write(execute, sql, params, many, context):
    if not (isinstance(sql, str) and sql.lstrip()[:9].upper().startswith(_READS)):
        _statements_that_may_write[0] += 1
    return execute(sql, params, many, context)


class RowWatch:
    """The fingerprint of every row, taken again after a request only when a statement that may change a row ran on
    the test's connection since the last one. Why: the guards post thousands of refused forms, each answered with
    SELECTs only; reading every row of the demo after each of them was half of those tests' time, and a row cannot
    change without a statement that writes (the test client runs the view on this connection, in this thread)."""

    def __init__(self):
        if _count_statements_that_may_write not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_statements_that_may_write)
        self._seen = _statements_that_may_write[0]
        self.now = fingerprint()

    def moved(self) -> list[str]:
        """The models whose rows changed since the last call (or since the watch began)."""
        if _statements_that_may_write[0] == self._seen:
            return []
        self._seen = _statements_that_may_write[0]
        before, self.now = self.now, fingerprint()
        return changed(before, self.now)


def changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


def is_html(response) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.startswith("text/html") and not content_type.startswith(NOT_HTML)


class _FormParser(HTMLParser):
    """The forms of a page: method, action and fields (inputs, selects with their options, textareas)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and attrs.get("name"):
            self._form["fields"].append(
                {
                    "tag": tag,
                    "name": attrs["name"],
                    "type": (attrs.get("type") or "text").lower(),
                    "value": attrs.get("value") or "",
                    "checked": "checked" in attrs,
                    "required": "required" in attrs,
                }
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {
                "tag": "select",
                "name": attrs["name"],
                "type": "select",
                "options": [],
                "value": None,
                "multiple": "multiple" in attrs,
            }
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs and self._select["value"] is None:
                self._select["value"] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"tag": "textarea", "name": attrs["name"], "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _without_alliance(path: str) -> str:
    """The address of a page without its alliance's (and plan's) prefix: what the URLconf names."""
    first, _sep, rest = path.lstrip("/").partition("/")
    if first and Alliance.objects.filter(slug=first).exists():
        plan_part, _sep, after = rest.partition("/")
        return "/" + (after if PLAN_SLUG.match(plan_part) else rest)
    return path


def page_forms(response, page_path):
    """The forms of an HTML answer, each with its absolute action path and its URL name."""
    parser = _FormParser()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        action = urlsplit(urljoin(page_path, form["action"] or page_path))
        try:
            match = resolve(_without_alliance(action.path))
        except Resolver404:
            continue
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        forms.append({**form, "path": action.path, "query": action.query, "url_name": name, "page": page_path})
    return forms


def base_data(form) -> dict:
    """What the browser would send for the form as rendered: values, checked boxes, selected options
    (the first non-empty one when none or the empty one is selected); submit buttons and files are left out."""
    data = {}
    for field in form["fields"]:
        kind = field["type"]
        if kind in ("submit", "button", "reset", "file", "image"):
            continue
        if kind in ("checkbox", "radio"):
            if field["checked"]:
                data.setdefault(field["name"], field["value"] or "on")
            continue
        if kind == "select":
            options = field["options"]
            value = field["value"] or next((o for o in options if o), "")
            data[field["name"]] = value
            continue
        data[field["name"]] = field["value"]
    return data


def vendor() -> str:
    return connection.vendor
