"""Counted drops in Scrapy stats: every package left out is counted with a reason.

Spiders and pipelines call `count_drop`; the stats keep a count per reason and a few examples
(smallest first), which the run summary reports and `build` merges into its own drops.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from pytorrent_crawlers.summary import DROPPED, EXAMPLES

MAX_EXAMPLES = 5


def count_drop(stats: StatsCollector | None, reason: str, example: str = "") -> None:
    """Count one dropped package under `reason`, keeping `example` among a few."""
    if stats is None:
        return
    stats.inc_value(DROPPED + reason)
    if example:
        kept: list[str] = list(stats.get_value(EXAMPLES + reason) or [])
        if example not in kept:
            kept = sorted([*kept, example])[:MAX_EXAMPLES]
            stats.set_value(EXAMPLES + reason, kept)


def drop(stats: StatsCollector | None, reason: str, example: str = "") -> DropItem:
    """Count a drop and return the DropItem a pipeline raises for it."""
    count_drop(stats, reason, example)
    return DropItem(f"{reason}: {example}" if example else reason)
