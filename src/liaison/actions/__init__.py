"""Every write goes through an action: one transaction, a keyword-only acting user, an audit row."""
