"""``bringup triage FILE...``: detect which tool printed a pasted capture, parse it, and say what the suites'
checks would report about it."""
