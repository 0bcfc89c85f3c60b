"""Form pieces shared by every feature."""

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError


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


def show_error(form, field_name, message):
    """Show a service's refusal next to its field, or as a message above the form."""
    field = getattr(form, field_name, None) if field_name else None
    if field is not None:
        field.errors = list(field.errors) + [message]
    else:
        flash(message, "error")
