"""What members and answerers type about suggestions, and the words for each status."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from community.forms import id_from, no_markup, stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l
from community.involve.forms import LEVEL_LABELS
from community.voice.models import SuggestionStatus

STATUS_LABELS = {
    SuggestionStatus.NEW: _l("waiting for an answer"),
    SuggestionStatus.HEARD: _l("heard"),
    SuggestionStatus.CONSIDERING: _l("considering"),
    SuggestionStatus.DOING: _l("doing"),
    SuggestionStatus.DONE: _l("done"),
    SuggestionStatus.NOT_POSSIBLE: _l("not possible"),
}
# What each answer means, said to the person choosing it.
STATUS_HINTS = {
    SuggestionStatus.HEARD: _l("Heard: we have read it and will think about it."),
    SuggestionStatus.CONSIDERING: _l("Considering: we are weighing it up, and say what it depends on."),
    SuggestionStatus.DOING: _l("Doing: we have started to make it happen."),
    SuggestionStatus.DONE: _l("Done: it has changed. Say what changed and at which level."),
    SuggestionStatus.NOT_POSSIBLE: _l("Not possible: we cannot do it, and say honestly why."),
}


class SuggestionForm(FlaskForm):
    """A member's suggestion."""

    title = StringField(
        _l("Your suggestion, in one line"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write your suggestion in one line.")),
            Length(max=200, message=_l("At most 200 characters.")),
            no_markup,
        ],
        description=_l("For example: Meet on Saturday mornings, so that working parents can come"),
    )
    body = TextAreaField(
        _l("Why, and what would help (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=3000, message=_l("At most %(max)d characters.", max=3000))],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 5},
    )
    anonymous = BooleanField(
        _l("Do not show my name"),
        description=_l(
            "Nobody will see who wrote it: not the group, not the leaders, not the organisation. "
            "Krug keeps it with your account only so that you can see it and delete it."
        ),
    )


class AnswerForm(FlaskForm):
    """The leaders' or specialists' answer: a status, always with a reason."""

    status = RadioField(_l("Your answer"), validators=[DataRequired(_l("Please choose an answer."))])
    reason = TextAreaField(
        _l("Why: what you tell the author and the supporters"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please give a reason: the author and the supporters will read it.")),
            Length(max=3000, message=_l("At most %(max)d characters.", max=3000)),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 4},
    )
    done_change = TextAreaField(
        _l("What changed (for “done”)"),
        filters=[stripped],
        validators=[Optional(), Length(max=3000, message=_l("At most %(max)d characters.", max=3000))],
        description=_l("In plain words, what is different now. For example: meetings moved to Saturdays at 11."),
        render_kw={"rows": 3},
    )
    done_level = SelectField(
        _l("At which level it changed (for “done”)"),
        choices=[SelectChoice("", _l("Choose a level"))] + [SelectChoice(k, v) for k, v in LEVEL_LABELS.items()],
        validators=[Optional()],
    )
    decision = SelectField(_l("The decision that answers it (optional)"), choices=[], validators=[Optional()])
    # The status the answerer saw when the form opened: an answer given meanwhile is not overwritten.
    seen = HiddenField()

    def offer(self, statuses, decisions):
        """The answers this suggestion may take next, and the group's decisions to cite."""
        self.status.choices = [SelectChoice(s, STATUS_HINTS[s]) for s in statuses]
        self.decision.choices = [SelectChoice("", _l("No decision"))] + [
            SelectChoice(str(d.id), d.title) for d in decisions
        ]
        if not decisions:
            del self.decision

    @property
    def decision_id(self):
        field = getattr(self, "decision", None)
        return id_from(field.data) if field is not None else None
