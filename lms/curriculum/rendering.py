"""Turning a module's Markdown into safe HTML, with the provider's settings filled in."""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt

# The organisation's settings fill the placeholders, so it owns their defaults; re-exported here
# for the curriculum's loader and renderer.
from lms.organisation.rules import PLACEHOLDER_DEFAULTS

PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*(.*?)\s*\}\}")

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


def fill_placeholders(text: str, settings: Mapping[str, str]) -> str:
    """Replace each ``{{ key }}`` with the provider's setting, or the default when it is unset.

    Raises ValueError for a key not in PLACEHOLDER_DEFAULTS: the loader refuses such files.
    """

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in PLACEHOLDER_DEFAULTS:
            raise ValueError(f"unknown placeholder {match.group(0)}")
        # A blank setting would leave a hole in a sentence; the default always reads well.
        setting = settings.get(key, "").strip()
        if setting:
            return setting  # a provider's name is printed exactly as they wrote it
        default = PLACEHOLDER_DEFAULTS[key]
        if _starts_sentence(text, match.start()):
            return default[0].upper() + default[1:]  # "Your agency" opening a sentence
        return default

    return PLACEHOLDER_PATTERN.sub(value, text)


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
