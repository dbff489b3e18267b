"""Scenario configuration: schema, YAML loading with located errors, and the catalogue."""
