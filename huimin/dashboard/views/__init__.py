"""Pages of the dashboard app: the overview (overview.py) and a citizen's own matters (mine.py)."""
