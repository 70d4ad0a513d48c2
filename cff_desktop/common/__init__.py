"""Small helpers every layer may use: text normalisation, errors, resource lookup."""
