"""Pure statistics: suppression of small counts, chances, the simulation model."""
