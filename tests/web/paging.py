"""Following a paged list's "Next page" links to its end, as a reader does."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

SUMMARY = re.compile(r'<p class="list-summary">(.*?)</p>')


def pages_followed(client, url: str, pager: Callable[[str], list | None]) -> Iterator[str]:
    """Each page's HTML from ``url`` on, through its "Next page" link (``pager`` gives a page's
    links as (text, href, is current)), until a page has none."""
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        yield page
        url = next((href for label, href, _ in pager(page) or [] if label == "Next page"), None)


def summary(page: str) -> str:
    """The list's "Showing … of …" line."""
    return SUMMARY.search(page).group(1)
