"""Command-line interface: a parser with validating argument types and a thin dispatcher.

``simcenter.cli.main.main`` runs it; ``simcenter.cli.entry.run`` is the console script. Nothing is
imported here, so that the entry point starts (and handles a Ctrl-C) before the libraries load."""
