"""Costs covered: only people who took part claim; receipts checked by their content, kept
outside the web root and shown only to the claimant and the organisation's specialists;
decisions with a reason, payment, audit, emails, and the accountant's CSV."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from community.audit import AuditEvent
from community.extensions import db
from community.involve.claims.models import CostClaim
from community.involve.claims.money import BadAmount, parse_amount, plain_amount
from tests.conftest import Browser, csrf_from
from tests.events_helpers import make_event
from tests.involve_helpers import (
    ADMIN,
    OTHER_SPECIALIST,
    SPECIALIST_EMAIL,
    accept,
    apply,
    build_world,
    held_session,
    make_opportunity,
    parent,
    user,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def app(make_app, mailbox, tmp_path):
    return make_app(RECEIPTS_DIR=str(tmp_path / "receipts"))


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def took_part(app, make_user, **opportunity):
    """parent1 accepted and recorded at a session held yesterday; parent2 accepted, not recorded."""
    build_world(app, make_user)
    opportunity_id = make_opportunity(app, places=5, **opportunity)
    for n in (1, 2):
        accept(app, apply(app, opportunity_id, parent(n)))
    session_id = held_session(app, opportunity_id, took_part=[parent(1)])
    return opportunity_id, session_id


def claim(browser, session_id, receipt=None, **fields):
    data = {"category": "travel", "amount": "350,50", "spent_on": date.today().isoformat(), "note": "Метро и автобус"}
    data.update(fields)
    if receipt is not None:
        data["receipt"] = receipt
    return post_multipart(browser, f"/claims/session/{session_id}/new", data)


def post_multipart(browser, url, data):
    """POST a form with a file, encoded in memory (the test client would spool a large body to
    a temporary file that nothing closes)."""
    html = browser.get("/claims/").get_data(as_text=True)
    fields = {k: FileStorage(v[0], filename=v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
    boundary, body = encode_multipart({"csrf_token": csrf_from(html), **fields})
    return browser.client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_parent_who_took_part_claims_and_the_organisation_pays(app, make_user, mailbox, tmp_path):
    opportunity_id, session_id = took_part(app, make_user)
    parent1 = signed_in(app, parent(1))
    mailbox.clear()
    # The parent is told they can claim, and finds the session on "My cost claims".
    assert "Первая встреча" in parent1.get("/claims/").get_data(as_text=True)
    response = claim(parent1, session_id, receipt=(io.BytesIO(PNG), "чек.png"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        saved = db.session.scalar(select(CostClaim))
        assert (saved.amount, saved.category, saved.status, saved.receipt_type) == (35050, "travel", "submitted", "png")
        stored = Path(app.config["RECEIPTS_DIR"]) / saved.receipt_key
        assert stored.read_bytes() == PNG
        assert not str(stored).startswith(str(Path(app.root_path) / "static"))
        claim_id = saved.id
    assert [m for m in mailbox.to(SPECIALIST_EMAIL)]  # the specialist hears about it

    # The receipt: the claimant and the organisation's specialists only.
    receipt_url = f"/claims/{claim_id}/receipt"
    assert parent1.get(receipt_url).data == PNG
    specialist = signed_in(app, SPECIALIST_EMAIL)
    served = specialist.get(receipt_url)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    for email in (parent(2), OTHER_SPECIALIST, ADMIN):
        assert signed_in(app, email).get(receipt_url).status_code == 404
        assert signed_in(app, email).get(f"/claims/{claim_id}").status_code == 404
    assert app.test_client().get(receipt_url).status_code == 302  # to the login page

    # Approve, then mark paid: each change audited and emailed to the claimant.
    assert parent1.get(f"/claims/{claim_id}/decide").status_code == 403
    assert specialist.submit(f"/claims/{claim_id}/decide", {"decision": "approve", "reason": ""}).status_code == 302
    assert specialist.submit(f"/claims/{claim_id}/paid", page=f"/claims/{claim_id}").status_code == 302
    with app.app_context():
        assert db.session.get(CostClaim, claim_id).status == "paid"
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "costclaim")))
        assert {"claims.submit", "claims.approve", "claims.pay", "claims.view_receipt"} <= set(actions)
    subjects = [m["Subject"] for m in mailbox.to(parent(1))]
    assert len([s for s in subjects if "заявк" in s.lower() or "claim" in s.lower()]) == 2, subjects

    # The accountant's CSV holds the claim and the month's total.
    csv = specialist.get("/orgs/fond/claims.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "350.50" in text and "Родитель 1" in text
    month = date.today().strftime("%Y-%m")
    assert any(line.startswith(month) and "350.50" in line for line in text.splitlines())
    assert signed_in(app, parent(1)).get("/orgs/fond/claims.csv").status_code == 404
    assert signed_in(app, ADMIN).get("/orgs/fond/claims").status_code == 404


def test_only_people_who_took_part_can_claim(app, make_user):
    opportunity_id, session_id = took_part(app, make_user)
    # Accepted, but not recorded at the session.
    response = claim(signed_in(app, parent(2)), session_id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/claims/")
    with app.app_context():
        assert db.session.scalar(select(CostClaim)) is None


def test_a_declined_claim_tells_the_reason(app, make_user, mailbox):
    opportunity_id, session_id = took_part(app, make_user)
    claim(signed_in(app, parent(1)), session_id)
    with app.app_context():
        claim_id = db.session.scalar(select(CostClaim.id))
    specialist = signed_in(app, SPECIALIST_EMAIL)
    response = specialist.submit(f"/claims/{claim_id}/decide", {"decision": "decline", "reason": ""})
    assert response.status_code == 200 and 'id="reason-error"' in response.get_data(as_text=True)
    reason = "Нужен чек: пришлите, пожалуйста, фото билета."
    specialist.submit(f"/claims/{claim_id}/decide", {"decision": "decline", "reason": reason})
    assert reason in signed_in(app, parent(1)).get(f"/claims/{claim_id}").get_data(as_text=True)
    assert any(reason in mailbox.text(m) for m in mailbox.to(parent(1)))
    # A declined claim cannot be paid.
    specialist.submit(f"/claims/{claim_id}/paid", page=f"/claims/{claim_id}")
    with app.app_context():
        assert db.session.get(CostClaim, claim_id).status == "declined"


def test_a_declined_claim_is_corrected_and_sent_again(app, make_user, mailbox):
    opportunity_id, session_id = took_part(app, make_user)
    parent1 = signed_in(app, parent(1))
    claim(parent1, session_id)
    with app.app_context():
        claim_id = db.session.scalar(select(CostClaim.id))
    specialist = signed_in(app, SPECIALIST_EMAIL)
    # Only a declined claim can be sent again.
    assert parent1.get(f"/claims/{claim_id}/again").status_code == 302
    reason = "Нужен чек: пришлите, пожалуйста, фото билета."
    specialist.submit(f"/claims/{claim_id}/decide", {"decision": "decline", "reason": reason})
    page = parent1.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert f"/claims/{claim_id}/again" in page
    # Someone else's claim cannot be sent again, not even by the organisation.
    assert specialist.get(f"/claims/{claim_id}/again").status_code == 403
    form = parent1.get(f"/claims/{claim_id}/again").get_data(as_text=True)
    assert 'value="350,50"' in form and reason in form
    # A bad amount is answered, and nothing changes.
    response = post_multipart(
        parent1, f"/claims/{claim_id}/again", {"amount": "-5", "spent_on": date.today().isoformat()}
    )
    assert response.status_code == 200 and 'id="amount-error"' in response.get_data(as_text=True)
    response = post_multipart(
        parent1,
        f"/claims/{claim_id}/again",
        {
            "amount": "320",
            "spent_on": date.today().isoformat(),
            "note": "Вот билет",
            "receipt": (io.BytesIO(PNG), "билет.png"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(CostClaim, claim_id)
        assert (saved.status, saved.amount, saved.note, saved.reason) == ("submitted", 32000, "Вот билет", "")
        assert saved.receipt_key and saved.decided_at is None
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "claims.resubmit"))
    # The specialists are told twice: the claim, then the corrected claim.
    assert sum(f"/claims/{claim_id}" in mailbox.text(m) for m in mailbox.to(SPECIALIST_EMAIL)) == 2
    # The organisation decides again.
    specialist.submit(f"/claims/{claim_id}/decide", {"decision": "approve", "reason": ""})
    with app.app_context():
        assert db.session.get(CostClaim, claim_id).status == "approved"


def test_one_claim_per_session_and_kind_of_cost(app, make_user):
    opportunity_id, session_id = took_part(app, make_user)
    parent1 = signed_in(app, parent(1))
    assert claim(parent1, session_id).status_code == 302
    # Childcare is another kind of cost: allowed once too.
    assert claim(parent1, session_id, category="childcare", amount="400").status_code == 302
    # Travel again: the form no longer offers it.
    response = claim(parent1, session_id, category="travel")
    assert response.status_code in (200, 302)
    with app.app_context():
        assert sorted(db.session.scalars(select(CostClaim.category))) == ["childcare", "travel"]


def test_event_with_travel_reimbursed_lets_attendees_claim_travel(app, make_user):
    world = build_world(app, make_user)
    event_id = make_event(app, world["group"], travel_reimbursed=True, creator="leader@example.org")
    from community.events import registration
    from community.events.models import Event, Registration
    from community.models import utcnow
    from tests.conftest import work

    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at, event.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2, hours=-2)
        db.session.add(Registration(event_id=event_id, user_id=user(parent(1)).id, status="going", attended=True))
        db.session.add(Registration(event_id=event_id, user_id=user(parent(2)).id, status="going", attended=False))
        registration.recount(db.session.get(Event, event_id))
    parent1 = signed_in(app, parent(1))
    url = f"/claims/event/{event_id}/new"
    page = parent1.get(url).get_data(as_text=True)
    assert 'value="travel"' in page and 'value="childcare"' not in page
    response = parent1.submit(url, {"category": "travel", "amount": "120", "spent_on": date.today().isoformat()})
    assert response.status_code == 302
    assert signed_in(app, parent(2)).get(url).status_code == 302  # did not attend: sent back with a message
    with app.app_context():
        [saved] = db.session.scalars(select(CostClaim)).all()
        assert saved.event_id == event_id and saved.organisation.slug == "fond"


HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": "-100"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "100000000"}, "amount"),
        ({"amount": "1e9"}, "amount"),
        ({"amount": "12,345"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"amount": "600"}, "amount"),  # over the opportunity's limit of 500
        ({"category": "jewellery"}, "category"),
        ({"category": "other"}, "category"),  # not covered by this opportunity
        ({"spent_on": "2026-02-31"}, "spent_on"),
        ({"spent_on": (date.today() + timedelta(days=30)).isoformat()}, "spent_on"),
        ({"receipt": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * (6 * 1024 * 1024)), "big.png")}, "receipt"),
        ({"receipt": (io.BytesIO(EXE), "receipt.pdf")}, "receipt"),
        ({"receipt": (io.BytesIO(HTML), "receipt.jpg")}, "receipt"),
        ({"receipt": (io.BytesIO(b""), "empty.png")}, "receipt"),
    ],
)
def test_bad_claims_are_answered_next_to_the_field(app, make_user, change, field):
    opportunity_id, session_id = took_part(app, make_user)
    data = {"note": "Метро: туда и обратно", **change}
    receipt = data.pop("receipt", None)
    response = claim(signed_in(app, parent(1)), session_id, receipt=receipt, **data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body[:1000]
    assert f'id="{field}-error"' in body
    assert "Метро: туда и обратно" in body  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(CostClaim)) is None
    assert not any(Path(app.config["RECEIPTS_DIR"]).glob("*")) if Path(app.config["RECEIPTS_DIR"]).exists() else True


def test_a_pdf_receipt_is_downloaded_not_shown(app, make_user):
    opportunity_id, session_id = took_part(app, make_user)
    parent1 = signed_in(app, parent(1))
    claim(parent1, session_id, receipt=(io.BytesIO(PDF), "чек.pdf"))
    with app.app_context():
        claim_id = db.session.scalar(select(CostClaim.id))
    served = parent1.get(f"/claims/{claim_id}/receipt")
    assert served.mimetype == "application/pdf" and served.headers["Content-Disposition"].startswith("attachment")


def test_csv_cells_never_run_as_formulas(app, make_user):
    opportunity_id, session_id = took_part(app, make_user)
    with app.app_context():
        user(parent(1)).display_name = '=HYPERLINK("http://evil")'
        db.session.commit()
    claim(signed_in(app, parent(1)), session_id)
    text = signed_in(app, SPECIALIST_EMAIL).get("/orgs/fond/claims.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_unreferenced_receipts_are_swept(app, make_user):
    from community.involve.claims import receipts
    from tests.conftest import work

    opportunity_id, session_id = took_part(app, make_user)
    claim(signed_in(app, parent(1)), session_id, receipt=(io.BytesIO(PNG), "a.png"))
    folder = Path(app.config["RECEIPTS_DIR"])
    (folder / ("0" * 32)).write_bytes(PNG)  # left by a transaction that did not commit
    with work(app):
        assert receipts.sweep(min_age_seconds=-1) == 1
    with app.app_context():
        assert (folder / db.session.scalar(select(CostClaim.receipt_key))).exists()


# --- amounts as people type them ------------------------------------------------------------------

MAX = 100_000 * 100


@given(st.integers(min_value=1, max_value=MAX))
def test_an_amount_written_back_reads_the_same(kopecks):
    assert parse_amount(plain_amount(kopecks), MAX) == kopecks
    assert parse_amount(plain_amount(kopecks).replace(",", "."), MAX) == kopecks


@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["", " ₽", "₽", " руб.", " р."]))
def test_roubles_with_spaces_and_a_sign(roubles, sign):
    typed = f"{roubles:,}".replace(",", "\u00a0") + sign
    assert parse_amount(typed, MAX) == roubles * 100


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_any_text_is_an_amount_or_a_clear_refusal(text):
    try:
        amount = parse_amount(text, MAX)
    except BadAmount as error:
        assert error.reason in ("format", "zero", "too-large")
    else:
        assert 0 < amount <= MAX


@given(st.integers(min_value=MAX + 1, max_value=10**12) | st.integers(max_value=0))
def test_out_of_range_amounts_are_refused(kopecks):
    with pytest.raises(BadAmount):
        parse_amount(plain_amount(abs(kopecks)) if kopecks > 0 else f"-{plain_amount(abs(kopecks) or 1)}", MAX)
