"""What a parent types to claim costs, and what a specialist types to decide."""

from flask_wtf import FlaskForm
from wtforms import DateField, FileField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from community.forms import stripped
from community.groups.forms import CHILD_DATA_WARNING
from community.i18n import lazy_gettext as _l
from community.involve.forms import COST_LABELS, MoneyField, check_amount_required

CLAIM_STATUS_LABELS = {
    "submitted": _l("waiting for a decision"),
    "approved": _l("approved, to be paid"),
    "declined": _l("declined"),
    "paid": _l("paid"),
}


class ClaimForm(FlaskForm):
    category = RadioField(
        _l("What did you spend on?"), choices=[], validators=[InputRequired(_l("Please choose what you spent on."))]
    )
    amount = MoneyField(
        _l("Amount in roubles"),
        validators=[check_amount_required],
        description=_l("For example: 350 or 1250,50"),
    )
    spent_on = DateField(
        _l("Date of the cost"),
        validators=[InputRequired(_l("Please choose the date."))],
        render_kw={"type": "date"},
    )
    note = TextAreaField(
        _l("Note (optional)"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        description=CHILD_DATA_WARNING,
        render_kw={"rows": 3},
    )
    receipt = FileField(
        _l("Receipt (optional)"),
        description=_l("A photo of the receipt or a PDF, up to 5 MB."),
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic,application/pdf"},
    )

    def offer(self, categories):
        """Only the kinds of cost this session or event covers and not yet claimed."""
        self.category.choices = [(c, COST_LABELS[c]) for c in categories]


class ResubmitForm(ClaimForm):
    """A declined claim corrected: the kind of cost stays; the rest can change."""

    category = None


class ClaimDecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Your words to the parent"),
        filters=[stripped],
        validators=[Optional(), Length(max=1000, message=_l("At most 1000 characters."))],
        description=_l("The parent reads this. A reason is needed to decline."),
        render_kw={"rows": 3},
    )
