"""Shipped data: rule sets, fonts, icons, translations (installed as cff_desktop.resources)."""
