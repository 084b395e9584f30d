"""Payments, shaped like GOV.UK Pay: the provider port and a local fake with its own page."""
