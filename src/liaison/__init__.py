"""Liaison: international counterterrorism cooperation: 24/7 points of contact, urgent exchange, information bank."""

__version__ = "0.1.0"
