"""What a leader types to start or change a regular meeting."""

from wtforms import DateField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from community.events.forms import EventForm
from community.i18n import lazy_gettext as _l
from community.series.models import MONTHLY_DATE, MONTHLY_WEEKDAY, WEEKLY
from community.series.rules import NTH_NAMES, WEEKDAY_NAMES

NEVER, UNTIL, COUNT = "never", "until", "count"


class SeriesForm(EventForm):
    """The event's details, and the rule instead of one date."""

    starts_date = None  # a series has a first day and a rule instead
    ends_date = None
    repeat = RadioField(
        _l("Repeats"),
        choices=[
            SelectChoice(WEEKLY, _l("Every week, or every few weeks")),
            SelectChoice(MONTHLY_WEEKDAY, _l("Monthly on a day of the week (e.g. the first Saturday)")),
            SelectChoice(MONTHLY_DATE, _l("Monthly on a date (e.g. the 15th)")),
        ],
        default=MONTHLY_WEEKDAY,
        validators=[InputRequired(_l("Please choose how the meeting repeats."))],
    )
    weekday = SelectField(
        _l("Day of the week"),
        coerce=int,
        choices=[SelectChoice(n, name) for n, name in enumerate(WEEKDAY_NAMES)],
        default=5,  # the list itself refuses a value it does not offer (no empty first choice)
    )
    interval = IntegerField(
        _l("Every how many weeks"),
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=12, message=_l("Please enter a number of weeks from 1 to 12.")),
        ],
        description=_l("For weekly meetings: 1 is every week, 2 is every other week."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 12},
    )
    nth = SelectField(
        _l("Which one in the month"),
        coerce=int,
        choices=[SelectChoice(n, name) for n, name in NTH_NAMES.items()],
        default=1,
        description=_l("For monthly meetings on a day of the week."),
    )
    monthday = IntegerField(
        _l("Day of the month"),
        validators=[
            Optional(),
            NumberRange(min=1, max=31, message=_l("Please enter a day of the month from 1 to 31.")),
        ],
        description=_l("For monthly meetings on a date. Months without this day are skipped."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 31},
    )
    starts_on = DateField(
        _l("First meeting on or after"),
        validators=[InputRequired(_l("Please choose a date."))],
        render_kw={"type": "date"},
    )
    ends = RadioField(
        _l("Ends"),
        choices=[
            SelectChoice(NEVER, _l("No end date")),
            SelectChoice(UNTIL, _l("On a date")),
            SelectChoice(COUNT, _l("After a number of meetings")),
        ],
        default=NEVER,
        validators=[InputRequired(_l("Please choose when the meetings end."))],
    )
    until = DateField(_l("Last day"), validators=[Optional()], render_kw={"type": "date"})
    count = IntegerField(
        _l("Number of meetings"),
        validators=[
            Optional(),
            NumberRange(min=1, max=200, message=_l("Please enter a number of meetings from 1 to 200.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 200},
    )

    def validate(self, extra_validators=None):
        """Besides each field's rules: the chosen repeat and end have what they need."""
        valid = super().validate(extra_validators)
        if self.repeat.data == MONTHLY_DATE and self.monthday.data is None and not self.monthday.errors:
            self.monthday.errors = list(self.monthday.errors) + [_l("Please enter a day of the month from 1 to 31.")]
            valid = False
        if self.ends.data == UNTIL and self.until.data is None and not self.until.errors:
            self.until.errors = list(self.until.errors) + [_l("Please choose the last day.")]
            valid = False
        if self.ends.data == COUNT and self.count.data is None and not self.count.errors:
            self.count.errors = list(self.count.errors) + [_l("Please enter a number of meetings from 1 to 200.")]
            valid = False
        return valid

    def values(self):
        """The form as series values (the end the leader chose, the other left empty)."""
        return {
            "repeat": self.repeat.data,
            "interval": self.interval.data or 1,
            "weekday": self.weekday.data,
            "nth": self.nth.data,
            "monthday": self.monthday.data,
            "starts_on": self.starts_on.data,
            "until": self.until.data if self.ends.data == UNTIL else None,
            "count": self.count.data if self.ends.data == COUNT else None,
            "starts_time": self.starts_time.data,
            "ends_time": self.ends_time.data,
            "title": self.title.data,
            "description": self.description.data or "",
            "place": self.place.data or "",
            "online_url": self.online_url.data or "",
            "capacity": self.capacity.data,
            "travel_reimbursed": bool(self.travel_reimbursed.data),
            "travel_note": self.travel_note.data or "",
        }

    def fill(self, values):
        """Pre-fill from series values (editing from a meeting on)."""
        for key, value in values.items():
            if key in ("until", "count"):
                continue
            getattr(self, key).data = value
        self.until.data, self.count.data = values["until"], values["count"]
        self.ends.data = UNTIL if values["until"] else COUNT if values["count"] else NEVER
