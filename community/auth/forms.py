"""What a person types to manage their account."""

from functools import cache
from pathlib import Path

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from community.auth.models import FAMILY_FORMS
from community.forms import no_markup, stripped
from community.i18n import lazy_gettext as _l
from community.i18n import timezone_choices

MIN_PASSWORD, MAX_PASSWORD = 8, 128


@cache
def common_passwords():
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def strong_password(form, field):
    """Reject passwords on the common list or built from the email address."""
    value = (field.data or "").lower()
    if value in common_passwords() or len(set(value)) <= 2:
        raise ValidationError(_l("This password is too easy to guess. Try a short phrase of a few words."))
    email = (getattr(form, "email", None) and form.email.data) or ""
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in value:
        raise ValidationError(_l("The password should not contain your email address."))


def email_field(label=_l("Email")):
    return EmailField(
        label,
        filters=[stripped],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("An email address can be at most 254 characters.")),
            Email(_l("This does not look like an email address. Check for typos, e.g. name@mail.ru.")),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Please choose a password.")),
            Length(
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
                message=_l(
                    "The password must be from %(min)d to %(max)d characters long.", min=MIN_PASSWORD, max=MAX_PASSWORD
                ),
            ),
            strong_password,
        ],
        description=_l("At least 8 characters. A short phrase is easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def display_name_field():
    return StringField(
        _l("Your name"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please tell us how to call you.")),
            Length(max=80, message=_l("A name can be at most 80 characters.")),
            no_markup,
        ],
        description=_l("Shown to members of your groups. A first name is enough."),
        render_kw={"autocomplete": "name"},
    )


def city_field():
    """Optional: the directory shows the groups in this city and its region first."""
    return StringField(
        _l("City (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=80, message=_l("A city name can be at most 80 characters.")), no_markup],
        description=_l("Helps you find groups nearby."),
        render_kw={"autocomplete": "address-level2"},
    )


class RegisterForm(FlaskForm):
    email = email_field()
    display_name = display_name_field()
    city = city_field()
    password, password_confirm = new_password_fields()
    consent = BooleanField(
        _l("I agree to the processing of my personal data as described in the privacy notice."),
        validators=[DataRequired(_l("We need your consent to create an account."))],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, password_confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Please enter your current password.")), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = new_password_fields()


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New email"))
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )


FAMILY_FORM_LABELS = {
    "foster": _l("Foster family"),
    "guardianship": _l("Guardianship"),
    "adoption": _l("Adoption"),
    "kinship": _l("Kinship care"),
}
FAMILY_FORM_CHOICES = [SelectChoice("", _l("Prefer not to say"))] + [
    SelectChoice(key, FAMILY_FORM_LABELS[key]) for key in FAMILY_FORMS
]


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    city = city_field()
    locale = SelectField(_l("Language"), choices=[SelectChoice("ru", "Русский"), SelectChoice("en", "English")])
    timezone = SelectField(_l("Time zone"), choices=timezone_choices())
    email_frequency = SelectField(
        _l("Emails about my groups, events and help requests"),
        choices=[
            SelectChoice("now", _l("Each as it happens")),
            SelectChoice("daily", _l("One digest a day")),
            SelectChoice("weekly", _l("One digest a week")),
            SelectChoice("never", _l("None: I look in Krug")),
        ],
        description=_l("What is written to you personally (messages, your help accepted) always comes at once."),
    )
    opportunity_emails = BooleanField(_l("Email me when an organisation or my group invites parents to take part"))
    family_form = SelectField(_l("Family form (optional)"), choices=FAMILY_FORM_CHOICES)
    experience_years = IntegerField(
        _l("Years of experience as a foster, adoptive or guardian parent (optional)"),
        validators=[Optional(), NumberRange(min=0, max=60, message=_l("Please enter a number from 0 to 60."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": 60},
    )


def password_again_field():
    """The signed-in person's password, asked again before a sensitive step."""
    return PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=MAX_PASSWORD)],
        description=_l("For your safety, please type your password again."),
        render_kw={"autocomplete": "current-password"},
    )


class ConfirmPasswordForm(FlaskForm):
    password = password_again_field()


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Please enter your password.")), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that my account and my data will be deleted for good."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )
