"""Stored statuses: what the pure rules answer, kept as date periods so SQL can ask them."""
