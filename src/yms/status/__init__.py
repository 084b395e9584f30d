"""Status: what a grant gives its holder, and the share codes that prove it to others."""
