"""Renderers: turn transport-free answer objects into platform-specific message text."""
