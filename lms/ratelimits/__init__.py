"""Rate limits kept in a table of their own, counted atomically, expiring with their window."""
