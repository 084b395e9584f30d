"""Eligibility: one engine, for one applicant or a column of them, every answer explained."""
