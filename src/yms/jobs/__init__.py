"""Background work, run on a schedule: invitation expiry (more to come)."""
