"""Schemes as data: the model, the shipped versions under data/, and their catalogue."""
