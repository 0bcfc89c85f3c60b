"""What a person types to write to another member."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from community.forms import stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l
from community.safety.nudge import PrivacyNudge


class MessageForm(PrivacyNudge, FlaskForm):
    NUDGE_FIELDS = ("body",)
    NUDGE_PHONES = False
    body = TextAreaField(
        _l("Your message"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write something.")),
            Length(max=5000, message=_l("At most 5000 characters.")),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 4},
    )
