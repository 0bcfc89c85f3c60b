"""Rule errors: one exception type, one catalogue of messages.

A service refuses an action by raising `RuleError("<feature>.<code>", field=...)`; the view
shows `message_for(error)` next to the field (or above the form). Every code a service can
raise has its message here: an unknown code is a bug, caught by `tests/test_jobs.py` (test_every_rule_error_in_the_code_has_a_message_in_both_languages).
"""

from community.i18n import lazy_gettext as _l


class RuleError(Exception):
    """A rule was broken. `code` picks the message; `field` names the form field it belongs to."""

    def __init__(self, code, field=None):
        super().__init__(code)
        self.code = code
        self.field = field

    @property
    def message(self):
        return message_for(self)


def message_for(error):
    """The refusal in the reader's language (KeyError for a code missing from the catalogue)."""
    return str(MESSAGES[error.code if isinstance(error, RuleError) else error])


MESSAGES = {
    # accounts
    "auth.link-expired": _l("This link has expired. Please ask for a new one."),
    "auth.link-used": _l("This link has already been used or is no longer valid."),
    "auth.link-invalid": _l("This link is not valid. Please copy the whole link from the email."),
    "auth.new-email-taken": _l("This email address is already used by another account."),
    "auth.wrong-password": _l("The password is not right."),
    "auth.same-email": _l("This is already your email address."),
    "auth.suspended": _l(
        "This account is suspended by the Krug admins. If you think this is a mistake, please answer the email we sent you."
    ),
    "auth.last-leader": _l(
        "You are the only leader of a group. Please make another member a leader, or archive the group, first."
    ),
    # groups and members
    "groups.unverified": _l("Please confirm your email address first: open the link we sent you."),
    "groups.name-taken": _l("A group with this name already exists in this city. Please choose another name."),
    "groups.archived": _l("This group is archived and does not take new members."),
    # members without an account (community/offline)
    "offline.bad-phone": _l("This does not look like a phone number: digits, with + ( ) - and spaces if you like."),
    "offline.gone": _l("This person is no longer in the group."),
    "offline.other-group": _l("This meeting belongs to another group."),
    "offline.link-not-member": _l("Choose someone with an account who is a member of this group."),
    "offline.link-not-yours": _l("This link was sent to another account. Sign in with the account it was sent to."),
    "offline.link-gone": _l("This link is no longer valid: ask the group's leader to send it again."),
    "groups.already-active": _l("You are already a member of this group."),
    "groups.already-pending": _l("Your request is already with the leaders."),
    "groups.already-decided": _l("Someone has already answered this request."),
    "groups.not-member": _l("This person is not an active member of the group."),
    "groups.last-leader": _l("A group needs at least one leader. Name another leader first."),
    "groups.remove-self": _l("You cannot remove yourself. Use “Leave the group” instead."),
    "groups.cannot-lead": _l("Only active parent members can become leaders."),
    "groups.already-leader": _l("This person is already a leader."),
    "groups.not-leader": _l("This person is not a leader."),
    "groups.hand-over-self": _l("Please choose another member."),
    "groups.bad-role": _l("Please choose a role from the list."),
    "groups.role-already": _l("This role is already offered to this person or accepted."),
    "groups.not-yours": _l("This is not yours to answer."),
    "groups.role-from-opportunity": _l("This role comes with an opportunity to take part: withdraw there."),
    # the group feed
    "posts.cannot-post": _l("Only members of the group can write here."),
    "posts.leaders-only": _l("Only leaders can post announcements and decisions."),
    "posts.not-yours": _l("Only the author can change this."),
    "posts.hidden": _l("This post is hidden by the leaders; replies are closed."),
    "posts.pin-limit": _l("Three posts are pinned already. Unpin one first."),
    # keeping the group safe
    "safety.cannot-report": _l("You can report what you can read in your groups and messages."),
    "safety.own-item": _l("This is yours: you can edit or delete it instead."),
    "safety.bad-reason": _l("Please choose a reason from the list."),
    "safety.already-reported": _l("You have already reported this. The leaders will look at it."),
    "safety.already-decided": _l("Someone has already dealt with this report."),
    "safety.item-gone": _l("This was deleted in the meantime. You can dismiss the report."),
    "safety.block-self": _l("You cannot block yourself."),
    "safety.suspend-self": _l("You cannot suspend your own account."),
    "safety.already-suspended": _l("This account is already suspended."),
    "safety.not-suspended": _l("This account is not suspended."),
    "messages.blocked": _l("You cannot write to this person."),
    "thanks.own": _l("This is yours: others can say thank you for it."),
    "thanks.cannot": _l("Only members of the group can say thank you here."),
    # organisations
    "orgs.slug-invalid": _l("Use lowercase latin letters, digits and hyphens, for example rodnik-kazan."),
    "orgs.slug-taken": _l("This address is already used by another organisation. Please choose another."),
    "orgs.already-specialist": _l("This person is already a specialist of the organisation."),
    "orgs.used": _l("This invitation has already been used."),
    "orgs.expired": _l("This invitation has expired. Please ask the admin to send a new one."),
    "orgs.other-email": _l("This invitation was sent to another email address."),
    "orgs.not-specialist": _l("Only specialists of the organisation can do this."),
    "orgs.archived": _l("This group is archived."),
    "orgs.already-linked": _l("This group is already supported by an organisation."),
    "orgs.already-offered": _l(
        "Your organisation has already offered support to this group. The leaders will answer soon."
    ),
    "orgs.already-decided": _l("Someone has already answered this offer."),
    "orgs.not-linked": _l("The group is not linked to an organisation."),
    "orgs.already-member": _l("You are already in this group."),
    # events
    "events.time-gap": _l(
        "This time does not exist on that day because the clocks change. Please choose another time."
    ),
    "events.ends-before-start": _l("The end must be after the start."),
    "events.in-the-past": _l("This date is in the past. Please choose a future date."),
    "events.too-long": _l("An event can last at most 14 days."),
    "events.bad-capacity": _l("Please enter a number from 1 to 10000, or leave it empty."),
    "events.capacity-below-going": _l("More people are already going than this. Please enter a larger number."),
    "events.cancelled": _l("This event is cancelled."),
    "events.not-open": _l("Registration is not open for this event."),
    "events.started": _l("This event has already started."),
    "events.already-registered": _l("You are already registered."),
    "events.not-registered": _l("You are not registered for this event."),
    "events.not-member": _l("Please choose a member of the group."),
    "events.already-organiser": _l("This person is already an organiser or invited."),
    "events.no-invitation": _l("There is no invitation to answer."),
    "events.last-organiser": _l("An event needs at least one organiser."),
    "events.not-started": _l("Attendance can be marked once the event has started."),
    "events.no-feedback": _l("Feedback is open to people who came, after the event."),
    "events.feedback-given": _l("You have already answered. Thank you!"),
    # regular meetings (series)
    "series.bad-interval": _l("Please enter a number of weeks from 1 to 12."),
    "series.no-weekday": _l("Please choose the day of the week."),
    "series.no-nth": _l("Please choose which one in the month: first, second, third, fourth or last."),
    "series.no-monthday": _l("Please enter a day of the month from 1 to 31."),
    "series.bad-count": _l("Please enter a number of meetings from 1 to 200."),
    "series.until-before-start": _l("The last day must be after the first meeting."),
    "series.no-meetings": _l("With this end there would be no meeting at all. Please choose a later last day."),
    "series.not-in-series": _l("This event is not part of a regular meeting."),
    "series.meeting-started": _l("This meeting has already started. Please choose a coming meeting."),
    # mutual help
    "help.bad-category": _l("Please choose a kind of help from the list."),
    "help.needed-by-past": _l("This date has passed. Please choose today or a later date."),
    "help.author-only": _l("Only the person who posted it can do this."),
    "help.not-active": _l("This request is resolved or closed."),
    "help.own-request": _l("This is your own request."),
    "help.already-responded": _l("You have already answered. The author will write to you."),
    "help.already-accepted": _l("This helper is already accepted."),
    "help.thread-closed": _l("Only the author and the accepted helpers write here."),
    "help.choose-helper": _l("Please tick who helped."),
    "help.already-open": _l("This request is already open."),
    "help.same-person": _l("Please choose two different people."),
    "help.helper-left": _l("This person has left the group."),
    "help.no-answer": _l("You have not answered this request (or you took your answer back)."),
    # involvement: opportunities to take part
    "involve.not-allowed": _l("Only the organisation's specialists, or the group's leaders, can do this."),
    "involve.no-criteria": _l(
        "Please write who can take part: the criteria are what you choose by, and everyone sees them."
    ),
    "involve.bad-choice": _l("Please choose from the list."),
    "involve.bad-places": _l("Please enter a number from 1 to 500."),
    "involve.ends-before-start": _l("The end must be on or after the start."),
    "involve.too-long": _l("An opportunity can last at most three years."),
    "involve.ends-in-past": _l("This date is in the past. Please choose today or a later date."),
    "involve.deadline-past": _l("The last day to apply is in the past. Please choose today or a later date."),
    "involve.deadline-after-end": _l("People must be able to apply before it ends: choose a day on or before the end."),
    "involve.no-payer": _l(
        "Costs can be covered when an organisation supports the group. Untick the costs, or ask your organisation."
    ),
    "involve.places-below-accepted": _l("More people are already accepted than this. Please enter a larger number."),
    "involve.not-draft": _l("This opportunity is already published."),
    "involve.not-open": _l("Applications are closed for this opportunity."),
    "involve.draft-session": _l("Publish the opportunity first, then add its sessions."),
    "involve.own-opportunity": _l("You are one of the organisers of this opportunity."),
    "involve.not-for-you": _l("This opportunity is for parents of the groups it names."),
    "involve.already-applied": _l("You have already applied. The organisers will answer."),
    "involve.no-application": _l("You have no application here to withdraw."),
    "involve.ended": _l("This opportunity has ended."),
    "involve.already-decided": _l("Someone has already answered this application."),
    "involve.reason-needed": _l("Please give a reason: the applicant will read it."),
    "involve.session-ends-before-start": _l("The end must be after the start."),
    "involve.session-too-long": _l("A session can last at most three days."),
    "involve.session-too-old": _l("Please record sessions of the last twelve months."),
    "involve.session-not-started": _l("Who took part can be recorded once the session has started."),
    "involve.session-took-place": _l(
        "People are recorded as having taken part in this session, so it stays as it was. Change who took part first."
    ),
    # costs covered
    "claims.not-taken-part": _l("You can claim costs for sessions and events you took part in."),
    "claims.not-covered": _l("This kind of cost is not covered here. Please choose from the list."),
    "claims.bad-amount": _l("Please enter an amount from 0,01 to 100 000 roubles."),
    "claims.over-limit": _l("This is more than the limit for this kind of cost (shown above)."),
    "claims.spent-in-future": _l("This date is in the future."),
    "claims.spent-too-old": _l("Please claim costs of the last twelve months."),
    "claims.already-claimed": _l("You have already claimed this kind of cost for this. One claim each."),
    "claims.receipt-too-large": _l("The file is larger than 5 MB. Please send a smaller photo or PDF."),
    "claims.receipt-empty": _l("The file is empty. Please choose the photo or PDF again."),
    "claims.receipt-type": _l("Please send a photo (JPEG, PNG, WebP, HEIC) or a PDF. Other files are not accepted."),
    "claims.already-decided": _l("Someone has already decided on this claim."),
    "claims.not-yours": _l("Only the person who claimed can send the claim again."),
    "claims.reason-needed": _l("Please give a reason: the parent will read it."),
    # community health
    "health.break-order": _l("The end must be on or after the start."),
    "health.break-long": _l("A break can last at most 120 days."),
    "health.future": _l("This date is in the future."),
    "health.too-old": _l("Please record meetings of the last twelve months."),
    "health.not-found": _l("This break no longer exists."),
    "health.not-member-then": _l("Please tick only people who were members of the group on that day."),
    # you said — we did
    "voice.not-allowed": _l("Only the group's leaders, or the organisation's specialists, can do this."),
    "voice.no-title": _l("Please write your suggestion in one line."),
    "voice.cannot-support": _l("Parents of the group can support suggestions that are still open, except their own."),
    "voice.already-supported": _l("You already support this suggestion."),
    "voice.not-supported": _l("You do not support this suggestion."),
    "voice.already-answered": _l("Someone has already answered it, so it stays."),
    "voice.bad-step": _l("Please choose one of the answers offered."),
    "voice.reason-needed": _l("Please give a reason: the author and the supporters will read it."),
    "voice.change-needed": _l("Please say what changed: this is what “done” tells everyone."),
    "voice.level-needed": _l("Please choose the level at which it changed."),
    "voice.bad-decision": _l("Please choose a decision of this group from the list."),
    "surveys.not-allowed": _l("Only the organisation's specialists can send surveys."),
    "surveys.not-leader": _l("Only the group's leaders can send it a survey."),
    "surveys.no-title": _l("Please name the survey."),
    "surveys.bad-kind": _l("Please choose from the list."),
    "surveys.bad-days": _l("Please enter a number from 1 to 60."),
    "surveys.no-groups": _l("Please choose at least one group the organisation supports."),
    "surveys.no-questions": _l("Please write at least one question."),
    "surveys.too-many": _l("A survey has at most five questions."),
    "surveys.choices-needed": _l("Please write two to eight choices, one a line."),
    "surveys.closed": _l("This survey is closed."),
    "surveys.not-repeating": _l("This survey does not repeat."),
    "surveys.not-for-you": _l("This survey is for the parents of the groups it was sent to."),
    "surveys.bad-answer": _l("Please choose one of the answers offered."),
    "surveys.empty": _l("Please answer at least one question."),
    "surveys.already-answered": _l("You have already answered this survey. Thank you!"),
    "assessment.round-exists": _l("This year's self-assessment is already open."),
    "assessment.bad-level": _l("Please choose one of the levels offered."),
    "assessment.empty": _l("Please rate at least one statement."),
    "report.future-day": _l("That date is in the future: note results once they have happened."),
    "report.old-day": _l("Please choose a date from the year 2000 on."),
    "report.unexpected-unknown": _l("This item was not found: it may have been deleted."),
    "report.unexpected-elsewhere": _l(
        "This item belongs to a group your organisation does not support, so it cannot go into your report."
    ),
    "report.unexpected-draft": _l("This is still a draft: mark it once it is published."),
    "report.unexpected-note": _l("Please say in a few words (at most 500 characters) what was unexpected about it."),
    "report.unexpected-already": _l("This is already marked as an unexpected result."),
    "assessment.already-rated": _l("You have already rated this year. Thank you!"),
    "voice.answered-meanwhile": _l("Someone else answered it a moment ago. Please read the latest answer first."),
}
