"""Mentor eligibility: staff records, evidence, verification and the ma-tm-2023 rules."""
