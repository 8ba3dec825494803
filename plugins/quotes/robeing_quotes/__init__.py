"""Quotes: draft a quote or invoice from one message, with exact money arithmetic."""
