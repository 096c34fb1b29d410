"""Accounts, roles, sign-in and the permission declarations every endpoint carries."""
