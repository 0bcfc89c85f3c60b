"""Home, the privacy notice and the health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from community.extensions import db
from community.security import public

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        from community.groups.service import my_groups
        from community.orgs.service import organisations_of

        return render_template(
            "main/home.html", memberships=my_groups(current_user), organisations=organisations_of(current_user)
        )
    return render_template("main/index.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")


@bp.route("/healthz")
@public
def healthz():
    """For load balancers and uptime checks: 200 when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
