"""Community-health indicators (SPEC §4) on small hand-built communities whose right answers
were worked out by hand.

Every row is inserted straight into the database at a fixed moment relative to `AT`, the end
of May 2026 (the snapshot of the period May 2026), so the answers never depend on today's date.
Windows (half-open, ending at `AT`; no breaks declared unless a test says so): the month of
May, [AT-31 d, AT), for A1 and members; the quarter March–May, [AT-92 d, AT), for A3, P1, P3,
P4, L2; the half year December–May, [AT-182 d, AT), for P2 and I1; the last 90 non-break days
for L1; the last 3 non-break months against the 3 before them for G2 and L3; the last 6
non-break months for F4's bench; joiners of February–April, [AT-120 d, AT-31 d), for G1.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from community.auth.models import User
from community.events.models import (
    ACCEPTED,
    CANCELLED,
    DRAFT,
    GOING,
    INVITED,
    PUBLISHED,
    Event,
    EventOrganiser,
    Registration,
)
from community.extensions import db
from community.groups.models import (
    ACTIVE,
    APPROVAL,
    LEADER,
    LEFT,
    MEMBER,
    PENDING,
    SPECIALIST,
    Comment,
    Group,
    Membership,
    Post,
)
from community.health import service
from community.health.models import HealthActivity, HealthSnapshot
from community.mutual_help.models import CLOSED, NEED, OFFER, OPEN, RESOLVED, HelpRequest, HelpResponse
from community.orgs.models import Organisation, Specialist

AT = datetime(2026, 6, 1, tzinfo=UTC)
PERIOD = date(2026, 5, 1)
HOUR = timedelta(hours=1)


def ago(days):
    return AT - timedelta(days=days)


# --- builders: plain rows, no services (so nothing stamps "now") -------------------------------------


class Builder:
    def __init__(self):
        self.count = 0

    def person(self, key, **fields):
        user = User(
            email=f"{key}@example.org",
            display_name=key,
            password_hash="!",
            consent_at=ago(500),
            consent_version="test",
            email_verified_at=ago(500),
            **fields,
        )
        db.session.add(user)
        db.session.flush()
        return user

    def organisation(self, slug="fond"):
        org = Organisation(name=f"Фонд {slug}", slug=slug, created_at=ago(600))
        db.session.add(org)
        db.session.flush()
        return org

    def specialist(self, key, org, **fields):
        user = self.person(key, **fields)
        db.session.add(Specialist(organisation_id=org.id, user_id=user.id, joined_at=ago(500)))
        db.session.flush()
        return user

    def group(self, name, created, org=None, policy=APPROVAL):
        self.count += 1
        group = Group(
            name=name,
            slug=f"g{self.count}-{created.date()}",
            city="Казань",
            join_policy=policy,
            organisation_id=org.id if org else None,
            created_at=created,
        )
        db.session.add(group)
        db.session.flush()
        return group

    def member(self, group, user, role=MEMBER, status=ACTIVE, joined=None, ended=None, decided_by=None):
        db.session.add(
            Membership(
                group_id=group.id,
                user_id=user.id,
                role=role,
                status=status,
                requested_at=joined or ago(400),
                joined_at=joined,
                ended_at=ended,
                decided_by_id=decided_by.id if decided_by else None,
            )
        )
        db.session.flush()

    def event(
        self,
        group,
        starts,
        created_by,
        created=None,
        status=PUBLISHED,
        organisers=(),
        specialists=(),
        invited=(),
        attended=(),
        not_attended=(),
        unmarked=(),
    ):
        event = Event(
            group_id=group.id,
            title="Встреча",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=status,
            created_by_id=created_by.id,
            created_at=created or starts - timedelta(days=14),
        )
        db.session.add(event)
        db.session.flush()
        for user, is_specialist, state in (
            [(u, False, ACCEPTED) for u in organisers]
            + [(u, True, ACCEPTED) for u in specialists]
            + [(u, False, INVITED) for u in invited]
        ):
            db.session.add(
                EventOrganiser(
                    event_id=event.id,
                    user_id=user.id,
                    is_specialist=is_specialist,
                    status=state,
                    created_at=event.created_at,
                    answered_at=event.created_at,
                )
            )
        for users, mark in ((attended, True), (not_attended, False), (unmarked, None)):
            for user in users:
                db.session.add(
                    Registration(
                        event_id=event.id,
                        user_id=user.id,
                        status=GOING,
                        attended=mark,
                        queued_at=event.created_at,
                        created_at=event.created_at,
                    )
                )
        db.session.flush()
        return event

    def post(self, group, author, when, comments=()):
        post = Post(group_id=group.id, author_id=author.id, title="Тема", body="Текст", created_at=when)
        db.session.add(post)
        db.session.flush()
        for user, at in comments:
            db.session.add(Comment(post_id=post.id, author_id=user.id, body="Ответ", created_at=at))
        db.session.flush()
        return post

    def request(
        self,
        group,
        author,
        when,
        responses=(),
        kind=NEED,
        status=OPEN,
        resolved=None,
        closed=None,
        offline=False,
        hidden=None,
    ):
        """`responses`: (helper, moment, helped)."""
        help_request = HelpRequest(
            group_id=group.id,
            author_id=author.id,
            kind=kind,
            title="Просьба",
            category="other",
            status=status,
            created_at=when,
            resolved_at=resolved,
            closed_at=closed,
            offline=offline,
            hidden_at=hidden,
        )
        db.session.add(help_request)
        db.session.flush()
        for helper, moment, helped in responses:
            db.session.add(
                HelpResponse(request_id=help_request.id, helper_id=helper.id, created_at=moment, helped=helped)
            )
        db.session.flush()
        return help_request


def measure(*group_ids, period=PERIOD):
    """The values the monthly snapshot of `period` stores for each group: {group_id: values}."""
    service.take_snapshots([period], list(group_ids), fill=0)
    rows = db.session.execute(
        db.select(HealthSnapshot.group_id, HealthSnapshot.values).where(HealthSnapshot.period == period)
    ).all()
    return {g: values for g, values in rows if g in group_ids}


EMPTY = {
    "members": 0,
    "A1": 0,
    "A2": [0, 3],
    "age_months": 0,
    "meeting": False,
    "parent_meeting": False,
    "meetings": 0,
    "meeting_at": None,
    "A3": [0, 0],
    "P1": [0, 0],
    "P1_median_hours": None,
    "unanswered_7d": 0,
    "P2": [0, 0],
    "exchanges": 0,
    "P3": [0, 0, 0],
    "P4": [0, 0],
    "L1": {"meetings": [0, 0], "answers": [0, 0], "threads": [0, 0]},
    "L2": 0,
    "bench6": 0,
    "L3": [0, 0],
    "G1": [0, 0],
    "joiners_90d": 0,
    "G2": [0, 0],
    "I1": {"active": {}},
}


# --- the hand-built community ------------------------------------------------------------------------


def build_community():
    """«Круг»: 8 parent members, a specialist, an admin who is a member, a pending applicant and
    a member who left. Returns (group id, empty group id)."""
    b = Builder()
    org = b.organisation()
    # Parents, with family form and years of experience (< 2 years = newcomer).
    L = b.person("L", family_form="foster", experience_years=6)  # leader
    A = b.person("A", family_form="foster", experience_years=1)
    B = b.person("B", family_form="guardianship", experience_years=3)  # co-leader
    C = b.person("C", family_form="adoption")
    D = b.person("D", family_form="kinship", experience_years=10)
    E = b.person("E", experience_years=0)
    F = b.person("F", family_form="foster", experience_years=2)  # newcomer, joined 100 days ago
    G = b.person("G", family_form="guardianship")  # newcomer, joined 50 days ago, silent
    H = b.person("H", family_form="adoption", experience_years=4)  # left 10 days ago
    Q = b.person("Q", family_form="foster", experience_years=5)  # still pending
    S = b.specialist("S", org)  # the organisation's specialist
    M = b.person("M", is_admin=True, family_form="foster", experience_years=9)  # an admin who is a member

    group = b.group("Круг", created=ago(400), org=org)
    b.member(group, L, role=LEADER, joined=ago(400))
    for user in (A, C, D, E):
        b.member(group, user, joined=ago(300))
    b.member(group, B, role=LEADER, joined=ago(300))
    b.member(group, F, joined=ago(100), decided_by=L)
    b.member(group, G, joined=ago(50), decided_by=B)
    b.member(group, H, status=LEFT, joined=ago(300), ended=ago(10))
    b.member(group, S, role=SPECIALIST, joined=ago(300))
    b.member(group, M, joined=ago(300))
    b.member(group, Q, status=PENDING)

    # Events.
    b.event(
        group,
        ago(10),
        created_by=L,
        created=ago(24),
        organisers=[L],
        specialists=[S],  # E1
        attended=[L, A, B, S, M],
        not_attended=[C],
        unmarked=[D],
    )
    b.event(
        group,
        ago(40),
        created_by=A,
        created=ago(50),
        organisers=[A],
        invited=[C],  # E2
        attended=[L, A, C],
    )
    b.event(group, ago(70), created_by=L, created=ago(85), organisers=[L], attended=[L, A, S])  # E3
    b.event(
        group,
        ago(75),
        created_by=D,
        created=ago(100),
        status=CANCELLED,
        organisers=[D],  # E4
        attended=[B, C, D, E],
    )
    b.event(
        group,
        ago(100),
        created_by=L,
        created=ago(110),
        organisers=[B],  # E5
        attended=[A, B, C, D, H],
    )
    b.event(
        group,
        ago(380),
        created_by=L,
        created=ago(390),
        organisers=[L],  # E6
        attended=[L, A, B, C, D, E],
    )
    b.event(group, AT + timedelta(days=5), created_by=B, created=ago(3), organisers=[B])  # E7 (future)

    # Posts and comments.
    b.post(group, C, ago(5), comments=[(D, ago(4)), (E, ago(4))])  # Post1
    b.post(group, S, ago(20), comments=[(A, ago(19))])  # Post2
    b.post(group, L, ago(150), comments=[(H, ago(149))])  # Post3
    b.post(group, F, ago(80))  # Post5

    # Mutual help.
    b.request(
        group,
        C,
        ago(10),
        [(D, ago(10) + timedelta(hours=2), True)],  # R1
        status=RESOLVED,
        resolved=ago(9),
    )
    b.request(
        group,
        D,
        ago(20),
        [
            (S, ago(20) + timedelta(hours=1), True),  # R2
            (E, ago(20) + timedelta(hours=80), True),
        ],
        status=RESOLVED,
        resolved=ago(16),
    )
    b.request(group, E, ago(29), status=CLOSED, closed=ago(25))  # R3
    b.request(group, C, ago(1))  # R4
    b.request(group, A, ago(12))  # R5
    b.request(
        group,
        B,
        ago(40),
        [(C, ago(40) + timedelta(hours=10), True)],  # R6
        status=RESOLVED,
        resolved=ago(39),
    )
    b.request(group, L, ago(15), [(A, ago(15) + timedelta(hours=5), False)], kind=OFFER)  # R7
    b.request(
        group,
        A,
        ago(100),
        [(B, ago(100) + timedelta(hours=3), True)],  # R8
        status=RESOLVED,
        resolved=ago(99),
    )
    b.request(
        group,
        D,
        ago(50),
        [(A, ago(50), True)],
        status=RESOLVED,
        resolved=ago(50),  # R9 (offline)
        offline=True,
    )

    # A group with nothing in it, and another group's busy life that must not leak into ours.
    empty = b.group("Пустая", created=ago(10))
    other = b.group("Соседи", created=ago(400))
    b.member(other, L, role=LEADER, joined=ago(400))
    b.event(other, ago(5), created_by=L, organisers=[L], attended=[L, A, B, C, D, E, F, G])
    b.post(other, G, ago(3), comments=[(F, ago(2))])
    db.session.commit()
    return group.id, empty.id


# Worked out by hand from build_community(). Parents are L A B C D E F G H (Q pending); S is the
# specialist, M the admin: neither is ever counted.

# Worked out by hand from build_community(). Parents are L A B C D E F G H (Q pending); S is the
# specialist, M the admin: neither is ever counted. May = [AT-31, AT), March–May = [AT-92, AT).
EXPECTED = {
    # Members at some time in May: L A B C D E F G, and H, who left on AT-10. (Q is pending,
    # S a specialist, M an admin.)
    "members": 9,
    # Active in May while members: attended E1 L A B; organised E1 L; posted Post1 C; commented
    # D E (Post1), A (Post2); asked C (R1, R4) D (R2) E (R3) A (R5) L (R7, an offer); answered
    # D (R1) E (R2) A (R7). S and M attended, S posted and answered: excluded. → L A B C D E.
    "A1": 6,
    # The last three non-break months: May (E1: L A B) ✓, April (E2: L A C) ✓, March (E3: L A,
    # and S who does not count) ✗; E4 had 4 but was cancelled.
    "A2": [2, 3],
    # Created on AT-400 = 27 April 2025: 13 whole months on 1 June 2026.
    "age_months": 13,
    # May held E1 with 3 parents, but the specialist S co-organised it.
    "meeting": True,
    "parent_meeting": False,
    "meetings": 1,
    # The month's last held meeting (3 or more parents): E1.
    "meeting_at": ago(10).isoformat(),
    # Attendance in March–May: L 3 (E1 E2 E3), A 3, B 1 (E1; E4 cancelled), C 1 (E2; E1 not
    # attended); E5 (AT-100, in February) is outside. 2 of 4 came at least twice.
    "A3": [2, 4],
    # Needs posted from 1 March to AT-72 h, not offline, by parents: R1 R2 R3 R5 R6 (R4 younger
    # than 72 h, R8 in February, R9 offline, R7 an offer). First peer answers: R1 D after 2 h ✓;
    # R2 E after 80 h ✗ (S after 1 h is a specialist's); R3 none; R5 none; R6 C after 10 h ✓.
    "P1": [2, 5],
    # Median of the first peer answers 2 h, 80 h, 10 h.
    "P1_median_hours": 10.0,
    # Needs of [AT-60, AT-7] with no answer and still open at AT: R5. (R3 was closed, R4 is young.)
    "unanswered_7d": 1,
    # Confirmed help between parents, December–May: D→C (R1), E→D (R2; S→D is a specialist's),
    # C→B (R6), B→A (R8), A→D (R9). A B C D both gave and received; E only gave.
    "P2": [4, 5],
    "exchanges": 5,
    # Confirmed help in March–May: D, E, C, A once each (R8 on AT-99 is in February). Half of 4
    # is reached by 2 people, of 4 helpers, 4 times in all.
    "P3": [2, 4, 4],
    # Active in March–May: L A B C D E, and F (Post5 on AT-80). Shared a meeting with two other
    # parents: L A B (E1), L A C (E2); E3 had only L and A. Two or more partners through help
    # answers and replies: C (D, B, E), D (C, E, A), E (D, C), A (L, D); B and L have one each.
    # Connected: L A B C D E → 6 of 7.
    "P4": [6, 7],
    # The last 90 non-break days — meetings held: E2 (A) and E3 (L) by parents alone; E1 had the
    # specialist S among its organisers (E5 is older, E4 cancelled, E7 not yet); help answers:
    # D (R1), E (R2), C (R6), A (R7), A (R9) by parents, S (R2) a specialist's; threads: Post1 C,
    # Post5 F by parents, Post2 S.
    "L1": {"meetings": [2, 3], "answers": [5, 6], "threads": [2, 3]},
    # March–May — organised: L (E1, E3), A (E2); welcomed: B approved G (AT-50). L approved F on
    # AT-100 (February), S is a specialist, C was only invited.
    "L2": 3,
    # December–May: the same three, and B organised E5 and L welcomed F in February.
    "bench6": 3,
    # Roster (members at AT who joined before March): L A B C D E F. Levels (1 attend/comment,
    # 2 post/ask/answer, 3 organise) March–May ← December–February: L 3←2 (Post3), A 3←2 (R8),
    # B 2←3 (organised E5), C 2←1, D 2←1, E 2←0, F 2←0. Six up, one down.
    "L3": [6, 1],
    # Members (not leaders) who joined in February–April: F (active 20 days after joining ✓) and
    # G (never active).
    "G1": [1, 2],
    # Joined in March–May: G.
    "joiners_90d": 1,
    # Active December–February: L (Post3) A B C D H (E5; H also commented). Still active
    # March–May: L A B C D. H left.
    "G2": [5, 6],
    # Active December–May: L A B C D E F H (the members' and leaders' side is read live: see
    # test_representation_of_members_and_leaders_is_read_now).
    "I1": {
        "active": {
            "form:foster": 3,
            "form:guardianship": 1,
            "form:adoption": 2,
            "form:kinship": 1,
            "form:unknown": 1,
            "experience:experienced": 5,
            "experience:newcomer": 2,
            "experience:unknown": 1,
        },
    },
}


@pytest.fixture
def community(app):
    with app.app_context():
        yield build_community()


def test_every_indicator_of_the_hand_built_community(app, community):
    group_id, empty_id = community
    got = measure(group_id, empty_id)[group_id]
    assert set(got) == set(EXPECTED)
    mismatches = {key: (got[key], EXPECTED[key]) for key in EXPECTED if got[key] != EXPECTED[key]}
    assert not mismatches, "indicator: (computed, worked out by hand)\n" + "\n".join(
        f"{key}: {pair}" for key, pair in mismatches.items()
    )


def test_representation_of_members_and_leaders_is_read_now(app, community):
    """Members at AT: L A B C D E F G (H left, Q pending, S a specialist, M an admin). Leaders: L B."""
    from community.health import indicators

    group_id, _ = community
    mix = indicators.membership_mix([group_id], AT, indicators.staff_ids())[group_id]
    assert mix == {
        "members": {
            "form:foster": 3,
            "form:guardianship": 2,
            "form:adoption": 1,
            "form:kinship": 1,
            "form:unknown": 1,
            "experience:experienced": 4,
            "experience:newcomer": 2,
            "experience:unknown": 2,
        },
        "leaders": {"form:foster": 1, "form:guardianship": 1, "experience:experienced": 2},
    }


def test_a_group_with_no_data_gives_zeros_and_none(app, community):
    group_id, empty_id = community
    assert measure(group_id, empty_id)[empty_id] == {**EMPTY, "A2": [0, 1]}
    assert measure(empty_id)[empty_id] == {**EMPTY, "A2": [0, 1]}


def test_groups_computed_together_or_alone_agree(app, community):
    group_id, empty_id = community
    together = measure(group_id, empty_id)[group_id]
    assert measure(group_id)[group_id] == together
    assert service.take_snapshots([PERIOD], []) == 0


def test_a1_counts_people_only_while_they_were_members(app):
    """SPEC §4: A1 ≤ members always. Attendance recorded before someone joined, and activity
    after they left, count for nobody."""
    with app.app_context():
        b = Builder()
        K, N, V, W = b.person("K"), b.person("N"), b.person("V"), b.person("W")
        group = b.group("Границы", created=ago(300))
        b.member(group, K, role=LEADER, joined=ago(300))
        b.member(group, N, joined=ago(5))  # joined after the meeting below
        b.member(group, V, status=LEFT, joined=ago(300), ended=ago(60))  # left in March
        b.event(group, ago(10), created_by=K, organisers=[K], attended=[K, N, V, W])  # W never joined
        b.post(group, V, ago(3))
        k_id, group_id = K.id, group.id
        db.session.commit()
        values = measure(group_id)[group_id]
        rolled = db.session.scalars(db.select(HealthActivity.user_id).where(HealthActivity.period == PERIOD)).all()
    assert (values["A1"], values["members"]) == (1, 2)  # K; members in May: K and N
    assert rolled == [k_id]


def test_months_before_a_group_existed_have_no_snapshot(app):
    with app.app_context():
        b = Builder()
        K = b.person("K")
        group = b.group("Новая", created=ago(20))  # 12 May 2026
        b.member(group, K, role=LEADER, joined=ago(20))
        db.session.commit()
        assert service.take_snapshots([date(2026, 3, 1), date(2026, 4, 1), PERIOD], [group.id], fill=12) == 1
        rows = db.session.execute(db.select(HealthSnapshot.period, HealthSnapshot.values)).all()
    assert [(period, values["age_months"]) for period, values in rows] == [(PERIOD, 0)]


# --- P1 and the unanswered alarm, edge by edge -----------------------------------------------------


def test_peer_answers_skip_self_answers_staff_answers_and_young_requests(app):
    with app.app_context():
        b = Builder()
        org = b.organisation()
        K, N = b.person("K"), b.person("N")
        S = b.specialist("S", org)
        ADM = b.person("ADM", is_admin=True)
        group = b.group("P1", created=ago(300), org=org)
        for user in (K, N):
            b.member(group, user, joined=ago(300))
        # Q1 exactly 72 h old (the edge is included), answered by a parent a minute before AT: 71 h 59 min.
        b.request(group, K, ago(3), [(N, AT - timedelta(minutes=1), True)])
        # Q2 one minute younger than 72 h: not yet judged, even though answered.
        b.request(group, K, ago(3) + timedelta(minutes=1), [(N, ago(2), True)])
        # Q3 answered only by the author herself, a specialist and an admin: unanswered.
        b.request(
            group, K, ago(5), [(K, ago(5) + HOUR, True), (S, ago(5) + 2 * HOUR, True), (ADM, ago(5) + 3 * HOUR, True)]
        )
        # Q4 self-answer after 1 h, first peer answer after 100 h: not within 72 h.
        b.request(group, K, ago(6), [(K, ago(6) + HOUR, False), (N, ago(6) + 100 * HOUR, False)])
        # Q5 asked by the specialist: not a parent's request.
        b.request(group, S, ago(4), [(N, ago(4) + HOUR, False)])
        # Q6 before the quarter (March–May).
        b.request(group, K, ago(93), [(N, ago(93) + HOUR, False)])
        # Q7 an offer; Q8 help recorded offline.
        b.request(group, K, ago(5), [(N, ago(5) + HOUR, False)], kind=OFFER)
        b.request(group, K, ago(10), [(N, ago(10), True)], status=RESOLVED, resolved=ago(10), offline=True)
        # Q9 answered only after AT: unanswered as of AT.
        b.request(group, K, ago(4), [(N, AT + timedelta(hours=1), False)])
        db.session.commit()
        values = measure(group.id)[group.id]
    # Judged: Q1 Q3 Q4 Q9; answered within 72 h: Q1 (71 h 59 min). First peer answers: 71.98 h, 100 h.
    assert values["P1"] == [1, 4]
    assert values["P1_median_hours"] == round((72 - 1 / 60 + 100) / 2, 1) == 86.0


def test_an_answer_after_exactly_72_hours_still_counts(app):
    with app.app_context():
        b = Builder()
        K, N = b.person("K"), b.person("N")
        group = b.group("Ровно", created=ago(300))
        b.request(group, K, ago(10), [(N, ago(10) + timedelta(hours=72), False)])
        b.request(group, K, ago(20), [(N, ago(20) + timedelta(hours=72, seconds=1), False)])
        db.session.commit()
        values = measure(group.id)[group.id]
    assert values["P1"] == [1, 2]
    assert values["P1_median_hours"] == 72.0


def test_the_week_without_an_answer_alarm(app):
    with app.app_context():
        b = Builder()
        org = b.organisation()
        K, N = b.person("K"), b.person("N")
        S = b.specialist("S", org)
        group = b.group("Тишина", created=ago(300), org=org)
        b.request(group, K, ago(8))  # U1 counts
        b.request(group, K, ago(8), hidden=ago(7))  # U2 hidden by a leader
        b.request(group, K, ago(6))  # U3 not a week old yet
        b.request(group, K, ago(61))  # U4 older than 60 days
        b.request(group, K, ago(8), status=RESOLVED, resolved=AT + timedelta(days=1))  # U5 still open at AT: counts
        b.request(group, K, ago(8), status=CLOSED, closed=ago(1))  # U6 closed
        b.request(group, K, ago(8), kind=OFFER)  # U7 an offer
        b.request(group, K, ago(8), [(N, ago(8), True)], status=RESOLVED, resolved=ago(8), offline=True)  # U8
        b.request(group, K, ago(8), [(N, AT + timedelta(hours=1), False)])  # U9 answered after AT: counts
        b.request(group, K, ago(8), [(S, ago(7), False)])  # U10 a specialist answered
        db.session.commit()
        values = measure(group.id)[group.id]
    assert values["unanswered_7d"] == 3


# --- small numbers -----------------------------------------------------------------------------------


def test_a_small_quiet_group_and_the_denominator_of_five(app):
    """Three parents, one meeting 150 days ago and a post 100 days ago, nothing since: retention
    is 0 of 3, which no rule may judge (SPEC: no threshold fires on a denominator under 5). Two
    more parents who came to that meeting make it 0 of 5 (the verdict's side is in
    test_health_verdict)."""
    with app.app_context():
        b = Builder()
        K = b.person("K", family_form="kinship", experience_years=1)
        N = b.person("N", family_form="kinship", experience_years=1)
        V = b.person("V")
        group = b.group("Маленькая", created=ago(200))
        b.member(group, K, role=LEADER, joined=ago(200))
        for user in (N, V):
            b.member(group, user, joined=ago(200))
        b.event(group, ago(150), created_by=K, created=ago(160), organisers=[K], attended=[K, N, V])
        b.post(group, N, ago(100))
        db.session.commit()
        values = measure(group.id)[group.id]
        assert values == {
            **EMPTY,
            "members": 3,
            "age_months": 6,
            # Levels December–February → March–May: K 3 → 0, N 2 → 0, V 1 → 0.
            "L3": [0, 3],
            # K organised in January.
            "bench6": 1,
            # K N V active December–February, nobody since.
            "G2": [0, 3],
            "I1": {"active": {"form:kinship": 2, "form:unknown": 1, "experience:newcomer": 2, "experience:unknown": 1}},
        }

        for key in ("P", "R"):
            user = b.person(key)
            b.member(group, user, joined=ago(200))
            db.session.add(
                Registration(
                    event_id=db.session.scalar(db.select(Event.id).where(Event.group_id == group.id)),
                    user_id=user.id,
                    status=GOING,
                    attended=True,
                    queued_at=ago(160),
                    created_at=ago(160),
                )
            )
        db.session.commit()
        values = measure(group.id)[group.id]
    assert (values["members"], values["G2"]) == (5, [0, 5])


# --- regressions: bugs found while working the numbers out by hand (fixed in adb9a37) ---------------


def test_reciprocity_reads_offers_the_right_way_round(app):
    """For an offer the author gives and whoever took it receives."""
    with app.app_context():
        b = Builder()
        X, Y, Z = b.person("X"), b.person("Y"), b.person("Z")
        group = b.group("Обмен", created=ago(300))
        # X offers a bicycle; Y takes it; X marks Y on resolving ("I'd like this" → helped).
        b.request(group, X, ago(20), [(Y, ago(20) + HOUR, True)], kind=OFFER, status=RESOLVED, resolved=ago(19))
        # Y needs a lift; Z gives it.
        b.request(group, Y, ago(10), [(Z, ago(10) + HOUR, True)], status=RESOLVED, resolved=ago(9))
        db.session.commit()
        values = measure(group.id)[group.id]
    # Gave: X (the bicycle) and Z (the lift); received: Y twice. Nobody did both.
    assert values["P2"] == [0, 3]
    # Helpers: X once, Z once.
    assert values["P3"] == [1, 2, 2]


def test_connectedness_counts_only_active_members(app):
    """P4 counts only people active in the 90 days, so the share never passes 100 %."""
    with app.app_context():
        b = Builder()
        X, Y, Z = b.person("X"), b.person("Y"), b.person("Z")
        group = b.group("Старая тема", created=ago(300))
        for user in (X, Y, Z):
            b.member(group, user, joined=ago(300))
        b.post(group, X, ago(120), comments=[(Y, ago(10)), (Z, ago(9))])
        db.session.commit()
        values = measure(group.id)[group.id]
    # Active in March–May: Y and Z (one partner each, X). X has two partners but was not active.
    assert values["P4"] == [0, 2]


def test_leader_independence_leaves_admins_out(app):
    """Admins are staff: their posts are never "started by a parent" (SPEC §4)."""
    with app.app_context():
        b = Builder()
        K = b.person("K")
        ADM = b.person("ADM", is_admin=True)
        group = b.group("Админ", created=ago(300))
        b.member(group, K, role=LEADER, joined=ago(300))
        b.member(group, ADM, joined=ago(300))
        b.post(group, K, ago(10))
        b.post(group, ADM, ago(9))
        db.session.commit()
        values = measure(group.id)[group.id]
    assert values["L1"]["threads"] == [1, 2]


def test_a_draft_that_never_happened_is_not_organising(app):
    """A draft never published is neither activity (A1) nor organising (L2), as for A2 and L1."""
    with app.app_context():
        b = Builder()
        K = b.person("K")
        group = b.group("Черновик", created=ago(300))
        b.member(group, K, role=LEADER, joined=ago(300))
        b.event(group, ago(10), created_by=K, created=ago(20), status=DRAFT, organisers=[K])
        db.session.commit()
        values = measure(group.id)[group.id]
    assert (values["A1"], values["L2"]) == (0, 0)
