"""Training delivery: published editions, assignments, the module player and the annual cycle."""
