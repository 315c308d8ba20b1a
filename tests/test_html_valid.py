"""Every page's HTML is valid, for every role (issue 9): the Nu Html Checker (`vnu-jar` from npm) reads
every page the authorization matrix lets a role open, and the main forms sent empty with their errors.

The pages are rendered by Django's test client (no browser) on the demo data, written to a folder and
checked by one Java process. Without Java the test is skipped, unless REQUIRE_BROWSER=1 (CI): it fails.
"""

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.page_matrix import (
    MATRIX,
    NOT_HTML,
    ROLES,
    actual_matrix,
    forms_with_errors,
    html_pages,
    page_url,
)

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ERRORS_SHOWN = re.compile(r'class="[^"]*\b(is-invalid|invalid-feedback|errorlist|alert-danger)\b')


class _MainForm(HTMLParser):
    """The fields of the largest POST form inside <main>: hidden ones keep their value (the CSRF token,
    a formset's management form), every other field is sent empty, as a user who filled nothing would."""

    def __init__(self):
        super().__init__()
        self.in_main, self.forms, self.current = False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif self.in_main and tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = {}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs.get("type") in ("submit", "button", "checkbox", "radio", "file"):
                return
            self.current[attrs["name"]] = attrs.get("value") or "" if attrs.get("type") == "hidden" else ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "main":
            self.in_main = False


def empty_form_data(html: str) -> dict:
    parser = _MainForm()
    parser.feed(html)
    return max(parser.forms, key=len, default={})


def _java():
    java = shutil.which("java")
    if java and VNU.exists():
        return java
    reason = "the Nu Html Checker needs Java and node_modules/vnu-jar (apt-get install default-jre-headless; npm ci)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}.")
    pytest.skip(reason)


def vnu_errors(folder: Path, java: str) -> dict[str, list[str]]:
    """The checker's errors per file name, one JVM for the whole folder."""
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--exit-zero-always",
            "--no-langdetect",
            "--format",
            "json",
            "--stdout",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        name = Path(message.get("url", "?")).name
        where = f"line {message['lastLine']}" if "lastLine" in message else ""
        extract = message.get("extract", "").strip().replace("\n", " ")[:120]
        errors.setdefault(name, []).append(f"{where}: {message['message']} «{extract}»")
    return errors


@pytest.mark.django_db
@pytest.mark.guard
def test_every_page_for_every_role_is_valid_html(tmp_path):
    java = _java()
    clients = actual_matrix()
    rendered: dict[str, str] = {}  # file name → what it is
    wrong = []

    def keep(page, response, kind):
        name = f"{len(rendered):03d}-{page.role}-{re.sub(r'[^a-z0-9]+', '-', page.name)}{kind}.html"
        (tmp_path / name).write_bytes(response.content)
        rendered[name] = f"{page}{' (form sent empty)' if kind else ''}"

    for role in ROLES:
        for page in html_pages(role):
            response = clients[role].get(page.url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                wrong.append(f"{page}: {response.status_code} {response['Content-Type']}, expected an HTML page")
                continue
            keep(page, response, "")
        for page in forms_with_errors(role):
            data = empty_form_data(clients[role].get(page.url).content.decode())
            response = clients[role].post(page.url, data)
            # Some views answer an invalid form with 400 Bad Request: the page still shows the errors.
            if response.status_code not in (200, 400) or not ERRORS_SHOWN.search(response.content.decode()):
                wrong.append(f"{page}: an empty form answered {response.status_code} without showing its errors")
                continue
            keep(page, response, "-errors")

    # The answers kept out of the HTML check are indeed not HTML (files, feeds, the health check).

    for name, obj, answers in MATRIX:
        if name in NOT_HTML and 200 in answers:
            role = ROLES[answers.index(200)]
            response = clients[role].get(page_url(name, obj))
            if response.get("Content-Type", "").startswith("text/html"):
                wrong.append(f"{name} answers HTML: check it with the others (remove it from NOT_HTML)")

    assert not wrong, "\n".join(wrong)
    assert len(rendered) > 100, "the page lists came out nearly empty"

    errors = vnu_errors(tmp_path, java)
    report = [f"{rendered.get(name, name)}:\n  " + "\n  ".join(lines) for name, lines in sorted(errors.items())]
    assert not report, f"{len(report)} of {len(rendered)} pages are not valid HTML:\n" + "\n".join(report)
