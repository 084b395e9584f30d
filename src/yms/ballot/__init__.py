"""Ballots: windows, one entry per person, the verifiable draw, and invitation rounds."""
