"""What can happen to a pulse survey: an organisation's specialist sends it (1–5 questions)
to chosen groups, or a group's leader to their own group (the organisation's specialists see
it too), once or every quarter; the parents of those groups answer once each,
anonymously; the results show from five answers, with the trend across a quarterly
survey's rounds. After an opportunity to take part ends, the people who took part get the
ready-made "How did taking part feel?" survey."""

from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from community.auth.models import User
from community.errors import RuleError
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, Group, Membership
from community.i18n import gettext as _
from community.i18n import lazy_gettext as _l
from community.involve.models import ACCEPTED, Application, Opportunity
from community.jobs import after_commit, job
from community.models import utcnow
from community.notifications.service import notify
from community.paging import paginate
from community.surveys.models import (
    CHOICE,
    MAX_QUESTIONS,
    MIN_ANSWERS,
    QUARTERLY,
    SCALE,
    TAKING_PART,
    TEXT,
    QuestionKind,
    Repeat,
    Survey,
    SurveyAnswer,
    SurveyBallot,
    SurveyGroup,
    SurveyQuestion,
    SurveyResponse,
)
from community.urls import path_for

PAGE_SIZE = 20
QUARTER = timedelta(days=91)
MAX_OPEN_DAYS = 60
TAKING_PART_DAYS = 21  # how long the ready-made survey stays open
ENDED_WITHIN = timedelta(days=30)  # opportunities that ended longer ago get no survey


# --- who it is for ---------------------------------------------------------------------------------


def audience(survey):
    """A query for the ids of the people a survey is for: the active parents of its groups, or
    for the ready-made survey the people accepted to the opportunity."""
    if survey.kind == TAKING_PART:
        return select(Application.user_id).where(
            Application.opportunity_id == survey.opportunity_id, Application.status == ACCEPTED
        )
    return (
        select(Membership.user_id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Membership.group_id.in_(select(SurveyGroup.group_id).where(SurveyGroup.survey_id == survey.id)),
            Membership.status == ACTIVE,
            Membership.role.in_([MEMBER, LEADER]),
            Group.archived_at.is_(None),
        )
    )


def is_for(user, survey):
    if not user.is_authenticated:
        return False
    return db.session.scalar(select(func.count()).where(User.id == user.id, User.id.in_(audience(survey)))) > 0


def has_answered(user, survey):
    if not user.is_authenticated:
        return False
    return db.session.get(SurveyBallot, (survey.id, user.id)) is not None


def leads(user, group):
    """An active leader of a live group."""
    if not user.is_authenticated or group is None or group.archived_at is not None:
        return False
    found = select(Membership.id).where(
        Membership.group_id == group.id,
        Membership.user_id == user.id,
        Membership.status == ACTIVE,
        Membership.role == LEADER,
    )
    return db.session.scalar(found) is not None


def manages(user, survey):
    """Who closes it and stops its repeats: for a group's survey its leaders, else the
    organisation's specialists."""
    from community.involve.access import is_specialist_of

    if survey.group_id is not None:
        return leads(user, survey.group)
    return is_specialist_of(user, survey.organisation_id)


def oversees(user, survey):
    """Who sees where it went, its results and its trend: its managers, and for a group's
    survey the specialists of the group's organisation too."""
    from community.involve.access import is_specialist_of

    return manages(user, survey) or is_specialist_of(user, survey.organisation_id)


def groups_of(survey):
    return db.session.scalars(
        select(Group)
        .join(SurveyGroup, SurveyGroup.group_id == Group.id)
        .where(SurveyGroup.survey_id == survey.id)
        .order_by(Group.name)
    ).all()


# --- reading ------------------------------------------------------------------------------------------


def for_organisation(organisation, page=1):
    """Every round the organisation sent, and its groups' leaders sent, newest first (the
    specialists' list)."""
    return paginate(
        select(Survey)
        .where(Survey.organisation_id == organisation.id)
        .options(selectinload(Survey.group))
        .order_by(Survey.created_at.desc(), Survey.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def for_group(group, page=1):
    """Every round the group's leaders sent, newest first."""
    return paginate(
        select(Survey).where(Survey.group_id == group.id).order_by(Survey.created_at.desc(), Survey.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


def for_parent(user, organisation=None, group=None):
    """The organisation's surveys for this parent (or those sent to `group`, by its leaders or
    its organisation), each with whether they answered (two queries)."""
    groups = select(Membership.group_id).where(
        Membership.user_id == user.id, Membership.status == ACTIVE, Membership.role.in_([MEMBER, LEADER])
    )
    if group is not None:
        groups = groups.where(Membership.group_id == group.id)
        where = Survey.id.in_(select(SurveyGroup.survey_id).where(SurveyGroup.group_id.in_(groups)))
    else:
        accepted = select(Application.opportunity_id).where(
            Application.user_id == user.id, Application.status == ACCEPTED
        )
        where = (Survey.organisation_id == organisation.id) & (
            Survey.id.in_(select(SurveyGroup.survey_id).where(SurveyGroup.group_id.in_(groups)))
            | Survey.opportunity_id.in_(accepted)
        )
    surveys = db.session.scalars(
        select(Survey).where(where).order_by(Survey.created_at.desc(), Survey.id.desc()).limit(50)
    ).all()
    answered = set(
        db.session.scalars(
            select(SurveyBallot.survey_id).where(
                SurveyBallot.user_id == user.id, SurveyBallot.survey_id.in_([s.id for s in surveys])
            )
        )
    )
    return [(s, s.id in answered) for s in surveys]


def results(survey):
    """Per question, what people answered: counts per scale step or choice, the share who
    answered 4 or 5, and the texts in alphabetical order (never in the order given). None
    under five answers."""
    if survey.answer_count < MIN_ANSWERS:
        return None
    rows = db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.value, SurveyAnswer.text)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyQuestion.survey_id == survey.id)
    ).all()
    by_question = {q.id: {"question": q, "counts": {}, "texts": [], "answered": 0} for q in survey.questions}
    for question_id, value, text in rows:
        item = by_question[question_id]
        if value is not None:
            item["counts"][value] = item["counts"].get(value, 0) + 1
            item["answered"] += 1
        elif text:
            item["texts"].append(text)
            item["answered"] += 1
    for item in by_question.values():
        item["texts"].sort(key=str.lower)
        question = item["question"]
        if question.kind == SCALE and item["answered"]:
            total = sum(value * n for value, n in item["counts"].items())
            item["average"] = round(total / item["answered"], 1)
            item["good_share"] = round(100 * (item["counts"].get(4, 0) + item["counts"].get(5, 0)) / item["answered"])
    return list(by_question.values())


def rounds_of(survey):
    """Every round of the survey's series, oldest first."""
    if survey.series_id is None:
        return [survey]
    return db.session.scalars(
        select(Survey).where(Survey.series_id == survey.series_id).order_by(Survey.round_no)
    ).all()


def trend(survey):
    """For a series with several rounds: per scale question (by position), the share who answered
    4 or 5 in each round ("hidden" for a round with fewer than five answers). Two queries."""
    rounds = rounds_of(survey)
    if len(rounds) < 2:
        return []
    ids = [r.id for r in rounds]
    rows = db.session.execute(
        select(
            SurveyQuestion.survey_id,
            SurveyQuestion.position,
            func.count(SurveyAnswer.value),
            func.sum((SurveyAnswer.value >= 4).cast(db.Integer)),
        )
        .join(SurveyAnswer, SurveyAnswer.question_id == SurveyQuestion.id)
        .where(SurveyQuestion.survey_id.in_(ids), SurveyQuestion.kind == SCALE)
        .group_by(SurveyQuestion.survey_id, SurveyQuestion.position)
    ).all()
    shares = {(sid, pos): round(100 * (good or 0) / n) for sid, pos, n, good in rows if n}
    lines = []
    for question in survey.questions:
        if question.kind != SCALE:
            continue
        points = []
        for r in rounds:
            value = shares.get((r.id, question.position)) if r.answer_count >= MIN_ANSWERS else "hidden"
            points.append((r.created_at.date(), value, False))
        lines.append((question, points, rounds))
    return lines


# --- sending ------------------------------------------------------------------------------------------


def _clean_questions(questions):
    cleaned = []
    for position, (kind, text, choices) in enumerate(questions):
        text = (text or "").strip()
        if not text:
            continue
        if kind not in tuple(QuestionKind):
            raise RuleError("surveys.bad-kind", field=f"q{position + 1}_kind")
        options = [c.strip() for c in (choices or "").splitlines() if c.strip()] if kind == CHOICE else []
        if kind == CHOICE and not 2 <= len(options) <= 8:
            raise RuleError("surveys.choices-needed", field=f"q{position + 1}_choices")
        cleaned.append((kind, text, options))
    if not cleaned:
        raise RuleError("surveys.no-questions", field="q1_text")
    if len(cleaned) > MAX_QUESTIONS:
        raise RuleError("surveys.too-many", field="q1_text")
    return cleaned


def _check_basics(title, repeat, open_days):
    title = (title or "").strip()
    if not title:
        raise RuleError("surveys.no-title", field="title")
    if repeat not in tuple(Repeat):
        raise RuleError("surveys.bad-kind", field="repeat")
    if not 1 <= (open_days or 0) <= MAX_OPEN_DAYS:
        raise RuleError("surveys.bad-days", field="open_days")
    return title


def send_survey(actor, organisation, title, intro, questions, group_ids, repeat, open_days):
    """A specialist sends a survey to chosen groups the organisation supports; the parents
    are told after the commit. `questions`: [(kind, text, choices as lines)]."""
    from community.involve.access import is_specialist_of

    if not is_specialist_of(actor, organisation.id):
        raise RuleError("surveys.not-allowed")
    title = _check_basics(title, repeat, open_days)
    supported = set(
        db.session.scalars(
            select(Group.id).where(Group.organisation_id == organisation.id, Group.archived_at.is_(None))
        )
    )
    chosen = sorted(set(group_ids or ()) & supported)
    if not chosen:
        raise RuleError("surveys.no-groups", field="groups")
    return _send(actor, title, intro, _clean_questions(questions), chosen, repeat, open_days, organisation.id, None)


def send_group_survey(actor, group, title, intro, questions, repeat, open_days):
    """A leader sends a survey to the parents of their own group (with or without an
    organisation); the same rules, and the organisation's specialists see it too."""
    if not leads(actor, group):
        raise RuleError("surveys.not-leader")
    title = _check_basics(title, repeat, open_days)
    cleaned = _clean_questions(questions)
    return _send(actor, title, intro, cleaned, [group.id], repeat, open_days, group.organisation_id, group.id)


def _send(actor, title, intro, cleaned, group_ids, repeat, open_days, organisation_id, group_id):
    survey = Survey(
        organisation_id=organisation_id,
        group_id=group_id,
        title=title,
        intro=(intro or "").strip(),
        repeat=repeat,
        closes_on=date.today() + timedelta(days=open_days),
        created_by_id=actor.id,
    )
    db.session.add(survey)
    db.session.flush()
    survey.series_id = survey.id
    for position, (kind, text, options) in enumerate(cleaned):
        db.session.add(SurveyQuestion(survey_id=survey.id, position=position, kind=kind, text=text, choices=options))
    for group_id in group_ids:
        db.session.add(SurveyGroup(survey_id=survey.id, group_id=group_id))
    db.session.flush()
    db.session.refresh(survey)
    after_commit("surveys.announce", survey.id)
    return survey


def close_survey(actor, survey):
    closed = db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id, Survey.closed_at.is_(None))
        .values(closed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not closed:
        raise RuleError("surveys.closed")
    db.session.refresh(survey)


def stop_repeating(actor, survey):
    """No more rounds of this quarterly survey (the rounds so far stay, with their results)."""
    stopped = db.session.execute(
        update(Survey)
        .where(Survey.series_id == survey.series_id, Survey.repeat == QUARTERLY, Survey.stopped_at.is_(None))
        .values(stopped_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not stopped:
        raise RuleError("surveys.not-repeating")
    db.session.refresh(survey)


# --- answering ----------------------------------------------------------------------------------------


def answer_survey(user, survey, answers):
    """Record one person's answers, once. The ballot (who answered) and the response (what was
    answered) are separate rows with nothing in common but the survey; the unique ballot
    decides between two submissions at once. `answers`: {question id: int or text}."""
    if not survey.is_open:
        raise RuleError("surveys.closed")
    if not is_for(user, survey):
        raise RuleError("surveys.not-for-you")
    values = {}
    for question in survey.questions:
        given = answers.get(question.id)
        if question.kind == TEXT:
            text = (given or "").strip()[:1000]
            if text:
                values[question.id] = (None, text)
        elif given is not None:
            top = 5 if question.kind == SCALE else len(question.choices) - 1
            bottom = 1 if question.kind == SCALE else 0
            if not isinstance(given, int) or not bottom <= given <= top:
                raise RuleError("surveys.bad-answer", field=f"q{question.id}")
            values[question.id] = (given, "")
    if not values:
        raise RuleError("surveys.empty", field=None)
    try:
        with db.session.begin_nested():
            db.session.add(SurveyBallot(survey_id=survey.id, user_id=user.id))
    except IntegrityError:
        raise RuleError("surveys.already-answered") from None
    response = SurveyResponse(survey_id=survey.id)
    db.session.add(response)
    db.session.flush()
    for question_id, (value, text) in values.items():
        db.session.add(SurveyAnswer(response_key=response.key, question_id=question_id, value=value, text=text))
    db.session.execute(
        update(Survey)
        .where(Survey.id == survey.id)
        .values(answer_count=Survey.answer_count + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(survey)


# --- telling people, repeating, the ready-made survey ---------------------------------------------------


@job("surveys.announce")
def announce(survey_id):
    """Tell the people a survey is for: a notice, and an email."""
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        return 0
    people = db.session.scalars(select(User).where(User.id.in_(audience(survey))).order_by(User.id)).all()
    # A leader's survey says it comes from the group's leaders; the others from the organisation.
    sender = {"group": survey.group.name} if survey.group_id is not None else {"org": survey.organisation.name}
    for person in people:
        notify(
            person,
            "surveys.new_group" if survey.group_id is not None else "surveys.new",
            path_for("surveys.detail", survey_id=survey.id),
            email_template="surveys/new",
            title=survey.title,
            closes_on=survey.closes_on,
            **sender,
        )
    return len(people)


def next_round(survey):
    """A quarterly survey's next round: the same questions and groups, open as long."""
    span = survey.closes_on - survey.created_at.date()
    following = Survey(
        organisation_id=survey.organisation_id,
        group_id=survey.group_id,
        title=survey.title,
        intro=survey.intro,
        repeat=QUARTERLY,
        series_id=survey.series_id,
        round_no=survey.round_no + 1,
        closes_on=date.today() + max(span, timedelta(days=1)),
        created_by_id=survey.created_by_id,
    )
    db.session.add(following)
    db.session.flush()
    for q in survey.questions:
        db.session.add(
            SurveyQuestion(survey_id=following.id, position=q.position, kind=q.kind, text=q.text, choices=q.choices)
        )
    for group_id in db.session.scalars(select(SurveyGroup.group_id).where(SurveyGroup.survey_id == survey.id)):
        db.session.add(SurveyGroup(survey_id=following.id, group_id=group_id))
    db.session.flush()
    after_commit("surveys.announce", following.id)
    return following


@job("surveys.repeat")
def repeat_due(now=None):
    """The scheduler's daily run: each quarterly series whose latest round opened a quarter ago
    gets its next round (once: the latest round is re-read under its row lock)."""
    now = now or utcnow()
    latest = (
        select(Survey.series_id, func.max(Survey.round_no).label("round_no"))
        .where(Survey.repeat == QUARTERLY)
        .group_by(Survey.series_id)
        .subquery()
    )
    due = db.session.scalars(
        select(Survey.id)
        .join(latest, (latest.c.series_id == Survey.series_id) & (latest.c.round_no == Survey.round_no))
        .where(Survey.stopped_at.is_(None), Survey.created_at <= now - QUARTER)
        .order_by(Survey.id)
    ).all()
    made = 0
    for survey_id in due:
        survey = db.session.scalar(select(Survey).where(Survey.id == survey_id).with_for_update())
        newer = db.session.scalar(
            select(func.count(Survey.id)).where(Survey.series_id == survey.series_id, Survey.round_no > survey.round_no)
        )
        if newer or survey.stopped_at is not None:
            continue
        if survey.closed_at is None:
            survey.closed_at = now
        next_round(survey)
        made += 1
    return made


# The ready-made survey, written in the organisation's words for the parents (English msgids;
# stored in the language of the organisation's people: Russian).
TAKING_PART_QUESTIONS = (
    (SCALE, _l("How did taking part feel? (1 — hard, 5 — good)")),
    (SCALE, _l("Did the organisers listen to you and take your views into account? (1 — not at all, 5 — fully)")),
    (SCALE, _l("Was the preparation and support enough? (1 — not at all, 5 — fully)")),
    (CHOICE, _l("Would you take part again?")),
    (TEXT, _l("What would make taking part better?")),
)
AGAIN_CHOICES = (_l("Yes"), _l("Maybe"), _l("No"))


@job("surveys.taking_part")
def send_taking_part_surveys(today=None):
    """The scheduler's daily run: every opportunity of an organisation that ended in the last
    30 days and had people accepted gets its "How did taking part feel?" survey, once (a unique
    constraint on the opportunity)."""
    today = today or date.today()
    accepted = select(Application.opportunity_id).where(Application.status == ACCEPTED)
    ended = db.session.scalars(
        select(Opportunity)
        .where(
            Opportunity.organisation_id.is_not(None),
            Opportunity.ends_on < today,
            Opportunity.ends_on >= today - ENDED_WITHIN,
            Opportunity.id.in_(accepted),
            Opportunity.id.not_in(select(Survey.opportunity_id).where(Survey.opportunity_id.is_not(None))),
        )
        .order_by(Opportunity.id)
    ).all()
    made = 0
    for opportunity in ended:
        with force_locale("ru"):
            title = _("How did taking part feel? %(title)s", title=opportunity.title)
            texts = [(kind, str(text)) for kind, text in TAKING_PART_QUESTIONS]
            again = [str(c) for c in AGAIN_CHOICES]
            intro = _("Five short questions, anonymous: nobody will know what you answered.")
        survey = Survey(
            organisation_id=opportunity.organisation_id,
            title=title[:200],
            intro=intro,
            kind=TAKING_PART,
            opportunity_id=opportunity.id,
            closes_on=today + timedelta(days=TAKING_PART_DAYS),
        )
        try:
            with db.session.begin_nested():
                db.session.add(survey)
                db.session.flush()
        except IntegrityError:
            continue
        survey.series_id = survey.id
        for position, (kind, text) in enumerate(texts):
            db.session.add(
                SurveyQuestion(
                    survey_id=survey.id,
                    position=position,
                    kind=kind,
                    text=text,
                    choices=again if kind == CHOICE else [],
                )
            )
        db.session.flush()
        after_commit("surveys.announce", survey.id)
        made += 1
    return made
