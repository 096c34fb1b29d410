"""Requirements by position: credentials, checks, policy acknowledgments and courses, each with
a status on any date, and who is cleared to work."""
