"""What every feature stands on.

The database and unit of work, audit, jobs, settings, clock, logs, sealing, mail,
payments, files and web plumbing.
"""
