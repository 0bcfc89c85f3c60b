"""The accountant's CSV of an organisation's cost claims: one row per claim, then totals per
month of spending and kind of cost for approved and paid claims. Cells never start a formula."""

import csv
import io

from community.audit import audit
from community.i18n import gettext as _
from community.involve.claims.forms import CLAIM_STATUS_LABELS
from community.involve.claims.models import APPROVED, PAID
from community.involve.claims.service import claim_title, every_claim_of
from community.involve.forms import COST_LABELS


def _cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rub(kopecks):
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def _labels():
    """Column names and the words for kinds and statuses, in the reader's language."""
    return {
        "header": [
            _("Claim"),
            _("Date of the cost"),
            _("Name"),
            _("Email"),
            _("For"),
            _("Kind of cost"),
            _("Amount, roubles"),
            _("Status"),
            _("Reason or note"),
            _("Paid on"),
            _("Receipt"),
        ],
        "totals_header": [
            _("Month"),
            _("Kind of cost"),
            _("Claims approved or paid"),
            _("Approved, to pay"),
            _("Paid"),
            _("Total"),
        ],
        "category": {key: str(label) for key, label in COST_LABELS.items()},
        "status": {key: str(label) for key, label in CLAIM_STATUS_LABELS.items()},
        "receipt": _("receipt attached"),
    }


def claims_csv(actor, organisation):
    """Every claim (one row each), then totals per kind of cost and month of spending for
    approved and paid claims. Exporting is audited."""
    labels = _labels()
    claims = every_claim_of(organisation)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in labels["header"]])
    for c in claims:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    c.id,
                    c.spent_on.isoformat(),
                    c.user.display_name,
                    c.user.email,
                    claim_title(c),
                    labels["category"][c.category],
                    _rub(c.amount),
                    labels["status"][c.status],
                    c.reason,
                    c.paid_at.date().isoformat() if c.paid_at else "",
                    labels["receipt"] if c.receipt_key else "",
                )
            ]
        )
    totals = {}
    for c in claims:
        if c.status in (APPROVED, PAID):
            row = totals.setdefault((c.spent_on.strftime("%Y-%m"), c.category), [0, 0, 0])
            row[0] += 1
            row[1 if c.status == APPROVED else 2] += c.amount
    writer.writerow([])
    writer.writerow([_cell(h) for h in labels["totals_header"]])
    for (month, category), (count, approved, paid) in sorted(totals.items()):
        writer.writerow([month, labels["category"][category], count, _rub(approved), _rub(paid), _rub(approved + paid)])
    audit(actor, "claims.export", organisation, rows=len(claims))
    return out.getvalue()
