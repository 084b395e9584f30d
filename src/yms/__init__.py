"""yms: software that runs reciprocal youth mobility schemes."""

__version__ = "0.1.0"
