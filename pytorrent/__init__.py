"""pytorrent: build, deduplicate, measure and publish PyTorrent-style corpora of Python code."""

__version__ = "0.1.0"
