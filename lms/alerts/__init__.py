"""Alerts before anything lapses: decided by pure rules, kept in an outbox, sent once."""
