"""Demo data and the demo command: the service shown working, with nothing to set up."""
