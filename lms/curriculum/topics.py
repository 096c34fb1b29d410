"""The 17 topics the state specification requires the mentor training course to cover."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RequiredTopic:
    key: str
    wording: str


#: In the specification's order (Therapeutic Mentoring performance specification, Staffing
#: Requirements 2), with its exact words; the keys are the ones curriculum files use.
REQUIRED_TOPICS: tuple[RequiredTopic, ...] = (
    RequiredTopic(
        "clinical_psychosocial_needs",
        "Overview of the clinical and psychosocial needs of the target population",
    ),
    RequiredTopic("systems_of_care", "Systems of Care principles and philosophy"),
    RequiredTopic(
        "wraparound", "The four phases of Wraparound and the 10 principles of Wraparound"
    ),
    RequiredTopic("cpt_role", "Role within a CPT"),
    RequiredTopic(
        "cultural_linguistic", "Ethnic, cultural, and linguistic considerations of the community"
    ),
    RequiredTopic("community_resources", "Community resources and services"),
    RequiredTopic("family_centered_practice", "Family-centered practice"),
    RequiredTopic("behavior_management_coaching", "Behavior management coaching"),
    RequiredTopic("social_skills_training", "Social skills training"),
    RequiredTopic("psychotropic_medications", "Psychotropic medications and possible side effects"),
    RequiredTopic("risk_management_safety_plans", "Risk management/safety plans"),
    RequiredTopic("crisis_management", "Crisis Management"),
    RequiredTopic(
        "child_serving_systems",
        "Introduction to child-serving systems and processes (DCF, DYS, DMH, DESE, etc.)",
    ),
    RequiredTopic("iep_special_education", "Basic IEP and special education information"),
    RequiredTopic(
        "mce_medical_necessity",
        # U+2019, the specification's own apostrophe: auditors compare these words to its text.
        "Managed Care Entities\u2019 performance specifications and medical necessity criteria",
    ),
    RequiredTopic(
        "child_adolescent_development", "Child/adolescent development including sexuality"
    ),
    RequiredTopic("conflict_resolution", "Conflict resolution"),
)

REQUIRED_TOPIC_KEYS: tuple[str, ...] = tuple(topic.key for topic in REQUIRED_TOPICS)
