"""Statistics use cases: counts for the dashboard and open data, runs of the simulator."""
