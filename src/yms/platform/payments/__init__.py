"""Payments, shaped like GOV.UK Pay: the provider port, the GOV.UK Pay adapter, and a local fake."""
