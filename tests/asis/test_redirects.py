"""A form's `next` leads back to one of the portal's own pages, never elsewhere (and never to a 500)."""

import pytest
from django.test import RequestFactory

from asis.redirects import posted_next


@pytest.mark.parametrize(
    "next_, expected",
    [
        ("/rouyn-noranda/", "/rouyn-noranda/"),
        ("/rencontres/?page=2", "/rencontres/?page=2"),
        ("-1", ""),  # a bare word: redirect() would look it up as a URL name
        ("home", ""),
        ("//ailleurs.example.org/", ""),
        ("https://ailleurs.example.org/", ""),
        ("/\\ailleurs.example.org", ""),
        ("", ""),
    ],
)
def test_posted_next(next_, expected):
    request = RequestFactory().post("/suivis/1/fait/", {"next": next_})
    assert posted_next(request) == expected
