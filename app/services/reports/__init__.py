"""The supervisor's reports: the morning list of unfinished work and the month's statistics."""
