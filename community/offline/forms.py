from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from community.errors import RuleError, message_for
from community.forms import ChoiceField, no_markup, stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l
from community.offline.service import clean_phone


def _one_line(value):
    """The purpose is kept as one line: line breaks typed in the box become spaces."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _phone(form, field):
    try:
        clean_phone(field.data)
    except RuleError as error:
        raise ValidationError(message_for(error)) from None


class OfflineMemberForm(FlaskForm):
    name = StringField(
        _l("Name (as the group knows them)"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please give a name.")),
            Length(max=80, message=_l("At most 80 characters.")),
            no_markup,
        ],
        render_kw={"autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone number (optional, only if they agreed to give it)"),
        filters=[stripped],
        validators=[Optional(), Length(max=32, message=_l("At most 32 characters.")), _phone],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"},
    )
    purpose = TextAreaField(
        _l("What they agreed to, in their words"),
        filters=[stripped, _one_line],
        default=_l("To be registered for the group's meetings and called about them by the leaders."),
        validators=[
            DataRequired(_l("Please write down what the person agreed to.")),
            Length(max=300, message=_l("At most 300 characters.")),
            no_markup,
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 3},
    )


class LinkForm(FlaskForm):
    account_id = ChoiceField(
        _l("Their account in the group"), coerce=int, choices=[], validators=[InputRequired(_l("Please choose."))]
    )
