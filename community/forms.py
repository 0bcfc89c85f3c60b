"""Form pieces shared by every feature."""

from flask import flash, request
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import Choice
from wtforms.meta import DefaultMeta
from wtforms.validators import ValidationError

from community.errors import message_for
from community.extensions import db
from community.i18n import lazy_gettext as _l

MAX_ID = 2**31 - 1  # the database's integer: a larger id cannot exist


def id_from(value):
    """An id typed into a URL's query (`?from=12`), or None when it is not one that can exist."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def page_number():
    """The page a list was asked for (`?page=3`); 1 for anything that is not a sensible page."""
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 10_000 else 1


def _render_field(meta, field, render_kw):
    """Hidden inputs are rendered without an `id`: a page with two forms would otherwise carry
    two `id="csrf_token"` (invalid HTML), and nothing labels or looks up a hidden input."""
    if getattr(field.widget, "input_type", None) == "hidden":
        render_kw = {"id": False} | render_kw
    return DefaultMeta.render_field(meta, field, render_kw)


FlaskForm.Meta.render_field = _render_field


class ChoiceField(SelectField):
    """A required choice from a list (a person, a successor) that starts on a prompt, “Choose…”,
    rather than on the first real choice, so nobody picks someone by not looking. The prompt
    chosen reads as no answer: the field's InputRequired message says what to do."""

    def __init__(self, label=None, validators=None, prompt=_l("Choose…"), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.prompt = prompt

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] == "":
            self.data = None
            return
        super().process_formdata(valuelist)

    def iter_choices(self):
        return [Choice("", self.prompt, self.data is None, {}), *super().iter_choices()]

    def pre_validate(self, form):
        if self.data is not None:
            super().pre_validate(form)


class EmptyForm(FlaskForm):
    """For buttons that only POST (log out, resend, join): carries the CSRF token."""


def stripped(value):
    """WTForms filter: trim surrounding whitespace and drop NUL characters (which
    PostgreSQL refuses to store) from text input."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def no_markup(form, field):
    """Short texts shown to other people: refuse angle brackets and control characters."""
    value = field.data or ""
    if any(c in value for c in "<>") or any(ord(c) < 32 for c in value):
        raise ValidationError(_l("Please use letters, numbers and ordinary punctuation only."))


def show_error(form, error, field=None):
    """Show a service's refusal next to its field (or above the form). Nothing of the refused
    action is saved: the request's transaction is rolled back here."""
    db.session.rollback()
    name = field or error.field
    target = getattr(form, name, None) if name else None
    if target is not None:
        target.errors = list(target.errors) + [message_for(error)]
    else:
        flash(message_for(error), "error")


def flash_error(error):
    """Show a service's refusal as a message on the next page; nothing of it is saved."""
    db.session.rollback()
    flash(message_for(error), "error")
