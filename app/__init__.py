"""Baoxiu (报修): repair requests and technician dispatch for property-management companies."""
