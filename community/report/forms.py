"""The form that notes an unplanned result (monitoring question 5)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from community.forms import stripped
from community.groups.forms import CHILD_DATA_WARNING


class UnplannedForm(FlaskForm):
    happened_on = DateField(
        _l("When did you notice it?"),
        validators=[InputRequired(_l("Please choose a date."))],
        render_kw={"type": "date"},
    )
    text = TextAreaField(
        _l("What happened that nobody planned for?"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please describe the result.")),
            Length(min=10, max=2000, message=_l("Between 10 and 2000 characters, please.")),
        ],
        description=CHILD_DATA_WARNING,
    )
