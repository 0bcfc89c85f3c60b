"""Templates compare states with the enums (`c.status == ClaimStatus.PAID`), and every enum
member they name exists: Jinja would quietly read a misspelt one as undefined, and the
comparison would be false for ever."""

import re
from pathlib import Path

from community.main.filters import _states

TEMPLATES = Path(__file__).resolve().parent.parent / "community" / "templates"
BARE_STATE = re.compile(r"\b(status|role|kind|stage|state) (==|!=|in) \(?'[a-z_]+'")
ENUM_MEMBER = re.compile(r"\b([A-Z][A-Za-z]+)\.([A-Z_]+)\b")

# Written before the enums reached the templates; this list only shrinks.
NOT_YET_CONVERTED = {
    "email/groups/post_published.txt",
    "email/help/new_request.html",
    "email/help/new_request.txt",
    "events/detail.html",
    "events/form.html",
    "events/mine.html",
    "events/organisers.html",
    "groups/_feed.html",
    "groups/member.html",
    "groups/members.html",
    "groups/my_roles.html",
    "groups/post.html",
    "groups/post_form.html",
    "help/_card.html",
    "help/board.html",
    "help/detail.html",
    "main/home.html",
    "orgs/invitation.html",
}


def templates():
    return {str(path.relative_to(TEMPLATES)): path.read_text(encoding="utf-8") for path in TEMPLATES.rglob("*.*")}


def test_templates_compare_states_with_the_enums():
    bare = {name for name, text in templates().items() if BARE_STATE.search(text)}
    assert bare <= NOT_YET_CONVERTED, (
        f"compare with the enums, e.g. ClaimStatus.PAID: {sorted(bare - NOT_YET_CONVERTED)}"
    )
    assert not NOT_YET_CONVERTED - bare, f"converted, take off the list: {sorted(NOT_YET_CONVERTED - bare)}"


def test_every_enum_member_a_template_names_exists():
    states = _states()
    missing = [
        (name, f"{enum}.{member}")
        for name, text in templates().items()
        for enum, member in ENUM_MEMBER.findall(text)
        if enum in states and not hasattr(states[enum], member)
    ]
    assert not missing
