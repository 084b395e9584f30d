"""The ballot's use cases: windows, entries, invitations, and how a window stands."""
