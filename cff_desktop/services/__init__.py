"""Use cases: the only layer the CLI and the UI call."""
