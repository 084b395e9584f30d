"""Web plumbing every feature uses: sessions, CSRF, headers, problems, forms, templates."""
