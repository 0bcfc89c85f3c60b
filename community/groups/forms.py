"""What a person types to create and run a group."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from community.forms import ChoiceField, no_markup, stripped
from community.groups.models import APPROVAL, ENGAGEMENT_ROLES, OPEN
from community.i18n import lazy_gettext as _l
from community.i18n import timezone_choices
from community.safety.nudge import PrivacyNudge

CHILD_DATA_WARNING = _l(
    "Please do not write children's names, diagnoses, addresses or other details that could identify a child."
)

ENGAGEMENT_ROLE_LABELS = {
    "consultant": _l("consultant"),
    "ambassador": _l("ambassador"),
    "critic": _l("friendly critic"),
    "mentor": _l("mentor"),
}
ENGAGEMENT_ROLE_HINTS = {
    "consultant": _l("shares experience when the group or the organisation plans something"),
    "ambassador": _l("tells other families about the group and welcomes newcomers"),
    "critic": _l("says openly what could work better"),
    "mentor": _l("supports parents who are new to foster care"),
}


class GroupForm(FlaskForm):
    FIELDS = ("name", "city", "description", "how_to_join", "join_policy", "timezone")

    name = StringField(
        _l("Group name"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please name the group.")),
            Length(max=120, message=_l("At most 120 characters.")),
            no_markup,
        ],
        description=_l("For example: Foster families of Kazan"),
    )
    city = StringField(
        _l("City or region"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please say where the group meets.")),
            Length(max=80, message=_l("At most 80 characters.")),
            no_markup,
        ],
    )
    description = TextAreaField(
        _l("What the group is about"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please describe the group in a few words.")),
            Length(max=5000, message=_l("At most 5000 characters.")),
        ],
        description=_l("The first line is shown in the directory."),
        render_kw={"rows": 5},
    )
    how_to_join = TextAreaField(
        _l("How to join"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please say who the group is for and how to join.")),
            Length(max=3000, message=_l("At most 3000 characters.")),
        ],
        description=_l(
            "Who the group is for and what joining involves, so everyone knows the rules in advance. Visible to everyone."
        ),
        render_kw={"rows": 4},
    )
    timezone = SelectField(
        _l("Time zone of the group"),
        choices=timezone_choices(),
        default="Europe/Moscow",
        description=_l("Event times are entered and shown in this time zone."),
    )
    join_policy = RadioField(
        _l("Who can join"),
        choices=[
            SelectChoice(OPEN, _l("Anyone can join at once")),
            SelectChoice(APPROVAL, _l("A leader approves each request")),
        ],
        default=APPROVAL,
        validators=[DataRequired(_l("Please choose how people join."))],
    )


class JoinForm(FlaskForm):
    message = TextAreaField(
        _l("A few words to the leaders (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 3},
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the person will see it)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        render_kw={"rows": 3},
    )


class RequiredReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the person will see it)"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please give a reason.")),
            Length(max=1000, message=_l("At most 1000 characters.")),
        ],
        render_kw={"rows": 3},
    )


class EngagementRoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(key, ENGAGEMENT_ROLE_LABELS[key]) for key in ENGAGEMENT_ROLES],
    )


class HandOverForm(FlaskForm):
    successor = ChoiceField(
        _l("Who will lead the group"),
        coerce=int,
        choices=[],
        validators=[InputRequired(_l("Please choose who will lead the group."))],
    )


class PostForm(PrivacyNudge, FlaskForm):
    NUDGE_FIELDS = ("title", "body", "members_said")
    kind = RadioField(
        _l("What kind of post"),
        choices=[
            SelectChoice("discussion", _l("Discussion: share or ask something")),
            SelectChoice("announcement", _l("Announcement: news for every member (sent by email)")),
            SelectChoice("decision", _l("Decision: what the group decided (sent by email)")),
        ],
        default="discussion",
    )
    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please add a short title.")),
            Length(max=200, message=_l("At most 200 characters.")),
        ],
    )
    body = TextAreaField(
        _l("Text"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write the text.")),
            Length(max=20000, message=_l("At most 20000 characters.")),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 8},
    )
    members_said = TextAreaField(
        _l("What members said that led to it (for decisions, optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=5000, message=_l("At most 5000 characters."))],
        description=_l("In plain words, so everyone sees how their voice was heard."),
        render_kw={"rows": 4},
    )


class CommentForm(PrivacyNudge, FlaskForm):
    NUDGE_FIELDS = ("body",)
    body = TextAreaField(
        _l("Your reply"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Please write something.")),
            Length(max=5000, message=_l("At most 5000 characters.")),
        ],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 3},
    )


KIND_LABELS = {
    "discussion": _l("Discussion"),
    "announcement": _l("Announcement"),
    "decision": _l("Decision"),
}
