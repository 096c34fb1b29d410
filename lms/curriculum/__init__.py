"""The training curriculum as files: the format's loader, validator, renderer and commands."""
