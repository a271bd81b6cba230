"""Package metadata shared by the sources (which read packages) and the crawler (which fetches
them): core-metadata parsing, SPDX licenses and package URLs. It imports neither side, so
neither depends on the other through it."""
