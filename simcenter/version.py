"""simcenter's version: written into every results folder, read by the package's build."""

__version__ = "0.1.0"
