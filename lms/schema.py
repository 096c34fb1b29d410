"""The whole schema: importing this module registers every model on ``Base.metadata``.

Alembic's env.py and the migration tests import it so autogenerate sees every table.
"""

from lms.alerts import models as alert_models
from lms.api import models as api_models
from lms.auditlog import models as audit_log_models
from lms.auditors import models as auditor_models
from lms.auth import models as auth_models
from lms.certificates import models as certificate_models
from lms.clinicians import models as clinician_models
from lms.curriculum import models as curriculum_models
from lms.db import Base
from lms.eligibility import models as eligibility_models
from lms.oncall import models as oncall_models
from lms.organisation import models as organisation_models
from lms.ratelimits import models as rate_limit_models
from lms.requirements import models as requirement_models
from lms.staff import models as staff_models
from lms.supervision import models as supervision_models
from lms.tallies import models as tally_models
from lms.training import models as training_models

__all__ = [
    "Base",
    "alert_models",
    "api_models",
    "audit_log_models",
    "auditor_models",
    "auth_models",
    "certificate_models",
    "clinician_models",
    "curriculum_models",
    "eligibility_models",
    "oncall_models",
    "organisation_models",
    "rate_limit_models",
    "requirement_models",
    "staff_models",
    "supervision_models",
    "tally_models",
    "training_models",
]

#: Tables that migrations make but no model describes: SQLite's FTS5 name search index
#: ``people_search`` (921b09b5a486) and the shadow tables FTS5 keeps it in.
UNMODELLED_TABLES = frozenset(
    {"people_search"}
    | {f"people_search_{shadow}" for shadow in ("data", "idx", "docsize", "config")}
)


def modelled(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name`` hook: compare only what the models describe."""
    return not (type_ == "table" and name in UNMODELLED_TABLES)
