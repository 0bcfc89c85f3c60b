"""What an admin types to create organisations and invite specialists."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from community.auth.forms import ConfirmPasswordForm, email_field, password_again_field
from community.forms import no_markup, stripped
from community.i18n import lazy_gettext as _l
from community.i18n import timezone_choices
from community.orgs.service import SLUG_RE


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name of the organisation"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please enter the name.")),
            Length(max=120, message=_l("At most 120 characters.")),
            no_markup,
        ],
    )
    slug = StringField(
        _l("Short address (optional)"),
        filters=[stripped],
        validators=[
            Optional(),
            Length(min=2, max=60, message=_l("From 2 to 60 characters.")),
            Regexp(SLUG_RE, message=_l("Use lowercase latin letters, digits and hyphens, for example rodnik-kazan.")),
        ],
        description=_l("Latin letters, digits and hyphens, e.g. rodnik-kazan. Left empty, it is made from the name."),
    )
    region = StringField(
        _l("Region"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please say where the organisation works.")),
            Length(max=120, message=_l("At most 120 characters.")),
            no_markup,
        ],
        description=_l("For example: Republic of Tatarstan"),
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=timezone_choices(),
        default="Europe/Moscow",
        validate_choice=True,
    )


class InviteForm(FlaskForm):
    """Inviting a specialist gives a role: the admin's password is asked again."""

    email = email_field(_l("Email of the specialist"))
    password = password_again_field()


class RemoveSpecialistForm(ConfirmPasswordForm):
    """Taking a specialist's role away: the admin's password is asked again."""
