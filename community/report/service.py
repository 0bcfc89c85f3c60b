"""The impact report, put together from the other features' tables (SPEC §3a "Impact report").

Every figure is a count or a share computed by an aggregate query over the organisation's
groups and the period; counts of 1–4 people are hidden ("fewer than 5") on the page, the CSV and the
PDF alike. The number of queries does not depend on the data: each figure family is one query."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.assessment import service as assessment
from community.assessment.models import AssessmentRound
from community.errors import RuleError
from community.events.models import DRAFT, Event, EventFeedback
from community.extensions import db
from community.groups.models import DECISION, Group, Post
from community.health.models import HealthActivity, HealthSnapshot
from community.health.texts import STAGE_LABELS
from community.i18n import lazy_gettext as _l
from community.involve.access import is_specialist_of
from community.involve.claims.models import CostClaim
from community.involve.models import ACCEPTED, Application, Level, Opportunity, OpportunitySession, SessionAttendance
from community.mutual_help.models import HelpRequest, HelpResponse
from community.orgs.models import Organisation
from community.report.models import ITEM_COLUMNS, NOTE_MAX, UnexpectedKind, UnexpectedMark, UnplannedResult
from community.surveys.models import MIN_ANSWERS, SCALE, Survey, SurveyAnswer, SurveyQuestion
from community.voice.models import DONE, Suggestion, SuggestionAnswer

SMALL = 5
ALL = ""  # the level of a figure that is not split by level
LEVELS = tuple(Level)
QUESTIONS = {
    1: _l("What results did we expect from involving families?"),
    2: _l("What actually changed in the project, the service or the organisation as a whole thanks to involvement?"),
    3: _l("How did families feel while taking part?"),
    4: _l("What changes (social results) did families' involvement bring to the project or service?"),
    5: _l("What unplanned results, beyond the aims of the project or service, did involvement bring?"),
}
FEEDS = {
    1: _l("The purposes of the opportunities to take part, and who took part, by level of involvement."),
    2: _l('Suggestions answered and done ("you said — we did"), by the level at which things changed.'),
    3: _l("Pulse surveys (the share answering 4 or 5 of 5) and feedback after meetings."),
    4: _l("Help given and received, peer answers, leaders grown and the groups' community-health stages."),
    5: _l(
        "Suggestions, meetings, opportunities and decisions the organisation marked as unexpected results, "
        "and the results it noted as unplanned during the period."
    ),
}
STAGE_ORDER = ("self_running", "growing", "formed", "forming", "at_risk")


class PeriodError(ValueError):
    """`from`/`to` that do not name a period of whole months."""


@dataclass
class Period:
    first: date  # the first month's first day
    last: date  # the last month's first day

    @property
    def start(self):
        return datetime(self.first.year, self.first.month, 1, tzinfo=UTC)

    @property
    def end(self):
        """The first moment after the period."""
        return datetime(self.last.year + self.last.month // 12, self.last.month % 12 + 1, 1, tzinfo=UTC)

    @property
    def end_day(self):
        return self.end.date()

    @property
    def label(self):
        return f"{self.first:%Y-%m}–{self.last:%Y-%m}"

    @property
    def months(self):
        months, day = [], self.first
        while day <= self.last:
            months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months


def _month(text):
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        raise PeriodError
    year, month = text[:4], text[5:]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12 or not 2000 <= int(year) <= 2100:
        raise PeriodError
    return date(int(year), int(month), 1)


def default_period(today=None):
    """The last twelve complete months."""
    today = today or date.today()
    last = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    first = date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1)
    return Period(first, last)


def parse_period(raw_from, raw_to, today=None):
    """The period the query string asks for (both empty: the default). Raises PeriodError with
    a `reason` for text that is not YYYY-MM, an end before the start, a future month or more
    than five years."""
    today = today or date.today()
    if not raw_from and not raw_to:
        return default_period(today)
    default = default_period(today)
    try:
        first = _month(raw_from) if raw_from else None
        last = _month(raw_to) if raw_to else None
    except PeriodError:
        raise PeriodError("format") from None
    first = first or date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1) if last else first
    last = last or default.last
    if last < first:
        raise PeriodError("order")
    if first > date(today.year, today.month, 1):
        raise PeriodError("future")
    if (last.year - first.year) * 12 + last.month - first.month >= 60:
        raise PeriodError("long")
    return Period(first, last)


@dataclass
class Figure:
    question: int
    measure: str
    value: int | str | None
    level: str = ALL
    kind: str = "count"  # count (of people: small ones hidden), things, share (%), money, average
    in_table: bool = True  # False: shown by its own chart and table (the stages), still in the CSV

    @property
    def hidden(self):
        return self.kind == "count" and isinstance(self.value, int) and 0 < self.value < SMALL


@dataclass
class Report:
    organisation: object
    period: Period
    figures: list = field(default_factory=list)
    purposes: list = field(default_factory=list)  # (level, title, purpose, limits) of opportunities
    changes: list = field(default_factory=list)  # (level, title, what changed, when)
    stages: list = field(default_factory=list)  # (month, {stage: groups})
    help_months: list = field(default_factory=list)  # (month, requests, answered by a parent)
    surveys: list = field(default_factory=list)  # (survey, answers, share 4-5 or None)
    gaps: list = field(default_factory=list)  # (principle label, organisation, parents)
    assessment_year: int | None = None
    unplanned: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)  # MarkedItem of the period, by date

    def add(self, question, measure, value, level=ALL, kind="count", in_table=True):
        self.figures.append(Figure(question, str(measure), value, level, kind, in_table))

    def of(self, question):
        return [f for f in self.figures if f.question == question]

    def by_level(self, question):
        """[(measure, [figure per level])] for the question's figures split by level."""
        rows = {}
        for f in self.of(question):
            if f.level != ALL and f.in_table:
                rows.setdefault(f.measure, []).append(f)
        return list(rows.items())

    def overall(self, question):
        return [f for f in self.of(question) if f.level == ALL and f.in_table]


def _groups(organisation):
    return select(Group.id).where(Group.organisation_id == organisation.id).scalar_subquery()


def _by_level(rows):
    found = {level: n for level, n in rows}
    return [(level, found.get(level, 0) or 0) for level in LEVELS]


def _expected(report, organisation, period):
    """Q1: the opportunities that ran in the period, their purposes, places and who took part."""
    running = and_(
        Opportunity.starts_on < period.end_day,
        Opportunity.ends_on >= period.first,
        Opportunity.published_at.is_not(None),
        or_(Opportunity.organisation_id == organisation.id, Opportunity.group_id.in_(_groups(organisation))),
    )
    rows = db.session.execute(
        select(Opportunity.level, Opportunity.title, Opportunity.purpose, Opportunity.limits)
        .where(running)
        .order_by(Opportunity.level, Opportunity.starts_on, Opportunity.id)
        .limit(40)
    ).all()
    report.purposes = [tuple(r) for r in rows]
    counts = db.session.execute(select(Opportunity.level, func.count()).where(running).group_by(Opportunity.level))
    accepted = db.session.execute(
        select(Opportunity.level, func.count(func.distinct(Application.user_id)))
        .join(Application, Application.opportunity_id == Opportunity.id)
        .where(running, Application.status == ACCEPTED)
        .group_by(Opportunity.level)
    )
    took_part = db.session.execute(
        select(Opportunity.level, func.count(func.distinct(SessionAttendance.user_id)))
        .join(OpportunitySession, OpportunitySession.opportunity_id == Opportunity.id)
        .join(SessionAttendance, SessionAttendance.session_id == OpportunitySession.id)
        .where(
            or_(Opportunity.organisation_id == organisation.id, Opportunity.group_id.in_(_groups(organisation))),
            OpportunitySession.starts_at >= period.start,
            OpportunitySession.starts_at < period.end,
        )
        .group_by(Opportunity.level)
    )
    for level, n in _by_level(counts):
        report.add(1, _l("Opportunities to take part"), n, level, kind="things")
    for level, n in _by_level(accepted):
        report.add(1, _l("Parents chosen to take part"), n, level)
    for level, n in _by_level(took_part):
        report.add(1, _l("Parents who took part in a session"), n, level)
    claims = db.session.execute(
        select(func.count(), func.coalesce(func.sum(CostClaim.amount), 0)).where(
            CostClaim.organisation_id == organisation.id,
            CostClaim.status == "paid",
            CostClaim.paid_at >= period.start,
            CostClaim.paid_at < period.end,
        )
    ).one()
    report.add(1, _l("Cost claims paid"), claims[0])
    if claims[0] >= SMALL:
        report.add(1, _l("Costs covered, roubles"), claims[1] // 100, kind="money")


def _suggestions_of(organisation):
    return or_(Suggestion.organisation_id == organisation.id, Suggestion.group_id.in_(_groups(organisation)))


def _changes(report, organisation, period):
    """Q2: suggestions made, answered and done in the period; what changed, by level."""
    mine = _suggestions_of(organisation)
    made = db.session.scalar(
        select(func.count()).where(mine, Suggestion.created_at >= period.start, Suggestion.created_at < period.end)
    )
    answered = db.session.scalar(
        select(func.count(func.distinct(SuggestionAnswer.suggestion_id)))
        .join(Suggestion, Suggestion.id == SuggestionAnswer.suggestion_id)
        .where(mine, SuggestionAnswer.created_at >= period.start, SuggestionAnswer.created_at < period.end)
    )
    done_in = and_(
        mine, Suggestion.status == DONE, Suggestion.answered_at >= period.start, Suggestion.answered_at < period.end
    )
    done = db.session.execute(
        select(Suggestion.done_level, func.count()).where(done_in).group_by(Suggestion.done_level)
    )
    rows = db.session.execute(
        select(Suggestion.done_level, Suggestion.title, Suggestion.done_change, Suggestion.answered_at)
        .where(done_in)
        .order_by(Suggestion.answered_at.desc())
        .limit(30)
    ).all()
    report.changes = [tuple(r) for r in rows]
    report.add(2, _l("Suggestions made"), made, kind="things")
    report.add(2, _l("Suggestions answered"), answered, kind="things")
    for level, n in _by_level(done):
        report.add(2, _l("Suggestions done"), n, level, kind="things")
    decisions = db.session.scalar(
        select(func.count(func.distinct(Suggestion.decision_id))).where(
            mine,
            Suggestion.decision_id.is_not(None),
            Suggestion.answered_at >= period.start,
            Suggestion.answered_at < period.end,
        )
    )
    report.add(2, _l("Group decisions that answer a suggestion"), decisions, kind="things")


def _feelings(report, organisation, period):
    """Q3: pulse surveys closed or sent in the period (share answering 4 or 5) and event feedback."""
    surveys = db.session.scalars(
        select(Survey)
        .where(
            Survey.organisation_id == organisation.id, Survey.created_at >= period.start, Survey.created_at < period.end
        )
        .order_by(Survey.created_at)
        .limit(24)
    ).all()
    shares = (
        dict(
            db.session.execute(
                select(SurveyQuestion.survey_id, func.avg((SurveyAnswer.value >= 4).cast(db.Integer)))
                .join(SurveyAnswer, SurveyAnswer.question_id == SurveyQuestion.id)
                .where(SurveyQuestion.survey_id.in_([s.id for s in surveys]), SurveyQuestion.kind == SCALE)
                .group_by(SurveyQuestion.survey_id)
            ).all()
        )
        if surveys
        else {}
    )
    report.surveys = [
        (
            s,
            s.answer_count,
            round(100 * float(shares[s.id])) if s.answer_count >= MIN_ANSWERS and s.id in shares else None,
        )
        for s in surveys
    ]
    report.add(3, _l("Survey answers"), sum(s.answer_count for s in surveys))
    shown = [(n, share) for _s, n, share in report.surveys if share is not None]
    if shown:
        total = sum(n for n, _share in shown)
        report.add(
            3,
            _l("Answered 4 or 5 of 5 (surveys with 5 answers or more), %"),
            round(sum(n * share for n, share in shown) / total),
            kind="share",
        )
    feedback = db.session.execute(
        select(func.count(), func.avg(EventFeedback.feeling), func.sum((EventFeedback.feeling >= 4).cast(db.Integer)))
        .join(Event, Event.id == EventFeedback.event_id)
        .where(Event.group_id.in_(_groups(organisation)), Event.starts_at >= period.start, Event.starts_at < period.end)
    ).one()
    report.add(3, _l("Feedback after meetings"), feedback[0])
    if feedback[0] >= SMALL:
        report.add(
            3,
            _l("Felt good after a meeting (4 or 5 of 5), %"),
            round(100 * (feedback[2] or 0) / feedback[0]),
            kind="share",
        )


def _social(report, organisation, period):
    """Q4: help given and received, peer answers, leaders grown, health stages by month."""
    groups = _groups(organisation)
    in_period = and_(HelpRequest.created_at >= period.start, HelpRequest.created_at < period.end)
    help_rows = db.session.execute(
        select(
            func.count(), func.count(func.distinct(HelpRequest.author_id)), func.count(HelpRequest.first_response_at)
        ).where(HelpRequest.group_id.in_(groups), in_period)
    ).one()
    helpers = db.session.scalar(
        select(func.count(func.distinct(HelpResponse.helper_id)))
        .join(HelpRequest, HelpRequest.id == HelpResponse.request_id)
        .where(
            HelpRequest.group_id.in_(groups),
            HelpResponse.created_at >= period.start,
            HelpResponse.created_at < period.end,
        )
    )
    report.add(4, _l("Requests for help"), help_rows[0], kind="things")
    report.add(4, _l("Families who asked for help"), help_rows[1])
    report.add(4, _l("Requests answered by another parent"), help_rows[2], kind="things")
    report.add(4, _l("Parents who helped another family"), helpers)
    led = db.session.execute(
        select(func.count(func.distinct(HealthActivity.user_id))).where(
            HealthActivity.group_id.in_(groups),
            HealthActivity.period >= period.first,
            HealthActivity.period <= period.last,
            HealthActivity.led,
        )
    ).scalar()
    before = select(HealthActivity.user_id).where(
        HealthActivity.group_id.in_(groups), HealthActivity.period < period.first, HealthActivity.led
    )
    new_leaders = db.session.scalar(
        select(func.count(func.distinct(HealthActivity.user_id))).where(
            HealthActivity.group_id.in_(groups),
            HealthActivity.period >= period.first,
            HealthActivity.period <= period.last,
            HealthActivity.led,
            HealthActivity.user_id.not_in(before),
        )
    )
    active = db.session.scalar(
        select(func.count(func.distinct(HealthActivity.user_id))).where(
            HealthActivity.group_id.in_(groups),
            HealthActivity.period >= period.first,
            HealthActivity.period <= period.last,
            HealthActivity.level > 0,
        )
    )
    report.add(4, _l("Families active in the groups"), active)
    report.add(4, _l("Parents who led a meeting or welcomed a newcomer"), led)
    report.add(4, _l("New leaders (had not led before the period)"), new_leaders)
    monthly = db.session.execute(
        select(HealthSnapshot.period, HealthSnapshot.stage, func.count())
        .where(
            HealthSnapshot.group_id.in_(groups),
            HealthSnapshot.period >= period.first,
            HealthSnapshot.period <= period.last,
        )
        .group_by(HealthSnapshot.period, HealthSnapshot.stage)
    ).all()
    by_month = {}
    for month, stage, n in monthly:
        by_month.setdefault(month, {})[stage] = n
    report.stages = [(month, by_month.get(month, {})) for month in period.months]
    last = next((counts for _m, counts in reversed(report.stages) if counts), {})
    first = next((counts for _m, counts in report.stages if counts), {})
    for stage in STAGE_ORDER:
        report.add(
            4, _l("Groups at the start: %(stage)s", stage=STAGE_LABELS[stage]), first.get(stage, 0), kind="things"
        )
        report.add(
            4,
            _l("Groups at the end: %(stage)s", stage=STAGE_LABELS[stage]),
            last.get(stage, 0),
            kind="things",
            in_table=False,
        )
    if db.engine.dialect.name == "postgresql":
        month_of = func.to_char(func.timezone("UTC", HelpRequest.created_at), "YYYY-MM-01")
    else:
        month_of = func.strftime("%Y-%m-01", HelpRequest.created_at)
    month_of = month_of.label("month")
    help_monthly = db.session.execute(
        select(month_of, func.count(), func.count(HelpRequest.first_response_at))
        .where(HelpRequest.group_id.in_(groups), in_period)
        .group_by(month_of)
    ).all()
    found = {}
    for month, n, answered in help_monthly:
        key = str(month)
        found[key[:10]] = (n, answered)
    report.help_months = [(m, *found.get(f"{m:%Y-%m-01}", (0, 0))) for m in period.months]


def _assessment(report, organisation, period):
    """The self-assessment round of the period's last year that has one: gaps per principle."""
    round_ = db.session.scalar(
        select(AssessmentRound)
        .where(
            AssessmentRound.organisation_id == organisation.id,
            AssessmentRound.year <= period.last.year,
            AssessmentRound.year >= period.first.year,
        )
        .order_by(AssessmentRound.year.desc())
        .limit(1)
    )
    if round_ is None:
        return
    report.assessment_year = round_.year
    report.gaps = assessment.by_principle(round_)
    report.add(2, _l("Parents who rated the self-assessment %(year)d", year=round_.year), round_.parent_count)
    for label, ours, theirs in report.gaps:
        if ours is not None and theirs is not None:
            report.add(
                2,
                _l("Self-assessment gap (organisation − parents): %(principle)s", principle=label),
                round(ours - theirs, 1),
                kind="average",
            )


def _unplanned(report, organisation, period):
    report.unplanned = db.session.scalars(
        select(UnplannedResult)
        .where(
            UnplannedResult.organisation_id == organisation.id,
            UnplannedResult.happened_on >= period.first,
            UnplannedResult.happened_on < period.end_day,
        )
        .order_by(UnplannedResult.happened_on, UnplannedResult.id)
    ).all()
    report.add(5, _l("Unplanned results noted"), len(report.unplanned), kind="things")
    report.unexpected = marked_items(organisation, period)
    report.add(5, _l("Items marked as unexpected results"), len(report.unexpected), kind="things")


def build(organisation, period):
    report = Report(organisation, period)
    _expected(report, organisation, period)
    _changes(report, organisation, period)
    _feelings(report, organisation, period)
    _social(report, organisation, period)
    _assessment(report, organisation, period)
    _unplanned(report, organisation, period)
    return report


# --- unplanned results ------------------------------------------------------------------------------


def note_unplanned(actor, organisation, happened_on, text):
    """A specialist notes an unplanned result; not in the future."""
    if happened_on > date.today():
        raise RuleError("report.future-day", field="happened_on")
    if happened_on.year < 2000:
        raise RuleError("report.old-day", field="happened_on")
    note = UnplannedResult(organisation_id=organisation.id, happened_on=happened_on, text=text, created_by_id=actor.id)
    db.session.add(note)
    db.session.flush()
    return note


def delete_unplanned(organisation, note_id):
    """Remove one of the organisation's notes; False when it is not theirs (or gone)."""
    note = db.session.get(UnplannedResult, note_id)
    if note is None or note.organisation_id != organisation.id:
        return False
    db.session.delete(note)
    db.session.flush()
    return True


# --- items marked as unexpected results ----------------------------------------------------------------

SUGGESTION, EVENT, OPPORTUNITY = UnexpectedKind.SUGGESTION, UnexpectedKind.EVENT, UnexpectedKind.OPPORTUNITY


@dataclass
class MarkedItem:
    """A marked item as the report shows it: what it is, its title and date, its level of
    involvement when it has one, and the organisation's note. Never who wrote it."""

    mark: UnexpectedMark
    title: str
    day: date
    level: str | None = None
    group_slug: str | None = None  # a decision's page is under its group

    @property
    def kind(self):
        return self.mark.kind


def _load(kind, item_id):
    """The item of `kind` with its group loaded, or None."""
    if kind == SUGGESTION:
        query = select(Suggestion).options(joinedload(Suggestion.group)).where(Suggestion.id == item_id)
    elif kind == EVENT:
        query = select(Event).options(joinedload(Event.group)).where(Event.id == item_id)
    elif kind == OPPORTUNITY:
        query = select(Opportunity).options(joinedload(Opportunity.group)).where(Opportunity.id == item_id)
    else:
        query = select(Post).options(joinedload(Post.group)).where(Post.id == item_id, Post.kind == DECISION)
    return db.session.scalar(query)


def organisation_id_of(kind, item):
    """The organisation whose report the item belongs in: its own, or its group's."""
    own = getattr(item, "organisation_id", None) if kind in (SUGGESTION, OPPORTUNITY) else None
    if own is not None:
        return own
    group = item.group
    return group.organisation_id if group is not None else None


def organisation_of(kind, item):
    organisation_id = organisation_id_of(kind, item)
    return db.session.get(Organisation, organisation_id) if organisation_id is not None else None


def item_day(kind, item):
    """The date that places the item in a report's period (see `marked_items`)."""
    if kind == EVENT:
        return item.starts_at
    if kind == OPPORTUNITY:
        return item.starts_on
    return item.created_at


def is_shown(kind, item):
    """Only what its people can already see can be marked: not a draft event or opportunity."""
    if kind == EVENT:
        return item.status != DRAFT
    if kind == OPPORTUNITY:
        return item.published_at is not None
    return True


def find_item(organisation, kind, item_id):
    """The organisation's item of `kind` with this id, ready to be marked. RuleError when there
    is none, it is another organisation's, or it is not published yet."""
    try:
        kind = UnexpectedKind(kind)
    except ValueError:
        raise RuleError("report.unexpected-unknown") from None
    item = _load(kind, item_id)
    if item is None:
        raise RuleError("report.unexpected-unknown")
    if organisation_id_of(kind, item) != organisation.id:
        raise RuleError("report.unexpected-elsewhere")
    if not is_shown(kind, item):
        raise RuleError("report.unexpected-draft")
    return item


def mark_of(kind, item_id):
    column = getattr(UnexpectedMark, ITEM_COLUMNS[UnexpectedKind(kind)])
    return db.session.scalar(select(UnexpectedMark).where(column == item_id))


def can_mark(user, kind, item):
    """The specialists of the item's organisation, and admins."""
    if not user.is_authenticated:
        return False
    organisation_id = organisation_id_of(kind, item)
    if organisation_id is None:
        return False
    return bool(getattr(user, "is_admin", False)) or is_specialist_of(user, organisation_id)


def mark_unexpected(actor, organisation, kind, item_id, note):
    """Mark the organisation's item as an unexpected result, with what was unexpected about it.
    One mark per item: the unique constraint decides between two clicks at once."""
    item = find_item(organisation, kind, item_id)
    note = (note or "").strip()
    if not note or len(note) > NOTE_MAX:
        raise RuleError("report.unexpected-note", field="note")
    if mark_of(kind, item.id) is not None:
        raise RuleError("report.unexpected-already")
    mark = UnexpectedMark(
        organisation_id=organisation.id,
        kind=UnexpectedKind(kind),
        note=note,
        marked_by_id=actor.id,
        **{ITEM_COLUMNS[UnexpectedKind(kind)]: item.id},
    )
    try:
        with db.session.begin_nested():
            db.session.add(mark)
    except IntegrityError:
        raise RuleError("report.unexpected-already") from None
    db.session.flush()
    return mark


def unmark_unexpected(organisation, kind, item_id):
    """Take the mark off the organisation's item; False when it has none."""
    column = getattr(UnexpectedMark, ITEM_COLUMNS[UnexpectedKind(kind)])
    removed = db.session.execute(
        delete(UnexpectedMark)
        .where(column == item_id, UnexpectedMark.organisation_id == organisation.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return bool(removed)


def marked_items(organisation, period):
    """The organisation's marked items whose date falls in the period, by date: a suggestion's
    is when it was made, an event's when it starts, an opportunity's its first day, a
    decision's when it was recorded. One query per kind."""
    mine = UnexpectedMark.organisation_id == organisation.id
    found = []
    rows = db.session.execute(
        select(UnexpectedMark, Suggestion.title, Suggestion.created_at, Suggestion.done_level)
        .join(Suggestion, Suggestion.id == UnexpectedMark.suggestion_id)
        .where(mine, Suggestion.created_at >= period.start, Suggestion.created_at < period.end)
    )
    found += [MarkedItem(mark, title, at, level) for mark, title, at, level in rows]
    rows = db.session.execute(
        select(UnexpectedMark, Event.title, Event.starts_at)
        .join(Event, Event.id == UnexpectedMark.event_id)
        .where(mine, Event.starts_at >= period.start, Event.starts_at < period.end)
    )
    found += [MarkedItem(mark, title, at) for mark, title, at in rows]
    rows = db.session.execute(
        select(UnexpectedMark, Opportunity.title, Opportunity.starts_on, Opportunity.level)
        .join(Opportunity, Opportunity.id == UnexpectedMark.opportunity_id)
        .where(mine, Opportunity.starts_on >= period.first, Opportunity.starts_on < period.end_day)
    )
    found += [MarkedItem(mark, title, day, level) for mark, title, day, level in rows]
    rows = db.session.execute(
        select(UnexpectedMark, Post.title, Post.created_at, Group.slug)
        .join(Post, Post.id == UnexpectedMark.post_id)
        .join(Group, Group.id == Post.group_id)
        .where(mine, Post.created_at >= period.start, Post.created_at < period.end)
    )
    found += [MarkedItem(mark, title, at, None, slug) for mark, title, at, slug in rows]

    def day_of(item):
        return item.day.date() if isinstance(item.day, datetime) else item.day

    return sorted(found, key=lambda item: (day_of(item), item.mark.id))
