"""What members type to ask for help, offer it and say thank you."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from community.forms import ChoiceField, stripped
from community.i18n import lazy_gettext as _l
from community.mutual_help.models import CATEGORIES, URGENCIES
from community.safety.nudge import PrivacyNudge

CATEGORY_LABELS = {
    "childcare": _l("Childcare"),
    "respite": _l("Respite and short breaks"),
    "transport": _l("Transport"),
    "things": _l("Things: clothes, toys, furniture"),
    "advice": _l("Advice and experience"),
    "documents": _l("Documents and the guardianship authority"),
    "emotional": _l("Emotional support"),
    "other": _l("Other"),
}
URGENCY_LABELS = {"today": _l("Today"), "week": _l("This week"), "whenever": _l("Whenever")}
KIND_LABELS = {"need": _l("I need"), "offer": _l("I can give")}
NO_CHILD_DATA = _l(
    "Please do not write children's names, diagnoses, addresses or anything that could identify a child. "
    "Say only what help is needed."
)


class HelpRequestForm(PrivacyNudge, FlaskForm):
    NUDGE_FIELDS = ("title", "details")
    kind = RadioField(
        _l("What is it?"),
        choices=[SelectChoice("need", _l("I need help")), SelectChoice("offer", _l("I can give or offer something"))],
        default="need",
        validators=[InputRequired(_l("Please choose."))],
    )
    title = StringField(
        _l("In a few words"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please say in a few words what it is about.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
        description=_l("For example: A lift to the hospital on Thursday morning"),
    )
    details = TextAreaField(
        _l("Details"),
        filters=[stripped],
        validators=[Optional(), Length(max=5000, message=_l("At most 5000 characters."))],
        description=NO_CHILD_DATA,
        render_kw={"rows": 5},
    )
    category = SelectField(_l("Kind of help"), choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    urgency = RadioField(
        _l("How urgent"), choices=[SelectChoice(u, URGENCY_LABELS[u]) for u in URGENCIES], default="week"
    )
    needed_by = DateField(_l("Needed by (optional)"), validators=[Optional()], render_kw={"type": "date"})
    sensitive = BooleanField(
        _l("This is sensitive"),
        description=_l("Emails and previews will show only the kind of help and your first name, not the details."),
    )


class RespondForm(PrivacyNudge, FlaskForm):
    NUDGE_FIELDS = ("message",)
    message = TextAreaField(
        _l("Your message"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write a few words: how you can help, when.")),
            Length(max=2000, message=_l("At most 2000 characters.")),
        ],
        description=_l("Your email and phone stay hidden unless you choose to share them."),
        render_kw={"rows": 3},
    )


class ThreadForm(PrivacyNudge, FlaskForm):
    NUDGE_FIELDS = ("body",)
    NUDGE_PHONES = False
    body = TextAreaField(
        _l("Message"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write something.")),
            Length(max=5000, message=_l("At most 5000 characters.")),
        ],
        description=NO_CHILD_DATA,
        render_kw={"rows": 3},
    )


class ResolveForm(FlaskForm):
    helpers = SelectMultipleField(
        _l("Who helped?"), coerce=int, choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    thank_you = TextAreaField(
        _l("A thank-you (optional; the helpers will see it)"),
        filters=[stripped],
        validators=[Optional(), Length(max=2000, message=_l("At most 2000 characters."))],
        render_kw={"rows": 3},
    )


class CloseForm(FlaskForm):
    note = StringField(
        _l("Why are you closing it? (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=500, message=_l("At most 500 characters."))],
    )


class OfflineHelpForm(FlaskForm):
    helper_id = ChoiceField(_l("Who helped"), coerce=int, choices=[], validators=[InputRequired(_l("Please choose."))])
    helped_id = ChoiceField(
        _l("Whom they helped"), coerce=int, choices=[], validators=[InputRequired(_l("Please choose."))]
    )
    category = SelectField(_l("Kind of help"), choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    when = DateField(_l("When"), validators=[InputRequired(_l("Please choose a date."))], render_kw={"type": "date"})
    note = StringField(
        _l("In a few words (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=200, message=_l("At most 200 characters."))],
        description=NO_CHILD_DATA,
    )


class SubscriptionsForm(FlaskForm):
    categories = SelectMultipleField(
        _l("Email me when someone in my groups needs:"),
        choices=[SelectChoice(c, CATEGORY_LABELS[c]) for c in CATEGORIES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )
