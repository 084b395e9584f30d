"""Jobs: follow-up work queued in the same transaction as the change, run by `yms worker`.

A transactional outbox on the database: at least once, with retries and
back-off; handlers are idempotent; failures stay visible until retried.
"""
