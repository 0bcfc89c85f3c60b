"""Account pages. Thin: load, check, call the service, render or redirect."""

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from community.auth import devices, forms, service, sessions, viewer
from community.errors import RuleError, message_for
from community.extensions import limiter
from community.forms import EmptyForm, flash_error, show_error
from community.i18n import gettext as _
from community.security import public, safe_next

bp = Blueprint("auth", __name__)


def _email_key():
    return "email:" + service.normalise_email(request.form.get("email", ""))[:254]


def _account_key():
    return f"account:{current_user.get_id()}"


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", key_func=_email_key, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        service.register_user(
            form.email.data, form.display_name.data, form.password.data, locale=str(get_locale()), city=form.city.data
        )
        # The same page whether the address was new or taken (its owner gets an email instead).
        return render_template("auth/register_sent.html", email=service.normalise_email(form.email.data))
    return render_template("auth/register.html", form=form)


@bp.route("/verify/<token>")
@public
def verify_email(token):
    try:
        user, first_time = service.verify_email(token)
    except RuleError as error:
        flash_error(error)
        return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))
    if first_time and not current_user.is_authenticated and not user.is_suspended:
        sessions.sign_in(user, request.user_agent.string)
        flash(_("Thank you! Your email %(email)s is confirmed. Welcome to Krug!", email=user.email), "success")
        return redirect(url_for("main.index"))
    flash(_("Thank you! Your email %(email)s is confirmed.", email=user.email), "success")
    return redirect(url_for("main.index") if current_user.is_authenticated else url_for("auth.login"))


@bp.post("/verify/resend")
@limiter.limit("5 per hour", key_func=_account_key)
def resend_verification():
    if EmptyForm().validate_on_submit():
        service.resend_verification(current_user)
        flash(_("We have sent the link again to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])
@limiter.limit("5 per minute;30 per hour", key_func=_email_key, methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data)
        except RuleError as error:  # suspended by an admin
            user = False
            form.password.errors.append(message_for(error))
        if user is None:
            form.password.errors.append(_("The email or the password is not right."))
        elif user:
            sessions.sign_in(user, request.user_agent.string)
            return redirect(next_url)
    return render_template("auth/login.html", form=form, next=next_url)


@bp.post("/logout")
def logout():
    if EmptyForm().validate_on_submit():
        sessions.sign_out()
        flash(_("You have logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", key_func=_email_key, methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("auth/forgot_sent.html", email=service.normalise_email(form.email.data))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token):
    try:
        service.check_reset_token(token)
    except RuleError as error:
        flash_error(error)
        return redirect(url_for("auth.forgot_password"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        user = service.reset_password(token, form.password.data)
        if user.is_suspended:
            flash(message_for("auth.suspended"), "error")
            return redirect(url_for("auth.login"))
        sessions.sign_in(user, request.user_agent.string)
        flash(_("Your new password is saved. You are logged in."), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
def account():
    form = forms.ProfileForm(obj=current_user)
    if request.method == "GET":
        form.family_form.data = current_user.family_form or ""
    if form.validate_on_submit():
        service.update_profile(
            current_user,
            display_name=form.display_name.data,
            city=form.city.data or "",
            locale=form.locale.data,
            timezone=form.timezone.data,
            email_frequency=form.email_frequency.data,
            opportunity_emails=form.opportunity_emails.data,
            family_form=form.family_form.data or None,
            experience_years=form.experience_years.data,
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.account"))
    signed_in = viewer.current()
    is_staff = signed_in.is_staff if signed_in else current_user.is_admin
    return render_template(
        "auth/account.html",
        form=form,
        resend_form=EmptyForm(),
        devices=service.devices_of(current_user),
        this_device=signed_in.session_id if signed_in else None,
        device_name=devices.device_name,
        expires_at=lambda row: service.session_expires_at(row, is_staff),
    )


@bp.post("/devices/<int:session_id>/sign-out")
def sign_out_device(session_id):
    """Sign out one of my other browsers (this one signs out with "Log out")."""
    if EmptyForm().validate_on_submit():
        if not service.end_device(current_user, session_id):
            abort(404)
        flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.account") + "#devices")


@bp.post("/devices/sign-out-everywhere")
def sign_out_everywhere():
    """End every session of mine, this one included (a lost phone, a shared computer)."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("auth.account"))
    service.end_all_sessions(current_user)
    sessions.sign_out()
    flash(_("You are signed out on every device. Log in again here."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=_account_key, methods=["POST"])
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, form.current_password.data, form.password.data, keep_token=sessions.current_token()
            )
        except RuleError as error:
            show_error(form, error)
        else:
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=_account_key, methods=["POST"])
def change_email():
    form = forms.ChangeEmailForm()
    if form.validate_on_submit():
        try:
            service.request_email_change(current_user, form.email.data, form.password.data)
        except RuleError as error:
            show_error(form, error)
        else:
            flash(
                _(
                    "We have sent a link to %(email)s. Your address changes when you open it.",
                    email=service.normalise_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/email.html", form=form)


@bp.route("/email/confirm/<token>")
@public
def confirm_email_change(token):
    try:
        user = service.confirm_email_change(token)
    except RuleError as error:
        flash_error(error)
    else:
        flash(_("Your email is now %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/my-data")
def my_data():
    return render_template("auth/my_data.html", form=forms.ConfirmPasswordForm())


@bp.route("/my-data.json", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=_account_key, methods=["POST"])
def my_data_json():
    """The download, after the password is typed again: a left-open session is not enough."""
    form = forms.ConfirmPasswordForm()
    if request.method == "GET":
        return redirect(url_for("auth.my_data"))
    if form.validate_on_submit():
        try:
            data = service.export_user_data(current_user, form.password.data)
        except RuleError as error:
            show_error(form, error)
        else:
            return Response(
                json.dumps(data, ensure_ascii=False, indent=2),
                mimetype="application/json",
                headers={"Content-Disposition": "attachment; filename=krug-my-data.json"},
            )
    return render_template("auth/my_data.html", form=form)


@bp.route("/delete", methods=["GET", "POST"])
@limiter.limit("10 per hour", key_func=_account_key, methods=["POST"])
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            service.delete_account(current_user, form.password.data)
        except RuleError as error:
            show_error(form, error)
        else:
            sessions.sign_out()
            flash(_("Your account and your data are deleted. Thank you for being with us."), "success")
            return redirect(url_for("main.index"))
    from community.auth.personal_data import groups_led_alone

    return render_template("auth/delete.html", form=form, led_alone=groups_led_alone(current_user))


@bp.post("/language")
@public
def set_language():
    """The language switch: saved to the profile when signed in, else to the session."""
    lang = request.form.get("lang")
    next_url = safe_next(request.form.get("next"), url_for("main.index"))
    if EmptyForm().validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        service.set_language(current_user, lang)
    return redirect(next_url)
