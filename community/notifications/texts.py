"""The sentence for each kind of in-app notification, rendered in the reader's language."""

from community.i18n import gettext as _

TEXTS = {
    "join.requested": lambda d: _("%(name)s asks to join %(group)s.", **d),
    "join.joined": lambda d: _("%(name)s joined %(group)s.", **d),
    "join.approved": lambda d: _("Welcome! You are now a member of %(group)s.", **d),
    "join.declined": lambda d: _("Your request to join %(group)s was declined.", **d),
    "member.removed": lambda d: _("You were removed from %(group)s.", **d),
    "role.leader": lambda d: _("You are now a leader of %(group)s.", **d),
    "engagement.offered": lambda d: _("%(group)s invites you to take a role: %(role)s.", **_role(d)),
    "engagement.answered": lambda d: _("%(name)s answered your invitation to take a role: %(role)s.", **_role(d)),
    "post.announcement": lambda d: _("New announcement in %(group)s: %(title)s", **d),
    "post.decision": lambda d: _("New decision in %(group)s: %(title)s", **d),
    "post.comment": lambda d: _("%(name)s replied to “%(title)s”.", **d),
    "message.received": lambda d: _("%(name)s wrote to you.", **d),
    "event.changed": lambda d: _("The time or place of “%(title)s” has changed.", **d),
    "event.cancelled": lambda d: _("“%(title)s” is cancelled.", **d),
    "event.promoted": lambda d: _("A place freed up: you are going to “%(title)s”.", **d),
    "event.organiser_invited": lambda d: _("%(name)s invites you to co-organise “%(title)s”.", **d),
    "event.message": lambda d: _("The organisers of “%(title)s” wrote to you.", **d),
    "help.new_need": lambda d: _("%(name)s in %(group)s needs help.", **d),
    "help.new_offer": lambda d: _("%(name)s in %(group)s offers help.", **d),
    "help.response": lambda d: _("%(name)s answered “%(title)s”.", **d),
    "help.accepted": lambda d: _("%(name)s accepted your help with “%(title)s”.", **d),
    "help.thread": lambda d: _("%(name)s wrote about “%(title)s”.", **d),
    "help.thanked": lambda d: _("%(name)s thanks you for your help with “%(title)s”.", **d),
    "help.withdrawn": lambda d: _("%(name)s can no longer help with “%(title)s”: the request is open again.", **d),
    "help.unanswered": lambda d: _("A request in %(group)s has had no answer for two days.", **d),
    "help.still_open": lambda d: _("Is “%(title)s” still needed? Please resolve or close it.", **d),
    "help.auto_closed": lambda d: _("“%(title)s” was closed after 60 days. You can reopen it.", **d),
    "support.offered": lambda d: _("%(org)s offers support to %(group)s.", **d),
    "support.accepted": lambda d: _("%(group)s accepted the support of %(org)s.", **d),
    "support.declined": lambda d: _("%(group)s declined the support of %(org)s.", **d),
    "support.ended": lambda d: _("%(group)s ended the link with %(org)s.", **d),
    "involve.new": lambda d: _("%(org)s invites parents to take part: “%(title)s”.", **d),
    "involve.applied": lambda d: _("%(name)s applied to “%(title)s”.", **d),
    "involve.withdrawn": lambda d: _("%(name)s withdrew from “%(title)s”.", **d),
    "involve.accepted": lambda d: _("You are accepted to “%(title)s”.", **d),
    "involve.waitlisted": lambda d: _("You are on the waiting list for “%(title)s”.", **d),
    "involve.declined": lambda d: _("The organisers answered your application to “%(title)s”.", **d),
    "involve.promoted": lambda d: _("A place freed up: you are accepted to “%(title)s”.", **d),
    "involve.took_part": lambda d: _("Thank you for taking part in “%(title)s”. You can claim your costs.", **d),
    "claims.submitted": lambda d: _("%(name)s claims costs for “%(title)s”.", **d),
    "claims.resubmitted": lambda d: _("%(name)s sent the claim for “%(title)s” again, corrected.", **d),
    "claims.approved": lambda d: _("Your cost claim for “%(title)s” is approved.", **d),
    "claims.declined": lambda d: _("Your cost claim for “%(title)s” is declined. See why.", **d),
    "claims.paid": lambda d: _("Your cost claim for “%(title)s” is paid.", **d),
    "surveys.new": lambda d: _("%(org)s asks a few short questions: “%(title)s”.", **d),
    "surveys.new_group": lambda d: _("The leaders of %(group)s ask a few short questions: “%(title)s”.", **d),
    "voice.new": lambda d: _("A new suggestion to %(group)s: “%(title)s”.", **d),
    "voice.heard": lambda d: _("Your suggestion “%(title)s” is heard.", **d),
    "voice.considering": lambda d: _("Your suggestion “%(title)s” is being considered.", **d),
    "voice.doing": lambda d: _("Your suggestion “%(title)s” is being put into practice.", **d),
    "voice.done": lambda d: _("Done: “%(title)s”. See what changed.", **d),
    "voice.not_possible": lambda d: _("“%(title)s” is not possible for now. See why.", **d),
    "safety.reported": lambda d: _("A member reported something in %(group)s. Please have a look.", **d),
    "safety.hidden": lambda d: _hidden(d),
}


def _role(data):
    """The engagement role by its name in the reader's language (the notice stores its key)."""
    from community.groups.forms import ENGAGEMENT_ROLE_LABELS

    label = ENGAGEMENT_ROLE_LABELS.get(data.get("role"))
    return {**data, "role": label} if label is not None else data


def _hidden(data):
    """What of mine was hidden, and why (the labels of the report's kind and reason)."""
    from community.safety.forms import KIND_LABELS, REASON_LABELS

    what = KIND_LABELS.get(data.get("item"), KIND_LABELS["post"])
    why = REASON_LABELS.get(data.get("why"), REASON_LABELS["other"])
    return _("Your %(what)s was hidden by the moderators. Why: %(why)s.", what=what, why=why)


# The only values a stored notice keeps (what the sentences above use).
STORED_KEYS = frozenset({"name", "group", "title", "role", "org", "item", "why"})


def render(notification):
    text = TEXTS.get(notification.kind)
    if text is None:
        return ""
    data = dict(notification.data or {})
    if not data.get("name"):
        data["name"] = _("A former member")  # the person deleted their account
    data.setdefault("title", "…")  # what they wrote went with their account
    try:
        return text(data)
    except (KeyError, TypeError, ValueError):
        return ""
