"""The rules of a status, pure: how long leave lasts, and what the holder may do."""
