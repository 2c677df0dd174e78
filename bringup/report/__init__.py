"""Run reports: JUnit XML, terminal summary."""
