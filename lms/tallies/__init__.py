"""Counts of stored statuses by day, kept as changes: how many people have each status on a day."""
