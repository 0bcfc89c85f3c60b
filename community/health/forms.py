"""Leaders declare breaks and record meetings held outside Krug."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from community.forms import no_markup, stripped
from community.i18n import lazy_gettext as _l


class BreakForm(FlaskForm):
    starts_on = DateField(
        _l("From"), validators=[InputRequired(_l("Please choose a date."))], render_kw={"type": "date"}
    )
    ends_on = DateField(_l("To"), validators=[InputRequired(_l("Please choose a date."))], render_kw={"type": "date"})
    reason = StringField(
        _l("Why (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=200, message=_l("At most 200 characters.")), no_markup],
        description=_l("For example: summer holidays"),
    )


class OfflineMeetingForm(FlaskForm):
    title = StringField(
        _l("What was it"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please name the meeting.")),
            Length(max=200, message=_l("At most 200 characters.")),
            no_markup,
        ],
        description=_l("For example: Tea at Marina's, picnic in the park"),
    )
    day = DateField(_l("Date"), validators=[InputRequired(_l("Please choose a date."))], render_kw={"type": "date"})
    attendees = SelectMultipleField(
        _l("Who came"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Please tick who came."))],
    )
