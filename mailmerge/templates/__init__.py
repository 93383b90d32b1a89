"""Templates: each card's words, from Jinja2 templates run in a sandbox."""
