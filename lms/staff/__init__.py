"""People on staff (and candidates): who they are, their position, status and supervisor."""
