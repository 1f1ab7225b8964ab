"""Engines: audit, scoring and tracing over records and ledgers (imported per module)."""
