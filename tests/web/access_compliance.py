"""Who may use the compliance dashboard: HR and admins (everyone's records) and supervisors
(their own team only)."""

EXPECTED_ACCESS = {
    "compliance.index": {"hr", "admin", "supervisor"},
    "compliance.export": {"hr", "admin", "supervisor"},
}
