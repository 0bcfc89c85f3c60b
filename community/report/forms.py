"""The forms of monitoring question 5: noting an unplanned result, and marking an item of the
organisation's groups as an unexpected result."""

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from community.forms import stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l
from community.report.models import NOTE_MAX, UnexpectedKind


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


class UnexpectedForm(FlaskForm):
    note = TextAreaField(
        _l("What was unexpected about it?"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please say in a few words what was unexpected about it.")),
            Length(max=NOTE_MAX, message=_l("At most %(max)d characters.", max=NOTE_MAX)),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 3, "maxlength": NOTE_MAX},
    )


# What each kind of item is called in the report and on the marking page.
KIND_LABELS = {
    UnexpectedKind.SUGGESTION: _l("Suggestion"),
    UnexpectedKind.EVENT: _l("Meeting"),
    UnexpectedKind.OPPORTUNITY: _l("Opportunity to take part"),
    UnexpectedKind.DECISION: _l("Group decision"),
}
