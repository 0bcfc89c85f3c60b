"""What a specialist types to send a survey, and the words for each choice."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from community.forms import no_markup, stripped
from community.i18n import lazy_gettext as _l
from community.surveys.models import MAX_QUESTIONS, QuestionKind, Repeat

KIND_LABELS = {
    QuestionKind.SCALE: _l("A scale from 1 to 5"),
    QuestionKind.CHOICE: _l("One choice from a list"),
    QuestionKind.TEXT: _l("A short text"),
}
REPEAT_LABELS = {Repeat.ONCE: _l("Once"), Repeat.QUARTERLY: _l("Every quarter, with the same questions")}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _question_fields(n):
    return {
        f"q{n}_text": StringField(
            _l("Question %(n)d", n=n),
            filters=[stripped],
            validators=[Optional(), Length(max=300, message=_l("At most 300 characters.")), no_markup]
            if n > 1
            else [
                DataRequired(_l("Please write at least one question.")),
                Length(max=300, message=_l("At most 300 characters.")),
                no_markup,
            ],
        ),
        f"q{n}_kind": SelectField(
            _l("How people answer question %(n)d", n=n),
            choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
            default="scale",
        ),
        f"q{n}_choices": TextAreaField(
            _l("The choices for question %(n)d, one a line (for “one choice”)", n=n),
            filters=[stripped],
            validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
            render_kw={"rows": 3},
        ),
    }


class SurveyForm(FlaskForm):
    """A pulse survey: a title, a few words, 1–5 questions, the groups, once or every quarter."""

    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please name the survey.")),
            Length(max=200, message=_l("At most 200 characters.")),
            no_markup,
        ],
        description=_l("For example: How are the group meetings going?"),
    )
    intro = TextAreaField(
        _l("A few words to the parents (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        render_kw={"rows": 2},
    )
    groups = CheckboxesField(_l("Send to the parents of"), coerce=int, validators=[Optional()])
    repeat = RadioField(
        _l("How often"),
        choices=[SelectChoice(k, v) for k, v in REPEAT_LABELS.items()],
        default="once",
        validators=[InputRequired(_l("Please choose how often."))],
    )
    open_days = IntegerField(
        _l("Open for how many days"),
        default=14,
        validators=[
            InputRequired(_l("Please enter a number of days.")),
            NumberRange(1, 60, message=_l("Please enter a number from 1 to 60.")),
        ],
    )

    def questions(self):
        return [
            (self[f"q{n}_kind"].data, self[f"q{n}_text"].data, self[f"q{n}_choices"].data)
            for n in range(1, MAX_QUESTIONS + 1)
        ]

    def question_rows(self):
        return [(self[f"q{n}_text"], self[f"q{n}_kind"], self[f"q{n}_choices"]) for n in range(1, MAX_QUESTIONS + 1)]


for _n in range(1, MAX_QUESTIONS + 1):
    for _name, _field in _question_fields(_n).items():
        setattr(SurveyForm, _name, _field)
