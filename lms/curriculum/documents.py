"""The curriculum documentation an auditor asks for, as a PDF: cover, contents, how training
is delivered and renewed, the crosswalk to the specification's 17 topics, every module in
full, the knowledge-check blueprint and each module's version history. The answer key is a
separate PDF, for administrators and auditors only."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from lms.actor import by_whom
from lms.curriculum.models import CurriculumEdition, ModuleVersion
from lms.curriculum.rendering import LIVE_PLACEHOLDERS, PLACEHOLDER_DEFAULTS, section_markdown
from lms.curriculum.topics import REQUIRED_TOPICS
from lms.pdf import BOLD, numbered_canvas, styles

MARGIN = 0.75 * inch


@dataclass(frozen=True)
class DeliveryPolicy:
    """What the documentation says about delivery and renewal (from the settings)."""

    initial_training_days: int
    renewal_window_days: int
    max_attempts: int


@dataclass(frozen=True)
class VersionHistoryEntry:
    version: int
    sha256: str
    created_on: dt.date
    editions: tuple[str, ...]


class _Document(BaseDocTemplate):
    """Feeds H1/H2 headings to the table of contents as they are laid out."""

    def __init__(self, buffer, **kwargs) -> None:
        super().__init__(buffer, pagesize=LETTER, invariant=True, **kwargs)
        frame = Frame(MARGIN, MARGIN, LETTER[0] - 2 * MARGIN, LETTER[1] - 2 * MARGIN, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable: Flowable) -> None:  # reportlab's hook name
        if isinstance(flowable, Paragraph) and flowable.style.name in ("H1", "H2"):
            level = 0 if flowable.style.name == "H1" else 1
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


# -- Markdown to flowables ----------------------------------------------------------------------


def _inline(token: Token | None) -> str:
    """reportlab paragraph markup for an inline token: bold, italics, code, line breaks."""
    if token is None or not token.children:
        return escape(token.content if token else "")
    parts = []
    for child in token.children:
        match child.type:
            case "text":
                parts.append(escape(child.content))
            case "strong_open":
                parts.append("<b>")
            case "strong_close":
                parts.append("</b>")
            case "em_open":
                parts.append("<i>")
            case "em_close":
                parts.append("</i>")
            case "code_inline":
                # In the body font: a monospaced base-14 face would not be embedded.
                parts.append(escape(child.content))
            case "softbreak":
                parts.append(" ")
            case "hardbreak":
                parts.append("<br/>")
            case _:
                parts.append(escape(child.content or ""))
    return "".join(parts)


def markdown_flowables(markdown: str) -> list[Flowable]:
    """Curriculum Markdown (curricula/FORMAT.md's subset) as reportlab flowables."""
    sheet = styles()
    tokens = MarkdownIt("commonmark", {"html": False}).enable("table").parse(markdown)
    flowables, _ = _blocks(tokens, 0, len(tokens), sheet)
    return flowables


def _blocks(tokens: list[Token], start: int, stop: int, sheet) -> tuple[list[Flowable], int]:
    out: list[Flowable] = []
    index = start
    while index < stop:
        token = tokens[index]
        if token.type == "heading_open":
            style = sheet["H3"] if token.tag in ("h1", "h2", "h3") else sheet["Body"]
            out.append(Paragraph(_inline(tokens[index + 1]), style))
            index += 3
        elif token.type == "paragraph_open":
            out.append(Paragraph(_inline(tokens[index + 1]), sheet["Body"]))
            index += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            closing = _matching_close(tokens, index)
            out.append(_list(tokens, index, closing, sheet))
            index = closing + 1
        elif token.type == "table_open":
            closing = _matching_close(tokens, index)
            out.append(_table(tokens[index:closing], sheet))
            index = closing + 1
        elif token.type == "blockquote_open":
            closing = _matching_close(tokens, index)
            inner, _ = _blocks(tokens, index + 1, closing, sheet)
            out.extend(inner)
            index = closing + 1
        elif token.type in ("fence", "code_block"):
            out.append(Paragraph(escape(token.content).replace("\n", "<br/>"), sheet["Small"]))
            index += 1
        else:
            index += 1
    return out, index


def _matching_close(tokens: list[Token], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _list(tokens: list[Token], opening: int, closing: int, sheet) -> ListFlowable:
    items, index = [], opening + 1
    while index < closing:
        if tokens[index].type == "list_item_open":
            end = _matching_close(tokens, index)
            inner, _ = _blocks(tokens, index + 1, end, sheet)
            items.append(ListItem(inner or [Paragraph("", sheet["Body"])]))
            index = end + 1
        else:
            index += 1
    ordered = tokens[opening].type == "ordered_list_open"
    return ListFlowable(
        items,
        bulletType="1" if ordered else "bullet",
        start="1" if ordered else None,
        leftIndent=14,
        bulletFontName=sheet["Body"].fontName,
        bulletFontSize=9,
    )


def _table(tokens: list[Token], sheet) -> Table:
    rows: list[list[Paragraph]] = []
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(Paragraph(_inline(tokens[index + 1]), sheet["Cell"]))
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(grid_style())
    return table


def grid_style() -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
            ("FONTNAME", (0, 0), (-1, 0), BOLD),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


# -- the documentation --------------------------------------------------------------------------


def _cover(
    edition: CurriculumEdition,
    organisation: str,
    sheet,
    contacts: Mapping[str, str] | None = None,
) -> list[Flowable]:
    facts = [
        ("Provider", organisation),
        ("Curriculum", f"{edition.title} ({edition.curriculum_key})"),
        ("Edition", f"{edition.edition}, version {edition.version}"),
        ("In effect from", edition.effective_on.isoformat()),
        ("Published", f"{edition.published_at:%Y-%m-%d} {by_whom(edition.published_by_label)}"),
        ("Edition SHA-256", edition.sha256),
        ("Files SHA-256", edition.source_sha256),
    ]
    if contacts is not None:
        recorded = edition.placeholder_values or {}
        for key in LIVE_PLACEHOLDERS:
            current = contacts.get(key, "").strip() or PLACEHOLDER_DEFAULTS[key]
            label = key.replace("_", " ").capitalize()
            facts.append((f"{label} (now)", current))
            if recorded.get(key, current) != current:
                facts.append((f"{label} (as published)", recorded[key]))
    table = Table(
        [
            [Paragraph(f"<b>{escape(k)}</b>", sheet["Cell"]), Paragraph(escape(v), sheet["Cell"])]
            for k, v in facts
        ],
        colWidths=[1.6 * inch, 5.2 * inch],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        Spacer(1, 1.2 * inch),
        Paragraph("Training curriculum documentation", sheet["Title"]),
        Paragraph(escape(edition.title), sheet["CoverSubtitle"]),
        Paragraph(
            "Prepared for auditors under the Therapeutic Mentoring performance specification, "
            "Staffing Requirements 2: “Documentation of the provider\u2019s training curriculum is "
            "made available upon request.”",
            sheet["Body"],
        ),
        Spacer(1, 0.3 * inch),
        table,
        *(
            [
                Spacer(1, 0.2 * inch),
                Paragraph(
                    "Mentors always read the provider's current emergency contacts (the on-call "
                    "phone, the emergency protocol and the supervisor contact): the modules below "
                    "show them as they are now. Each module's SHA-256 is of its text as "
                    "published, with the values recorded at publication.",
                    sheet["Small"],
                ),
            ]
            if contacts is not None
            else []
        ),
        PageBreak(),
    ]


def _delivery(edition: CurriculumEdition, policy: DeliveryPolicy, modules, sheet):
    minutes = sum(m.estimated_minutes for m in modules)
    attempts = (
        "unlimited attempts"
        if not policy.max_attempts
        else f"at most {policy.max_attempts} attempts before a supervisor must reset the check"
    )
    text = [
        f"Every therapeutic mentor takes this course on hire and every year after. The initial "
        f"course is assigned on the hire date and is due {policy.initial_training_days} days "
        f"later; it is overdue from the day after.",
        f"The course is {len(modules)} modules, about {minutes // 60} hours "
        f"{minutes % 60} minutes in all, taken online one section at a time. Each module ends "
        f"with a knowledge check drawn at random from the module's question pool, covering every "
        f"learning objective; {edition.pass_mark}% is needed to pass, with {attempts}. Every "
        f"attempt is kept. After passing, the mentor attests that they completed the module "
        f"themselves by typing their full name; the time, address and module version are kept.",
        f"Completing every module completes the cycle. A completed cycle is valid for one year; "
        f"the renewal opens {policy.renewal_window_days} days before it expires. Renewing in that "
        f"window keeps the anniversary date; renewing after expiry starts a new one from the "
        f"completion date.",
        "Each module version is identified by the SHA-256 of its content; training records point "
        "at the exact version the mentor saw, so past training can always be shown as it was.",
    ]
    return [Paragraph("How training is delivered and renewed", sheet["H1"])] + [
        Paragraph(escape(paragraph), sheet["Body"]) for paragraph in text
    ]


def _crosswalk(edition: CurriculumEdition, modules: Sequence[ModuleVersion], sheet):
    by_key = {m.module_key: m for m in modules}
    rows = [
        [
            Paragraph("<b>Required topic (specification's words)</b>", sheet["Cell"]),
            Paragraph("<b>Module and objectives</b>", sheet["Cell"]),
        ]
    ]
    for number, topic in enumerate(REQUIRED_TOPICS, start=1):
        covering = []
        for key in edition.crosswalk.get(topic.key, []):
            module = by_key.get(key)
            if module is None:
                continue
            objectives = "<br/>".join(f"• {escape(o['text'])}" for o in module.objectives)
            covering.append(f"<b>{escape(module.title)}</b><br/>{objectives}")
        rows.append(
            [
                Paragraph(f"{number}. {escape(topic.wording)}", sheet["Cell"]),
                Paragraph("<br/><br/>".join(covering) or "<b>Not covered</b>", sheet["Cell"]),
            ]
        )
    table = Table(rows, colWidths=[2.4 * inch, 4.6 * inch], repeatRows=1, hAlign="LEFT")
    table.setStyle(grid_style())
    return [
        Paragraph("Crosswalk to the required topics", sheet["H1"]),
        Paragraph(
            "Each of the 17 topics the specification requires, in its own words, and the modules "
            "and learning objectives that cover it.",
            sheet["Body"],
        ),
        table,
    ]


def _module(
    number: int, module: ModuleVersion, sheet, contacts: Mapping[str, str] | None = None
) -> list[Flowable]:
    out: list[Flowable] = [
        PageBreak(),
        Paragraph(f"Module {number}: {escape(module.title)}", sheet["H1"]),
        Paragraph(
            f"Version {module.version} · about {module.estimated_minutes} minutes · "
            f"SHA-256 {module.sha256}",
            sheet["Small"],
        ),
        Paragraph("Learning objectives", sheet["H3"]),
        ListFlowable(
            [ListItem(Paragraph(escape(o["text"]), sheet["Body"])) for o in module.objectives],
            bulletType="bullet",
            leftIndent=14,
            bulletFontName=sheet["Body"].fontName,
        ),
    ]
    for index, section in enumerate(module.sections):
        out.append(Paragraph(escape(section["title"]), sheet["H2"]))
        markdown = section_markdown(module.sections, module.live_sections, index, contacts)
        out.extend(markdown_flowables(markdown))
    if module.references:
        out.append(Paragraph("References", sheet["H3"]))
        out.extend(Paragraph(escape(r), sheet["Small"]) for r in module.references)
    return out


def _blueprint(modules: Sequence[ModuleVersion], pass_mark: int, sheet) -> list[Flowable]:
    out: list[Flowable] = [
        PageBreak(),
        Paragraph("Knowledge-check blueprint", sheet["H1"]),
        Paragraph(
            f"Questions in each module's pool by learning objective, and how many one attempt "
            f"draws. The pass mark is {pass_mark}%. The answer key is a separate document, "
            f"available to administrators and auditors only.",
            sheet["Body"],
        ),
    ]
    for module in modules:
        per_objective = Counter(q["objective"] for q in module.questions)
        rows = [
            [
                Paragraph("<b>Objective</b>", sheet["Cell"]),
                Paragraph("<b>Questions</b>", sheet["Cell"]),
            ]
        ]
        rows += [
            [
                Paragraph(escape(o["text"]), sheet["Cell"]),
                Paragraph(str(per_objective.get(o["id"], 0)), sheet["Cell"]),
            ]
            for o in module.objectives
        ]
        table = Table(rows, colWidths=[5.8 * inch, 1.2 * inch], hAlign="LEFT")
        table.setStyle(grid_style())
        out.append(
            KeepTogether(
                [
                    Paragraph(escape(module.title), sheet["H3"]),
                    Paragraph(
                        f"Pool of {len(module.questions)} questions; "
                        f"{module.questions_per_attempt} drawn per attempt.",
                        sheet["Body"],
                    ),
                    table,
                ]
            )
        )
    return out


def _history(
    modules: Sequence[ModuleVersion],
    history: Mapping[str, Sequence[VersionHistoryEntry]],
    sheet,
) -> list[Flowable]:
    rows = [
        [
            Paragraph(f"<b>{h}</b>", sheet["Cell"])
            for h in ("Module", "Version", "Created", "SHA-256", "Editions")
        ]
    ]
    for module in modules:
        for entry in history.get(module.module_key, []):
            rows.append(
                [
                    Paragraph(escape(module.title), sheet["Cell"]),
                    Paragraph(str(entry.version), sheet["Cell"]),
                    Paragraph(entry.created_on.isoformat(), sheet["Cell"]),
                    Paragraph(entry.sha256[:16] + "…", sheet["Cell"]),
                    Paragraph(escape(", ".join(entry.editions)), sheet["Cell"]),
                ]
            )
    table = Table(
        rows,
        colWidths=[2.3 * inch, 0.7 * inch, 0.9 * inch, 1.3 * inch, 1.8 * inch],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(grid_style())
    return [PageBreak(), Paragraph("Version history of each module", sheet["H1"]), table]


def curriculum_documentation_pdf(
    edition: CurriculumEdition,
    modules: Sequence[ModuleVersion],
    history: Mapping[str, Sequence[VersionHistoryEntry]],
    policy: DeliveryPolicy,
    organisation: str,
    contacts: Mapping[str, str] | None = None,
) -> bytes:
    """The whole documentation; the same inputs always give the same bytes. With ``contacts``
    (the settings in force) the modules show the current emergency contacts, as mentors read
    them; without, the text exactly as published."""
    sheet = styles()
    contents = TableOfContents(levelStyles=[sheet["TOC1"], sheet["TOC2"]])
    story: list[Flowable] = _cover(edition, organisation, sheet, contacts)
    story += [Paragraph("Contents", sheet["H3"]), contents, PageBreak()]
    story += _delivery(edition, policy, modules, sheet)
    story += _crosswalk(edition, modules, sheet)
    for number, module in enumerate(modules, start=1):
        story += _module(number, module, sheet, contacts)
    story += _blueprint(modules, edition.pass_mark, sheet)
    story += _history(modules, history, sheet)
    buffer = io.BytesIO()
    document = _Document(
        buffer,
        title=f"{edition.title} {edition.edition}: curriculum documentation",
        author=organisation,
    )
    footer = f"{edition.title} {edition.edition} v{edition.version} — {edition.sha256[:12]}"
    document.multiBuild(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def answer_key_pdf(
    edition: CurriculumEdition, modules: Sequence[ModuleVersion], organisation: str
) -> bytes:
    """Every question with its correct answer and rationale: restricted, never for mentors."""
    sheet = styles()
    story: list[Flowable] = [
        Paragraph(f"Answer key: {escape(edition.title)} {escape(edition.edition)}", sheet["Title"]),
        Paragraph(
            f"Version {edition.version}, SHA-256 {edition.sha256}. Restricted: administrators "
            f"and auditors only.",
            sheet["Small"],
        ),
    ]
    for module in modules:
        story.append(Paragraph(escape(module.title), sheet["H1"]))
        objectives = {o["id"]: o["text"] for o in module.objectives}
        for question in module.questions:
            if question["type"] == "true_false":
                answer = "True" if question["answer"] else "False"
            else:
                answer = "; ".join(o["text"] for o in question["options"] if o["correct"])
            story.append(
                KeepTogether(
                    [
                        Paragraph(
                            f"<b>{escape(question['id'])}</b> ({escape(question['type'])}) — "
                            f"{escape(question['prompt'])}",
                            sheet["Body"],
                        ),
                        Paragraph(
                            "<i>Objective:</i> "
                            + escape(objectives.get(question["objective"], "")),
                            sheet["Small"],
                        ),
                        Paragraph(f"<i>Answer:</i> {escape(answer)}", sheet["Body"]),
                        Paragraph(f"<i>Why:</i> {escape(question['rationale'])}", sheet["Small"]),
                    ]
                )
            )
    buffer = io.BytesIO()
    document = _Document(
        buffer, title=f"{edition.title} {edition.edition}: answer key", author=organisation
    )
    document.multiBuild(story, canvasmaker=numbered_canvas("Answer key — restricted"))
    return buffer.getvalue()
