"""Turning a module's Markdown into safe HTML, with the provider's settings filled in."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt

# The organisation's settings fill the placeholders, so it owns their defaults; re-exported here
# for the curriculum's loader and renderer.
from lms.organisation.rules import PLACEHOLDER_DEFAULTS

PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*(.*?)\s*\}\}")

#: The provider's emergency contacts. A module version keeps the text it was published with (its
#: hash covers it, and the records cite it), but a mentor must always read the provider's
#: *current* contacts: these placeholders are kept as markers beside the published text
#: (``ModuleVersion.live_sections``) and filled from the settings in force whenever it is shown.
LIVE_PLACEHOLDERS: tuple[str, ...] = ("on_call_phone", "emergency_protocol", "supervisor_contact")

#: Exactly what the Markdown subset in FORMAT.md produces; anything else is dropped.
ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "a",
    }
)
ALLOWED_ATTRIBUTES: Mapping[str, set[str]] = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def fill_placeholders(text: str, settings: Mapping[str, str], keep: Collection[str] = ()) -> str:
    """Replace each ``{{ key }}`` with the provider's setting, or the default when it is unset;
    placeholders named in ``keep`` are left as they are (written ``{{ key }}``).

    Raises ValueError for a key not in PLACEHOLDER_DEFAULTS: the loader refuses such files.
    """

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in PLACEHOLDER_DEFAULTS:
            raise ValueError(f"unknown placeholder {match.group(0)}")
        if key in keep:
            return "{{ " + key + " }}"
        return _value(text, key, match.start(), settings)

    return PLACEHOLDER_PATTERN.sub(value, text)


def _value(text: str, key: str, position: int, settings: Mapping[str, str]) -> str:
    """What the placeholder ``key`` at ``position`` in ``text`` becomes."""
    # A blank setting would leave a hole in a sentence; the default always reads well.
    setting = settings.get(key, "").strip()
    if setting:
        return setting  # a provider's name is printed exactly as they wrote it
    default = PLACEHOLDER_DEFAULTS[key]
    if _starts_sentence(text, position):
        return default[0].upper() + default[1:]  # "Your agency" opening a sentence
    return default


def live_contacts(settings: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The emergency contacts in ``settings``, as a hashable key for anything rendered with them."""
    return tuple((key, settings.get(key, "")) for key in LIVE_PLACEHOLDERS)


_LIVE_MARKER = re.compile(r"\{\{ (" + "|".join(LIVE_PLACEHOLDERS) + r") \}\}")


def live_text(text: str, settings: Mapping[str, str]) -> str:
    """``text`` kept with LIVE_PLACEHOLDERS as markers, filled from ``settings`` (the settings in
    force now) exactly as publishing fills them; nothing else in the text is touched."""
    return _LIVE_MARKER.sub(lambda m: _value(text, m.group(1), m.start(), settings), text)


def section_markdown(
    sections: Sequence[Mapping[str, Any]],
    live_sections: Sequence[str] | None,
    index: int,
    contacts: Mapping[str, str] | None,
) -> str:
    """Section ``index`` of a module version as a mentor reads it: with the provider's current
    emergency contacts when ``contacts`` is given and the version kept its markers (versions
    published before markers were kept show the text as published), else as published."""
    if contacts is None or not live_sections:
        return sections[index]["markdown"]
    return live_text(live_sections[index], contacts)


#: Markdown and punctuation that may stand between a sentence's end and its first word.
_OPENERS = " \t\n#*_>-\"'(["


def _starts_sentence(text: str, position: int) -> bool:
    """Whether the text at ``position`` opens a sentence, a heading, a list item or a title."""
    before = text[:position].rstrip(_OPENERS)
    between = text[len(before) : position]
    new_block = "\n\n" in between or _BLOCK_START.search(between) is not None
    return not before or new_block or before[-1] in ".!?:"


#: A line that opens a heading, list item or quotation.
_BLOCK_START = re.compile(r"\n[ \t]*[#>*-]")


def _markdown() -> MarkdownIt:
    # html=False turns any raw HTML into visible text; nh3 below is the second line of defence.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(markdown: str) -> str:
    """Render curriculum Markdown to HTML holding only the tags that Markdown itself produces."""
    return nh3.clean(
        _markdown().render(markdown),
        tags=set(ALLOWED_TAGS),
        # The empty "*" entry matters: without it nh3 keeps title and lang on every tag.
        attributes={"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
    )
