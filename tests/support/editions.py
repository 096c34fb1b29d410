"""Small curriculum editions built by hand, for tests that need an edition to load or publish.

``Folder`` writes one into a temporary folder: ``curriculum.yaml`` is ``EDITION_YAML`` and its two
modules, ``alpha.md`` and ``beta.md``, are ``module_text``; the loader's tests assert line numbers
in these texts.
"""

from __future__ import annotations

from pathlib import Path

from lms.curriculum.format import CurriculumProblem
from lms.curriculum.loader import load_edition
from lms.curriculum.topics import REQUIRED_TOPIC_KEYS

# alpha covers every required topic but the last; beta covers the last.
ALPHA_TOPICS = REQUIRED_TOPIC_KEYS[:-1]
BETA_TOPICS = REQUIRED_TOPIC_KEYS[-1:]

EDITION_YAML = (
    "id: demo\n"  # 1
    "title: Demo training\n"  # 2
    'edition: "2030"\n'  # 3
    "effective_on: 2030-01-01\n"  # 4
    "pass_mark: 75\n"  # 5
    "modules:\n"  # 6
    "  - alpha\n"  # 7
    "  - beta\n"  # 8
    "crosswalk:\n"  # 9, then one line per topic: 10-25 alpha's, 26 beta's
    + "".join(f"  {key}: [alpha]\n" for key in ALPHA_TOPICS)
    + "".join(f"  {key}: [beta]\n" for key in BETA_TOPICS)
)

MODULE_TEMPLATE = """\
---
id: {module_id}
title: The {module_id} module
topics: [{topics}]
estimated_minutes: 10
questions_per_attempt: 3
objectives:
  - id: name
    text: Name the thing.
  - id: explain
    text: Explain the thing.
  - id: apply
    text: Apply the thing.
references:
  - "A reference."
---

## First section

Call {{{{ on_call_phone }}}} when in doubt.

| when | do |
| --- | --- |
| danger | call 911 |

## Second section

### Scenario: A late bus

Some *text*.

```knowledge-check
- id: q01
  objective: name
  type: single
  prompt: Which one?
  options:
    - id: a
      text: This one
      correct: true
    - id: b
      text: That one
    - id: c
      text: The other one
  rationale: Because.
- id: q02
  objective: explain
  type: multiple
  prompt: Which ones?
  options:
    - id: a
      text: First
      correct: true
    - id: b
      text: Second
      correct: true
    - id: c
      text: Third
  rationale: Because.
- id: q03
  objective: apply
  type: true_false
  prompt: Is it so?
  answer: true
  rationale: Because.
```
"""


#: A knowledge check that also meets the item-writing rules (lms/curriculum/item_rules.py), for
#: tests that go through `lms curriculum check` or `publish`: 9 questions for papers of 3, three
#: per objective; 6 scenarios; 2 true_false (one true, one false); every option within a few
#: characters of the others, the correct one strictly the longest in 1 of 5 single questions.
ITEM_RULES_POOL = """\
```knowledge-check
- id: q01
  objective: name
  type: single
  scenario: true
  section: First section
  prompt: Jay says he feels unsafe at home tonight. Whom do you call?
  options:
    - id: a
      text: The on-call clinician
      correct: true
    - id: b
      text: The school's principal
    - id: c
      text: The youth's best friend
  rationale: Because.
- id: q02
  objective: name
  type: single
  section: Second section
  prompt: Which heading starts a scenario?
  options:
    - id: a
      text: Scenario sub-heading
      correct: true
    - id: b
      text: Numbered list item
    - id: c
      text: Table header row
  rationale: Because.
- id: q03
  objective: name
  type: true_false
  section: First section
  prompt: The on-call number is on your agency badge.
  answer: true
  rationale: Because.
- id: q04
  objective: explain
  type: multiple
  scenario: true
  section: Second section
  prompt: After a session with Ana, what do you do?
  options:
    - id: a
      text: Write a progress note
      correct: true
    - id: b
      text: Update the hub weekly
      correct: true
    - id: c
      text: Rewrite the care plan
    - id: d
      text: Skip the team meeting
  rationale: Because.
- id: q05
  objective: explain
  type: single
  scenario: true
  section: First section
  prompt: Ana's brother is hurt and not breathing. What comes first?
  options:
    - id: a
      text: Call 911 first
      correct: true
    - id: b
      text: Text the family
    - id: c
      text: Wait and see it
  rationale: Because.
- id: q06
  objective: explain
  type: true_false
  section: Second section
  prompt: A mentor may rewrite the care plan alone.
  answer: false
  rationale: Because.
- id: q07
  objective: apply
  type: single
  scenario: true
  section: Second section
  prompt: Ana wants to try a new outing. What do you do?
  options:
    - id: a
      text: Ask the family first
      correct: true
    - id: b
      text: Plan the outing alone
    - id: c
      text: Cancel the session now
  rationale: Because.
- id: q08
  objective: apply
  type: single
  scenario: true
  section: First section
  prompt: Ana tells you something that worries you. Where does it go?
  options:
    - id: a
      text: Bring it to supervision
      correct: true
    - id: b
      text: Post it on social media
    - id: c
      text: Tell the youth's school
  rationale: Because.
- id: q09
  objective: apply
  type: multiple
  scenario: true
  section: Second section
  prompt: Ana is getting upset on the bus. Which steps help?
  options:
    - id: a
      text: Offer two choices
      correct: true
    - id: b
      text: Name the next step
      correct: true
    - id: c
      text: Raise your voice
    - id: d
      text: End the visit early
  rationale: Because.
```
"""


def module_text(module_id: str, topics: tuple[str, ...], item_rules: bool = False) -> str:
    text = MODULE_TEMPLATE.format(module_id=module_id, topics=", ".join(topics))
    if item_rules:
        text = text[: text.index("```knowledge-check")] + ITEM_RULES_POOL
    return text


ALPHA = module_text("alpha", ALPHA_TOPICS)
BETA = module_text("beta", BETA_TOPICS)


class Folder:
    """An edition folder in tmp_path that a test edits, then loads.

    Its knowledge checks are as small as the format allows; with ``item_rules=True`` they are
    ITEM_RULES_POOL, which `lms curriculum check` and `publish` also accept.
    """

    def __init__(self, path: Path, item_rules: bool = False) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.write("curriculum.yaml", EDITION_YAML)
        self.write("alpha.md", module_text("alpha", ALPHA_TOPICS, item_rules))
        self.write("beta.md", module_text("beta", BETA_TOPICS, item_rules))

    def write(self, name: str, text: str) -> None:
        (self.path / name).write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        text = (self.path / name).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {name}"
        self.write(name, text.replace(old, new))

    def problems(self) -> list[CurriculumProblem]:
        edition, problems = load_edition(self.path)
        assert (edition is None) == bool(problems)
        return problems

    def problem(self, name: str, line: int | None, message: str) -> CurriculumProblem:
        return CurriculumProblem(self.path / name, line, message)
