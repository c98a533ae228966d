"""Thin controllers per audience; each hands its work to a service and renders a template."""
