"""Access rows for the organisation settings (merged into test_permissions.EXPECTED)."""

EXPECTED_ACCESS = {
    # The provider's own details: administrators only (changes are in the audit log).
    "organisation.settings": {"admin"},
}
