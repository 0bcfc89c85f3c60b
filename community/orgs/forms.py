"""What a specialist types to offer their organisation's support to a group."""

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from community.forms import stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l


class OfferForm(FlaskForm):
    organisation = SelectField(
        _l("Organisation"),
        coerce=int,
        choices=[],
        validate_choice=True,
    )
    message = TextAreaField(
        _l("A few words to the leaders (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 4},
    )
