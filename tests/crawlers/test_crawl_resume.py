"""An interrupted crawl resumes and ends with the same store as an uninterrupted one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytorrent_crawlers.run import RUNNING_MARKER, CrawlError, CrawlJob, run_crawl, start_crawl
from tests.crawlers.crawlfix import (
    FAST_SETTINGS,
    many_projects,
    part_records,
    publish_pypi,
    store_tree,
)
from tests.crawlers.indexserver import IndexServer

PROJECTS = 16


@pytest.fixture(scope="module")
def slow_index() -> Iterator[IndexServer]:
    """An index whose archives take 0.2 s each, so a crawl can be caught half-way."""
    server = IndexServer()
    publish_pypi(server, many_projects(PROJECTS))
    for path in server.routes:
        if path.startswith("/files/"):
            server.delays[path] = 0.2
    yield server
    server.close()


def job(server: IndexServer, store: Path) -> CrawlJob:
    arguments = {"index_url": server.url("/simple/"), "all_names": True}
    settings = {**FAST_SETTINGS, "CONCURRENT_REQUESTS": 2, "PYTORRENT_PROGRESS_INTERVAL": 0.3}
    return CrawlJob("pypi", store, arguments, settings=settings)


@pytest.fixture(scope="module")
def reference(
    slow_index: IndexServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The store of an uninterrupted crawl."""
    store = tmp_path_factory.mktemp("reference")
    reference_job = job(slow_index, store)
    summary = run_crawl(reference_job, timeout=90)
    assert summary.finish_reason == "finished" and summary.packages == PROJECTS
    assert "progress:" in reference_job.log_path.read_text()
    tree: dict[str, bytes] = store_tree(store)
    return tree


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_stopped_crawl_resumes_from_its_job_dir(
    slow_index: IndexServer, reference: dict[str, bytes], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    first_job = job(slow_index, store)
    running = start_crawl(first_job)
    wait_for(lambda: part_records(store) >= 3)
    running.stop()  # SIGTERM, as a terminal or a scheduler sends it
    first = running.wait(60)
    assert first.finish_reason == "shutdown"
    assert 3 <= first.packages < PROJECTS
    job_dir = first_job.resolved_job_dir
    assert (job_dir / "requests.queue").is_dir() and not (job_dir / RUNNING_MARKER).exists()
    assert store_tree(store) != reference

    second_job = job(slow_index, store)  # the same crawl again
    assert second_job.resolved_job_dir == job_dir
    second = run_crawl(second_job, timeout=90)
    assert second.finish_reason == "finished"
    assert first.packages + second.packages == PROJECTS  # nothing done twice, nothing lost
    assert second.archives_reused == 0
    assert not job_dir.exists()  # a finished job is forgotten
    assert store_tree(store) == reference


def test_hard_killed_crawl_is_reset_and_completes(
    slow_index: IndexServer, reference: dict[str, bytes], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    first_job = job(slow_index, store)
    running = start_crawl(first_job)
    wait_for(lambda: part_records(store) >= 3)
    running.kill()  # SIGKILL: Scrapy cannot save its queue
    with pytest.raises(CrawlError, match="before writing its summary"):
        running.wait(30)
    assert (first_job.resolved_job_dir / RUNNING_MARKER).exists()

    second = run_crawl(job(slow_index, store), timeout=90)
    assert second.finish_reason == "finished"
    assert second.archives_reused >= 3  # archives stored before the kill are kept
    assert second.archives_stored + second.archives_reused == PROJECTS
    assert store_tree(store) == reference
