"""The portal's addresses plus one that fails, for the 500 page's tests (tests/asis/test_error_pages.py)."""

from django.db.utils import OperationalError
from django.urls import path

from asis.urls import handler500
from asis.urls import urlpatterns as portal

__all__ = ["handler500", "urlpatterns"]


def failing(request):
    raise OperationalError("the database went away")


urlpatterns = [path("en-panne/", failing), *portal]
