"""Templates compare states with the enums (`c.status == ClaimStatus.PAID`), and every enum
member they name exists: Jinja would quietly read a misspelt one as undefined, and the
comparison would be false for ever."""

import re
from pathlib import Path

from community.main.filters import _states

TEMPLATES = Path(__file__).resolve().parent.parent / "community" / "templates"
# A state, kind, role or other enum column (or a variable named after one) compared with a
# quoted word: `r.status == 'open'`, `kind != "need"`, `m.role in ('leader', …)`.
BARE_STATE = re.compile(
    r"""\b(status|role|kind|stage|state|urgency|join_policy|frequency|email_frequency)"""
    r"""(\s*(==|!=)\s*|\s+(not\s+)?in\s+[([]?\s*)['"][a-z_-]+['"]"""
)
ENUM_MEMBER = re.compile(r"\b([A-Z][A-Za-z]+)\.([A-Z_]+)\b")


def templates():
    return {str(path.relative_to(TEMPLATES)): path.read_text(encoding="utf-8") for path in TEMPLATES.rglob("*.*")}


def test_templates_compare_states_with_the_enums():
    bare = sorted(
        f"{name}: {match.group(0)}" for name, text in templates().items() for match in BARE_STATE.finditer(text)
    )
    assert not bare, f"compare with the enums, e.g. ClaimStatus.PAID: {bare}"


def test_the_check_catches_a_bare_string_and_a_misspelt_member():
    assert BARE_STATE.search("{% if r.status == 'open' %}")
    assert BARE_STATE.search('{% if kind != "need" %}')
    assert BARE_STATE.search("{% if m.role in ('leader', 'specialist') %}")
    assert BARE_STATE.search("{% if state == 'other-email' %}")
    assert BARE_STATE.search("{% if urgency not in ['today', 'week'] %}")
    assert BARE_STATE.search("{% for o in organisers if o.status=='accepted' %}")
    assert not BARE_STATE.search("{% if r.status == HelpStatus.OPEN %}")
    states = _states()
    assert [m for m in ENUM_MEMBER.findall("{% if r.status == HelpStatus.OPNE %}") if not hasattr(states[m[0]], m[1])]


def test_every_enum_member_a_template_names_exists():
    states = _states()
    missing = [
        (name, f"{enum}.{member}")
        for name, text in templates().items()
        for enum, member in ENUM_MEMBER.findall(text)
        if enum in states and not hasattr(states[enum], member)
    ]
    assert not missing
