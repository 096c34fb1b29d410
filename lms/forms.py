"""Form helpers shared by every feature."""

from __future__ import annotations

import enum

from wtforms import SelectChoice


def enum_choices(enum_class: type[enum.StrEnum], blank: str | None = None) -> list[SelectChoice]:
    """Choices for a select or radio field from an enum whose members have a ``label``."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    for member in enum_class:
        label = getattr(member, "label", member.value.replace("_", " ").capitalize())
        choices.append(SelectChoice(member.value, label))
    return choices


def attach_error(form, error) -> None:
    """Show an operation's InvalidInput beside its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
