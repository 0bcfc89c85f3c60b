"""The statements of the self-assessment: about four for each of the framework's five
principles, in plain words, from the working group's notes (SPEC §3a)."""

from community.i18n import lazy_gettext as _l

PRINCIPLES = {
    "principles": _l("Principles"),
    "purpose": _l("Purpose"),
    "representation": _l("Representation"),
    "process": _l("Process"),
    "influence": _l("Influence"),
}

# (key, principle, the organisation's wording, the parents' wording)
STATEMENTS = (
    (
        "principles.values",
        "principles",
        _l("We have written down why we involve families, and our staff share these values."),
        _l("The organisation says clearly why it involves families like mine."),
    ),
    (
        "principles.partners",
        "principles",
        _l("We treat parents as partners whose experience is expertise, not only as clients."),
        _l("The staff treat me as a partner whose experience counts, not only as a client."),
    ),
    (
        "principles.accessible",
        "principles",
        _l("Any family we support can take part, whatever its situation."),
        _l("Families like mine can take part, whatever our situation."),
    ),
    (
        "principles.respect",
        "principles",
        _l("Parents' time and views are respected: we say thank you and we answer."),
        _l("My time and my views are respected: they thank me and answer me."),
    ),
    (
        "purpose.clear",
        "purpose",
        _l("Each time we involve parents, we say what for: what we want to improve."),
        _l("When I am invited to take part, I know what it is for."),
    ),
    (
        "purpose.limits",
        "purpose",
        _l("We say honestly what can change and what cannot."),
        _l("I am told honestly what can change and what cannot."),
    ),
    (
        "purpose.roles",
        "purpose",
        _l("Everyone who takes part knows their role."),
        _l("When I take part, I know what my role is."),
    ),
    (
        "purpose.shared",
        "purpose",
        _l("Staff and parents understand the goal in the same way."),
        _l("The staff and the parents understand the goal in the same way."),
    ),
    (
        "representation.levels",
        "representation",
        _l(
            "Parents take part at every level where there is a purpose for them: their own case, groups, services, plans, evaluation."
        ),
        _l("Parents take part not only in their own case, but also in groups, services and plans."),
    ),
    (
        "representation.separately",
        "representation",
        _l("We hear the families we serve directly and those we reach indirectly, separately."),
        _l("The organisation asks families like mine separately, not only together with everyone."),
    ),
    (
        "representation.roles",
        "representation",
        _l("We offer parents different roles: consultant, ambassador, friendly critic, mentor."),
        _l("I could take on a role I choose: consultant, ambassador, friendly critic, mentor."),
    ),
    (
        "representation.diverse",
        "representation",
        _l("The parents who take part are as varied as the families we support."),
        _l("The parents who take part are as varied as the families in our groups."),
    ),
    (
        "process.criteria",
        "process",
        _l("Who can take part is decided by open criteria that everyone can read."),
        _l("I know how people are chosen to take part."),
    ),
    (
        "process.language",
        "process",
        _l("We write and speak in plain language, without jargon."),
        _l("Things are explained to me in plain language."),
    ),
    (
        "process.decisions",
        "process",
        _l("We tell every family what was decided and why."),
        _l("I am told what was decided and why."),
    ),
    (
        "process.support",
        "process",
        _l("We prepare and support parents who take part, and cover their costs: travel, childcare."),
        _l("When I take part, I get preparation and support, and my costs are covered."),
    ),
    (
        "influence.services",
        "influence",
        _l("What parents say changes our services, and we can name the changes."),
        _l("What parents say changes the organisation's services."),
    ),
    (
        "influence.wellbeing",
        "influence",
        _l("Taking part improves the well-being of families and of our staff."),
        _l("Taking part has been good for my family and me."),
    ),
    (
        "influence.growth",
        "influence",
        _l("Parents who take part grow: new skills, more confidence."),
        _l("Taking part has given me new skills or more confidence."),
    ),
    (
        "influence.measured",
        "influence",
        _l("We measure what changed thanks to involvement, and share it."),
        _l("I hear what has changed thanks to parents taking part."),
    ),
)
KEYS = tuple(key for key, *_rest in STATEMENTS)

LEVEL_LABELS = (_l("not yet"), _l("starting"), _l("mostly"), _l("fully"))
