"""When mentors serve youth: the service-hours format shared by the organisation setting and
on-call coverage (kept apart so neither feature imports the other)."""
