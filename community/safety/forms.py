"""What people type to report, to tell an author why, and to suspend an account."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.forms import stripped
from community.i18n import lazy_gettext as _l

REASON_LABELS = {
    "child_data": _l("Personal data of a child"),
    "insult": _l("An insult or a threat"),
    "advertising": _l("Advertising or spam"),
    "other": _l("Something else"),
}
KIND_LABELS = {
    "post": _l("post"),
    "comment": _l("reply"),
    "help_request": _l("help request"),
    "help_answer": _l("answer to a help request"),
    "help_message": _l("message about a help request"),
    "message": _l("private message"),
}


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong?"),
        choices=[SelectChoice(value, label) for value, label in REASON_LABELS.items()],
        validators=[InputRequired(_l("Please choose a reason from the list."))],
    )
    note = TextAreaField(
        _l("Anything the leaders should know (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        render_kw={"rows": 3},
    )


class HideForm(FlaskForm):
    note = TextAreaField(
        _l("A word to the author (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        description=_l("The author gets the reason chosen in the report, and this note, in Krug and by email."),
        render_kw={"rows": 3},
    )


class SuspendForm(FlaskForm):
    reason = TextAreaField(
        _l("Why (the person reads it in the email)"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please give a reason: the person will read it.")),
            Length(max=1000, message=_l("At most 1000 characters.")),
        ],
        render_kw={"rows": 3},
    )
    hide_everything = BooleanField(_l("Also hide everything this person has written, in every group"))
