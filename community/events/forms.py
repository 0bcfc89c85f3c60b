"""What organisers and attendees type."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from community.forms import ChoiceField, no_markup, stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please name the event.")),
            Length(max=200, message=_l("At most 200 characters.")),
            no_markup,
        ],
        description=_l("For example: Monthly meeting, Picnic in the park, Training on school and documents"),
    )
    description = TextAreaField(
        _l("What will happen"),
        filters=[stripped],
        validators=[Optional(), Length(max=10000, message=_l("At most 10000 characters."))],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 5},
    )
    starts_date = DateField(
        _l("Date"), validators=[InputRequired(_l("Please choose a date."))], render_kw={"type": "date"}
    )
    starts_time = TimeField(
        _l("Starts at"),
        validators=[InputRequired(_l("Please enter the start time, e.g. 11:00."))],
        render_kw={"type": "time"},
    )
    ends_time = TimeField(
        _l("Ends at"),
        validators=[InputRequired(_l("Please enter the end time, e.g. 13:00."))],
        render_kw={"type": "time"},
    )
    ends_date = DateField(
        _l("Ends on another day (optional)"),
        validators=[Optional()],
        render_kw={"type": "date"},
        description=_l("Leave empty if the event ends the same day."),
    )
    place = StringField(
        _l("Place"),
        filters=[stripped],
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters.")), no_markup],
        description=_l("Address or how to find it. Leave empty for an online event."),
    )
    online_url = StringField(
        _l("Online link (optional)"),
        filters=[stripped],
        validators=[
            Optional(),
            Length(max=500, message=_l("At most 500 characters.")),
            URL(require_tld=True, message=_l("Please paste a full link starting with https://")),
        ],
        description=_l("Shown only to people who registered."),
        render_kw={"inputmode": "url"},
    )
    capacity = IntegerField(
        _l("Places (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("Please enter a number from 1 to 10000, or leave it empty.")),
        ],
        description=_l("When the places are taken, people join a waiting list."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 10000},
    )
    travel_reimbursed = BooleanField(_l("Travel costs are reimbursed"))
    travel_note = StringField(
        _l("About the reimbursement (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=500, message=_l("At most 500 characters."))],
        description=_l("For example: bring your tickets, up to 500 roubles"),
    )

    def validate(self, extra_validators=None):
        """Besides each field's rules: an event needs a place or an online link."""
        valid = super().validate(extra_validators)
        if not self.place.data and not self.online_url.data and not self.online_url.errors:
            self.place.errors = list(self.place.errors) + [_l("Please give a place or an online link.")]
            valid = False
        return valid


class CancelEventForm(FlaskForm):
    reason = TextAreaField(
        _l("A few words to the people who registered (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        render_kw={"rows": 3},
    )


class InviteOrganiserForm(FlaskForm):
    user_id = ChoiceField(
        _l("Who will organise with you"),
        coerce=int,
        choices=[],
        validators=[InputRequired(_l("Please choose a member."))],
    )


class FeedbackForm(FlaskForm):
    feeling = RadioField(
        _l("How did you feel at the event?"),
        choices=[
            SelectChoice(str(n), label)
            for n, label in (
                (5, _l("5 — very good")),
                (4, _l("4 — good")),
                (3, _l("3 — so-so")),
                (2, _l("2 — not good")),
                (1, _l("1 — bad")),
            )
        ],
        validators=[InputRequired(_l("Please choose from 1 to 5."))],
    )
    helped = TextAreaField(
        _l("What helped?"),
        filters=[stripped],
        validators=[Optional(), Length(max=2000, message=_l("At most 2000 characters."))],
        render_kw={"rows": 3},
    )
    change = TextAreaField(
        _l("What would you change?"),
        filters=[stripped],
        validators=[Optional(), Length(max=2000, message=_l("At most 2000 characters."))],
        render_kw={"rows": 3},
        description=CHILD_DATA_WARNING,
    )
    anonymous = BooleanField(_l("Answer anonymously (organisers will not see my name)"), default=True)


class OrganiserMessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message to everyone registered"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write something.")),
            Length(max=5000, message=_l("At most 5000 characters.")),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 5},
    )
