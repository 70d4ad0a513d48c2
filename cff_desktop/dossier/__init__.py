"""Filled by a later issue; kept so the layering contract already covers it."""
