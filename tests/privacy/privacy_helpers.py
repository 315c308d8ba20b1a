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
