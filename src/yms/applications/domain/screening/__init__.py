"""Watchlist screening: names normalised and transliterated, blocked, scored and explained."""
