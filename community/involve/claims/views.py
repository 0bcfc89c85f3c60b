"""Cost claims: mine, a claim's page and receipt, the organisation's list and CSV. Thin:
load the claim for the viewer, check access, call the service."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from community.audit import audit
from community.errors import RuleError
from community.extensions import limiter
from community.forms import EmptyForm, flash_error, page_number, show_error
from community.i18n import gettext as _
from community.involve.access import is_specialist_of
from community.involve.claims import accountant, forms, receipts, service
from community.involve.claims.models import APPROVED, DECLINED, SUBMITTED, ClaimStatus
from community.models import utcnow
from community.orgs.service import get_organisation
from community.security import account_key, succeeded

bp = Blueprint("claims", __name__)
RECEIPT_FORMS = {"claims.new_for_session", "claims.new_for_event", "claims.resubmit"}


@bp.url_value_preprocessor
def _room_for_receipts(endpoint, values):
    """A claim form may carry a receipt of up to 5 MB; a little more still reaches the form,
    so the person reads why next to the field. (This runs before the CSRF check reads it.)"""
    if endpoint in RECEIPT_FORMS:
        request.max_content_length = receipts.MAX_REQUEST_BYTES


def get_claim_for(user, claim_id, need="view"):
    """The claim and whether the viewer decides on it: the claimant and the paying
    organisation's specialists see it; anyone else gets 404; the claimant cannot decide (403)."""
    claim = service.get_claim(claim_id)
    if claim is None:
        abort(404)
    decides = is_specialist_of(user, claim.organisation_id)
    if not (decides or claim.user_id == user.id):
        abort(404)
    if need == "decide" and not decides:
        abort(403)
    return claim, decides


@bp.route("/claims/")
def mine():
    return render_template(
        "claims/mine.html", claims=service.my_claims(current_user), claimable=service.claimable_for(current_user)
    )


@bp.route("/claims/session/<int:session_id>/new", methods=["GET", "POST"])
@limiter.limit("30 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def new_for_session(session_id):
    return _claim_form(service.claimable_session(current_user, session_id))


@bp.route("/claims/event/<int:event_id>/new", methods=["GET", "POST"])
@limiter.limit("30 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def new_for_event(event_id):
    return _claim_form(service.claimable_event(current_user, event_id))


def _claim_form(item):
    if item is None or not item.open_categories:
        flash(
            _("You can claim costs for sessions and events you took part in, once for each kind of cost.")
            if item is None
            else _("You have already claimed every kind of cost this covers."),
            "error",
        )
        return redirect(url_for("claims.mine"))
    form = forms.ClaimForm()
    form.offer(item.open_categories)
    if request.method == "GET":
        form.spent_on.data = form.spent_on.data or item.starts_at.date()
        if len(item.open_categories) == 1:
            form.category.data = item.open_categories[0]
    if form.validate_on_submit():
        try:
            receipt = receipts.read_upload(form.receipt.data)
            claim = service.submit_claim(
                current_user,
                item,
                form.category.data,
                form.amount.kopecks,
                form.spent_on.data,
                form.note.data,
                receipt,
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Your claim is sent. The organisation will answer; we will tell you by email."), "success")
            return redirect(url_for("claims.detail", claim_id=claim.id))
    return render_template("claims/form.html", form=form, item=item)


@bp.route("/claims/<int:claim_id>")
def detail(claim_id):
    claim, decides = get_claim_for(current_user, claim_id)
    return render_template("claims/detail.html", claim=claim, decides=decides, title=service.claim_title(claim))


@bp.route("/claims/<int:claim_id>/again", methods=["GET", "POST"])
@limiter.limit("30 per day", key_func=account_key, methods=["POST"], deduct_when=succeeded)
def resubmit(claim_id):
    claim, decides = get_claim_for(current_user, claim_id)
    if claim.user_id != current_user.id:
        abort(403)
    if claim.status != DECLINED:
        flash(_("Only a declined claim can be corrected and sent again."), "error")
        return redirect(url_for("claims.detail", claim_id=claim.id))
    form = forms.ResubmitForm(obj=None if request.method == "POST" else claim)
    if form.validate_on_submit():
        try:
            receipt = receipts.read_upload(form.receipt.data)
            service.resubmit_claim(
                current_user, claim, form.amount.kopecks, form.spent_on.data, form.note.data, receipt
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                _("Your corrected claim is sent. The organisation will answer; we will tell you by email."), "success"
            )
            return redirect(url_for("claims.detail", claim_id=claim.id))
    return render_template(
        "claims/resubmit.html",
        form=form,
        claim=claim,
        title=service.claim_title(claim),
        limit=service.claim_limit(claim),
    )


@bp.route("/claims/<int:claim_id>/receipt")
def receipt(claim_id):
    claim, decides = get_claim_for(current_user, claim_id)
    if not claim.receipt_key:
        abort(404)
    try:
        path = receipts.path_of(claim.receipt_key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    if claim.user_id != current_user.id:
        audit(current_user, "claims.view_receipt", claim)
    kind = claim.receipt_type
    response = send_file(
        path,
        mimetype=receipts.MIME[kind],
        as_attachment=kind not in receipts.INLINE,
        download_name=f"receipt-{claim.id}.{'jpg' if kind == 'jpeg' else kind}",
        max_age=0,
        etag=False,
    )
    # Whatever the file holds, it cannot run anything in the browser.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/claims/<int:claim_id>/decide", methods=["GET", "POST"])
def decide(claim_id):
    claim, decides = get_claim_for(current_user, claim_id, need="decide")
    back = url_for("claims.detail", claim_id=claim.id)
    if claim.status != SUBMITTED:
        flash(_("This claim is already decided."), "error")
        return redirect(back)
    form = forms.ClaimDecisionForm()
    if form.validate_on_submit():
        try:
            if request.form.get("decision") == "decline":
                service.decline(current_user, claim, form.reason.data)
                flash(
                    _("The claim is declined; %(name)s will read your reason.", name=claim.user.display_name), "success"
                )
            else:
                service.approve(current_user, claim, form.reason.data)
                flash(_("The claim is approved; %(name)s is told.", name=claim.user.display_name), "success")
        except RuleError as error:
            show_error(form, error)
        else:
            return redirect(back)
    return render_template("claims/decide.html", claim=claim, form=form, title=service.claim_title(claim))


@bp.post("/claims/<int:claim_id>/paid")
def paid(claim_id):
    claim, decides = get_claim_for(current_user, claim_id, need="decide")
    if EmptyForm().validate_on_submit():
        try:
            service.mark_paid(current_user, claim)
        except RuleError as error:
            flash_error(error)
        else:
            flash(_("Marked as paid; %(name)s is told.", name=claim.user.display_name), "success")
    return redirect(url_for("claims.detail", claim_id=claim.id))


def _organisation_for_deciders(slug):
    """The organisation's claims are seen by its specialists only (everyone else: 404)."""
    organisation = get_organisation(slug)
    if organisation is None or not is_specialist_of(current_user, organisation.id):
        abort(404)
    return organisation


@bp.route("/orgs/<slug>/claims")
def organisation(slug):
    organisation = _organisation_for_deciders(slug)
    status = request.args.get("status") if request.args.get("status") in tuple(ClaimStatus) else None
    return render_template(
        "claims/organisation.html",
        organisation=organisation,
        claims=service.claims_of(organisation, status, page_number()),
        counts=service.status_counts(organisation),
        status=status,
        title_of=service.claim_title,
        approved=APPROVED,
    )


@bp.route("/orgs/<slug>/claims.csv")
def organisation_csv(slug):
    organisation = _organisation_for_deciders(slug)
    body = accountant.claims_csv(current_user, organisation)
    filename = f"krug-claims-{organisation.slug}-{utcnow():%Y-%m-%d}.csv"
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
