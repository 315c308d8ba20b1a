from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """JSON lists come a page at a time (`page`, `taille` up to 1 000), with `count`, `next` and `previous`; the
    CSV of a list is every row its filters keep, streamed (a CSV has no place for a next page's link)."""

    page_size = 100
    page_size_query_param = "taille"
    max_page_size = 1000
