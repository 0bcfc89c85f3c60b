"""Absolute links for emails, calendar files and feeds, built from `SERVER_URL` only.

A link in an email must never follow the request's `Host` header: an attacker who sends
`Host: evil.example` to the reset form would otherwise receive a reset link to their own
site. The same function works in a request, a CLI command or a queued job.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint, **values):
    """The absolute address of `endpoint` on this site, from the `SERVER_URL` setting."""
    parts = urlsplit(current_app.config["SERVER_URL"])
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "https"
    )
    anchor = values.pop("_anchor", None)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def absolute(path):
    """The absolute address of a site path such as `/events/3` (for stored notice links)."""
    base = current_app.config["SERVER_URL"].rstrip("/")
    return base + (path if path.startswith("/") else "/" + path)


def server_host():
    """The host name of `SERVER_URL` (without port), the one host production answers to."""
    return urlsplit(current_app.config["SERVER_URL"]).hostname or ""


def path_for(endpoint, **values):
    """The site path of `endpoint` (for notices stored with a link), in or out of a request."""
    parts = urlsplit(current_app.config["SERVER_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/")
    anchor = values.pop("_anchor", None)
    path = adapter.build(endpoint, values)
    return f"{path}#{anchor}" if anchor else path
