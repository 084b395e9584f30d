"""Statistics of running schemes, open data, and the policy simulator that compares designs.

Counts come from each feature's services, computed in SQL; the simulator runs a
scheme design against a demand model in NumPy columns (DESIGN.md, "Persistence
and scale").
"""
