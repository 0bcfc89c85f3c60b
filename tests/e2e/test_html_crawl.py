"""Every page of the demo a person can reach by following links, as each of the four demo
accounts and as a visitor, is valid HTML (the Nu HTML Checker finds no error). The browser
flows check the pages they pass through; this walks the rest."""

import re
from urllib.parse import urldefrag, urlsplit

import pytest

from community.demo import DEMO_PASSWORD
from tests.conftest import Browser

LINK = re.compile(r'href="(/[^"]*)"')
# Leaving these would end the walk or change data; files are not HTML.
SKIP = re.compile(r"^/(auth/logout|static/)|\.(ics|csv|pdf|json)(\?|$)|/receipt$|/feed/")
PAGES_PER_ACCOUNT = 70


def walk(browser, start="/", limit=PAGES_PER_ACCOUNT):
    """Breadth-first over same-site links: (url, html) of each HTML page, at most `limit`,
    at most three pages of each path shape (so 50 events do not crowd out the rest)."""
    seen, queue, shapes, pages = {start}, [start], {}, []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = browser.get(url)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        pages.append((url, html))
        for link in LINK.findall(html):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            shape = re.sub(r"\d+", "N", urlsplit(link).path)
            if link in seen or SKIP.search(link) or shapes.get(shape, 0) >= 3:
                continue
            seen.add(link)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(link)
    return pages


@pytest.mark.parametrize("account", [None, "member", "leader", "specialist", "admin"])
def test_every_page_of_the_demo_is_valid_html(app, runner, html_checker, account):
    if html_checker is None:
        pytest.skip("the HTML checker is not available here")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    browser = Browser(app.test_client())
    if account:
        browser.login(f"{account}@demo.krug", DEMO_PASSWORD)
    pages = walk(browser)
    assert len(pages) >= (10 if account else 3)
    report = [f"{url}:\n  " + "\n  ".join(errors) for url, html in pages if (errors := html_checker.errors(html))]
    assert not report, f"HTML errors on {len(report)} of {len(pages)} pages:\n" + "\n".join(report)
