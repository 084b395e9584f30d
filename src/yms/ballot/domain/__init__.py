"""The ballot's rules, pure: entry references, the verifiable draw, its record, states."""
