"""The version of pytorrent, in a module of its own so any module can read it without
importing the package root (which re-exports the build stack)."""

__version__ = "0.1.0"
