"""The ballot: entry references, identities, the verifiable draw, windows and invitations."""
