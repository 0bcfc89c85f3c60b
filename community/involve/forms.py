"""What organisers and parents type about opportunities, and the words for each choice."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from community.events.service import local
from community.forms import no_markup, stripped
from community.groups.forms import CHILD_DATA_WARNING, ENGAGEMENT_ROLE_LABELS
from community.groups.models import ENGAGEMENT_ROLES
from community.i18n import lazy_gettext as _l
from community.involve.claims.money import BadAmount, parse_amount, plain_amount
from community.involve.models import MAX_PLACES, Format, Level

LEVEL_LABELS = {
    Level.INDIVIDUAL: _l("Individual: a family's own support plan"),
    Level.COMMUNITY: _l("Community: parents' groups and the local community"),
    Level.OPERATIONAL: _l("Services: how the organisation's services work"),
    Level.STRATEGIC: _l("Strategy: plans and decisions of the organisation"),
    Level.MONITORING: _l("Evaluation: checking what has changed and why"),
}
LEVEL_SHORT = {
    Level.INDIVIDUAL: _l("individual level"),
    Level.COMMUNITY: _l("community level"),
    Level.OPERATIONAL: _l("services level"),
    Level.STRATEGIC: _l("strategy level"),
    Level.MONITORING: _l("evaluation level"),
}
FORMAT_LABELS = {
    Format.IN_PERSON: _l("In person"),
    Format.ONLINE: _l("Online"),
    Format.MIXED: _l("In person and online"),
}
COST_LABELS = {"travel": _l("travel"), "childcare": _l("childcare"), "other": _l("other costs")}
# The organisers' words for each application, and the applicant's own.
APPLICATION_LABELS = {
    "applied": _l("waiting for your answer"),
    "accepted": _l("taking part"),
    "waitlisted": _l("on the waiting list"),
    "declined": _l("not chosen"),
    "withdrawn": _l("withdrew"),
}
MY_APPLICATION_LABELS = {
    "applied": _l("you applied, waiting for an answer"),
    "accepted": _l("you take part"),
    "waitlisted": _l("you are on the waiting list"),
    "declined": _l("not chosen this time"),
    "withdrawn": _l("you withdrew"),
}
STATUS_LABELS = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed")}
AMOUNT_MESSAGES = {
    "format": _l("Please write the amount in roubles, for example 350 or 1250,50."),
    "zero": _l("The amount must be more than zero."),
    "too-large": _l("This is more than 100 000 roubles. Please check the amount."),
}
MAX_CLAIM_KOPECKS = 100_000 * 100


class MoneyField(StringField):
    """Roubles with kopecks as a person types them; the text is kept as typed and, once
    valid, `kopecks` holds the amount."""

    kopecks = None

    def __init__(self, *args, maximum=MAX_CLAIM_KOPECKS, **kwargs):
        kwargs.setdefault("filters", [stripped])
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.maximum = maximum

    def process_data(self, value):
        """From the model (kopecks) to the text shown in the form."""
        self.data = plain_amount(value) if isinstance(value, int) else value

    def post_validate(self, form, validation_stopped):
        self.kopecks = None
        if validation_stopped or self.errors or not self.data:
            return
        try:
            self.kopecks = parse_amount(self.data, self.maximum)
        except BadAmount as error:
            self.errors.append(AMOUNT_MESSAGES[error.reason])


def _text(label, limit, required=None, rows=4, description=None):
    validators = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=limit, message=_l("At most %(max)d characters.", max=limit)))
    return TextAreaField(
        label, filters=[stripped], validators=validators, render_kw={"rows": rows}, description=description
    )


def _date(label, required, description=None):
    return DateField(label, validators=[InputRequired(required)], render_kw={"type": "date"}, description=description)


class OpportunityForm(FlaskForm):
    """Every part of an opportunity the framework asks for (SPEC §3a)."""

    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please name the opportunity.")),
            Length(max=200, message=_l("At most 200 characters.")),
            no_markup,
        ],
        description=_l("For example: Parents' advisory panel on the respite service"),
    )
    purpose = _text(
        _l("Purpose: what we want to achieve together"),
        3000,
        _l("Please say what the opportunity is for."),
        description=_l("One goal, in plain words, that everyone understands the same way."),
    )
    limits = _text(
        _l("What can change, and what cannot"),
        2000,
        _l("Please say what can and cannot change: it saves disappointment later."),
        rows=3,
        description=_l(
            "For example: we can change the timetable and how families sign up; we cannot change the budget."
        ),
    )
    level = RadioField(
        _l("Level of involvement"),
        choices=[SelectChoice(key, label) for key, label in LEVEL_LABELS.items()],
        validators=[InputRequired(_l("Please choose a level."))],
    )
    role = SelectField(
        _l("Role of the parents who take part"),
        choices=[SelectChoice(key, ENGAGEMENT_ROLE_LABELS[key]) for key in ENGAGEMENT_ROLES],
        description=_l("Accepted parents hold this role in their groups while the opportunity lasts."),
    )
    criteria = _text(
        _l("Who can take part (open criteria)"),
        3000,
        _l("Please write who can take part: the criteria are what you choose by, and everyone sees them."),
        description=_l("For example: a foster family for at least a year; has used the respite service."),
    )
    time_asked = StringField(
        _l("Time asked"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please say how much time it takes.")),
            Length(max=300, message=_l("At most 300 characters.")),
        ],
        description=_l("For example: three meetings of two hours, once a month"),
    )
    starts_on = _date(_l("Starts on"), _l("Please choose a date."))
    ends_on = _date(_l("Ends on"), _l("Please choose a date."), _l("Accepted parents hold the role until this day."))
    format = RadioField(
        _l("Format"),
        choices=[SelectChoice(key, label) for key, label in FORMAT_LABELS.items()],
        default=Format.IN_PERSON.value,
        validators=[InputRequired(_l("Please choose a format."))],
    )
    place = StringField(
        _l("Place (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters.")), no_markup],
    )
    preparation = _text(
        _l("Preparation and support we offer"),
        3000,
        _l("Please say how you will prepare and support the parents."),
        rows=3,
        description=_l("For example: a meeting to get ready, a specialist to call, childcare during sessions."),
    )
    materials = _text(
        _l("Materials for accepted parents (optional)"),
        10000,
        rows=4,
        description=_l("Texts and links to read beforehand. Only accepted parents see them."),
    )
    covers_travel = BooleanField(_l("We pay travel costs"))
    covers_childcare = BooleanField(_l("We pay childcare costs"))
    covers_other = BooleanField(_l("We pay other costs"))
    cost_limit = MoneyField(
        _l("Most per session and kind of cost, in roubles (optional)"),
        validators=[Optional()],
        description=_l("For example: 500. Leave empty if there is no set limit."),
    )
    costs_note = StringField(
        _l("About the costs (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=500, message=_l("At most 500 characters.")), no_markup],
        description=_l("For example: keep your tickets; babysitting up to 3 hours"),
    )
    places = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(_l("Please say how many parents can take part.")),
            NumberRange(min=1, max=MAX_PLACES, message=_l("Please enter a number from 1 to 500.")),
        ],
        description=_l("When the places are taken, the people you accept join a waiting list."),
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_PLACES},
    )
    deadline = _date(_l("Apply by"), _l("Please choose the last day to apply."))

    def values(self):
        """The fields by name, as the service takes them (the limit in kopecks)."""
        values = {name: self[name].data for name in self._fields if name not in ("csrf_token", "cost_limit")}
        values["cost_limit"] = self.cost_limit.kopecks
        return values


class ApplyForm(FlaskForm):
    note = TextAreaField(
        _l("A few words about you"),
        filters=[stripped],
        validators=[
            DataRequired(
                _l("Please write a few words: why you would like to take part and how you meet the criteria.")
            ),
            Length(max=1000, message=_l("At most 1000 characters.")),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 4},
    )


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Your words to the applicant"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        description=_l("The applicant reads this. A reason is needed to decline."),
        render_kw={"rows": 4},
    )


def session_data(session, timezone):
    """What the session form shows for an existing session: its local date and times."""
    starts, ends = local(session.starts_at, timezone), local(session.ends_at, timezone)
    return {
        "title": session.title,
        "starts_date": starts.date(),
        "starts_time": starts.time().replace(second=0, microsecond=0),
        "ends_time": ends.time().replace(second=0, microsecond=0),
        "place": session.place,
    }


class SessionForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please name the session.")),
            Length(max=200, message=_l("At most 200 characters.")),
            no_markup,
        ],
        description=_l("For example: First meeting of the panel"),
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
    place = StringField(
        _l("Place or link (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=300, message=_l("At most 300 characters.")), no_markup],
    )


def check_amount_required(form, field):
    """For required money fields: an empty amount gets its own message."""
    if not field.data:
        raise StopValidation(_l("Please enter the amount."))
