"""Rule sets (the scoring law as data) and the pure scoring engine: no I/O, no Qt."""
