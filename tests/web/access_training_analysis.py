"""Access rows for the knowledge-check item analysis (merged into test_permissions.EXPECTED)."""

EXPECTED_ACCESS = {
    "training.item_analysis_editions": {"admin", "auditor"},
    "training.item_analysis": {"admin", "auditor"},
    "training.item_analysis_csv": {"admin", "auditor"},
}
