"""E-mail, shaped like GOV.UK Notify: the sender port, the outbox adapter and its table."""
