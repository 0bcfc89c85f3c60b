"""Organisation pages and support offers."""

from flask import Blueprint

bp = Blueprint("orgs", __name__)
