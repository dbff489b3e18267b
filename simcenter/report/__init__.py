"""Tables, figures and reports, built from saved results only (never by running the model)."""
