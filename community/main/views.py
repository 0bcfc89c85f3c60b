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
        return _home()
    return render_template("main/index.html")


def _home():
    """The signed-in home: what is new for me, in the order I would act on it."""
    from community.events.service import my_upcoming_events
    from community.main import home
    from community.orgs.service import organisations_of

    user = current_user
    memberships = home.my_memberships(user)
    organisations = organisations_of(user)
    return render_template(
        "main/home.html",
        groups=home.group_news(user, memberships),
        organisations=organisations,
        meetings=my_upcoming_events(user, limit=home.MEETINGS_SHOWN),
        help_needed=home.help_to_answer(user),
        my_requests=home.answers_to_my_requests(user),
        leading=home.leader_news(user, memberships),
        at_risk=home.groups_at_risk([o.id for o in organisations]),
    )


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
