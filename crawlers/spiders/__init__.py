"""Spiders, one module per source; the spider name equals its module name."""
