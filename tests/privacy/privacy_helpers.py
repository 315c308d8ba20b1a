"""What the privacy tests share besides their fixture (the `trail`, in tests/privacy/conftest.py):
the coordination pages and the URL arguments of a person."""

from privacy import selectors

# The coordination pages (kind and pk filled by `person_urls`): every one is Coordination's only.
COORDINATION_PAGES = [
    ("privacy:privacy-request-list", None),
    ("privacy:privacy-person-search", None),
    ("privacy:incident-list", None),
    ("privacy:incident-create", None),
    ("privacy:privacy-person-detail", "citizen"),
    ("privacy:privacy-person-detail", "user"),
    ("privacy:privacy-export-json", "citizen"),
    ("privacy:privacy-export-csv", "user"),
    ("privacy:privacy-person-rectify", "citizen"),
    ("privacy:privacy-person-erase", "user"),
]


def person_kwargs(trail, who):
    if who is None:
        return {}
    person = trail.citizen if who == "citizen" else trail.user
    return {"kind": selectors.url_kind(person), "pk": person.pk}


# Sign-up in steps: each step's address and what a person fills there
SIGNUP = {
    "choice": "/inscription/",
    "organisation": "/inscription/organisation/",
    "person": "/inscription/vous/",
    "consents": "/inscription/consentements/",
    "review": "/inscription/verifier/",
}
PASSWORD = "Rouyn-Noranda-2013!"
PERSON = {"username": "denise", "first_name": "Denise", "last_name": "Gagnon", "email": "denise@example.org"}
NEW_ORGANISATION = {"org_name": "Maison des jeunes", "org_kind": "community", "org_sector": "Jeunesse"}


def sign_up(client, *, choice="new", organisation=None, person=None, consents=(), password=PASSWORD, confirm=None):
    """Walk the sign-up's steps (each must move on) and send the review; returns the review's answer."""
    steps = [
        ("choice", {"choice": choice}),
        ("organisation", NEW_ORGANISATION if organisation is None else organisation),
        ("person", {**PERSON, **(person or {})}),
        ("consents", {f"consent_{purpose}": "on" for purpose in consents}),
    ]
    for step, data in steps:
        response = client.post(SIGNUP[step], data)
        assert response.status_code == 302, f"the step « {step} » did not move on"
    return client.post(SIGNUP["review"], {"password1": password, "password2": password if confirm is None else confirm})
