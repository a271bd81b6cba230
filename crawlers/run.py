"""Run a crawl from code: a `CrawlerProcess` in a child process, resumable through a job dir.

Twisted's reactor cannot be restarted, so every crawl gets a fresh (spawned) process; the
parent waits for it and reads the run summary it writes. The job dir (`JOBDIR`) keeps the
request queue and spider state when a crawl is stopped (SIGTERM/Ctrl-C, once: Scrapy then
finishes what is in flight); running the same job again resumes it. A crawl that finished is
forgotten (its job dir removed), so the next identical crawl checks the index afresh, cheaply:
metadata comes from the HTTP cache and stored archives are not downloaded again. A job dir
left by a hard kill is detected by its marker file and reset, since Scrapy cannot resume it.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import shutil
import sys
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Literal

import orjson

from pytorrent.errors import SourceError
from pytorrent_crawlers.summary import CrawlSummary, run_id_now

SpiderName = Literal["pypi", "conda"]
RUNNING_MARKER = "pytorrent-running"


class CrawlError(SourceError):
    """The crawl could not run or died before it wrote its summary; see its log."""


@dataclass(frozen=True)
class CrawlJob:
    """One crawl: the spider, its arguments, the store, and Scrapy setting overrides."""

    spider: SpiderName
    store: Path
    arguments: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    job_dir: Path | None = None
    fresh: bool = False
    run_id: str = field(default_factory=run_id_now)

    @property
    def key(self) -> str:
        """Identity of the job's inputs: the same crawl again resumes the same job dir."""
        blob = orjson.dumps([self.spider, self.arguments], option=orjson.OPT_SORT_KEYS)
        return f"{self.spider}-{hashlib.blake2b(blob, digest_size=8).hexdigest()}"

    @property
    def resolved_job_dir(self) -> Path:
        return self.job_dir or self.store / "state" / "jobs" / self.key

    @property
    def summary_path(self) -> Path:
        return self.store / "runs" / f"{self.run_id}-{self.spider}.json"

    @property
    def log_path(self) -> Path:
        return self.summary_path.with_suffix(".log")


class CrawlProcess:
    """A crawl running in a child process."""

    def __init__(self, job: CrawlJob, process: BaseProcess) -> None:
        self.job = job
        self.process = process

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def stop(self) -> None:
        """Ask for a graceful stop (SIGTERM): in-flight work finishes, the job dir is kept."""
        self.process.terminate()

    def kill(self) -> None:
        self.process.kill()

    def wait(self, timeout: float | None = None) -> CrawlSummary:
        """Wait for the crawl (stopping it gracefully after `timeout` s) and read its summary."""
        try:
            self.process.join(timeout)
        except KeyboardInterrupt:
            # Ctrl-C reached the child too: it is stopping gracefully, let it finish.
            self.process.join()
        if self.process.is_alive():
            self.stop()
            self.process.join(60)
            if self.process.is_alive():
                self.kill()
                self.process.join()
        return read_summary(self.job, self.process.exitcode)


def read_summary(job: CrawlJob, exitcode: int | None) -> CrawlSummary:
    if not job.summary_path.exists():
        raise CrawlError(
            f"{job.spider} crawl failed (exit status {exitcode}) before writing its summary; "
            f"see {job.log_path}"
        )
    return CrawlSummary.model_validate_json(job.summary_path.read_bytes())


def start_crawl(job: CrawlJob) -> CrawlProcess:
    """Start the crawl in a spawned child process and return at once."""
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_child_main, args=(job,), name=f"crawl-{job.spider}")
    process.start()
    return CrawlProcess(job, process)


def run_crawl(job: CrawlJob, timeout: float | None = None) -> CrawlSummary:
    """Run the crawl to its end in a child process; CrawlError if it could not run."""
    return start_crawl(job).wait(timeout)


# --- child side --------------------------------------------------------------------------


def build_settings(job: CrawlJob) -> Any:
    """Scrapy settings: the module, then the environment (read by it), then overrides."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("pytorrent_crawlers.settings", priority="project")
    settings.update(job.settings, priority="cmdline")
    job_dir = job.resolved_job_dir
    run_values = {
        "PYTORRENT_STORE": str(job.store),
        "PYTORRENT_RUN_ID": job.run_id,
        "PYTORRENT_SUMMARY_FILE": str(job.summary_path),
        "JOBDIR": str(job_dir),
    }
    settings.update(run_values, priority="cmdline")
    if "DOWNLOAD_MAXSIZE" not in job.settings:
        # The metadata cap is the default for every request without a cap of its own.
        maxsize = settings.getint("PYTORRENT_MAX_METADATA_BYTES")
        settings.set("DOWNLOAD_MAXSIZE", maxsize, priority="cmdline")
    if "HTTPCACHE_DIR" not in job.settings:
        settings.set("HTTPCACHE_DIR", str(job.store / "state" / "httpcache"), priority="cmdline")
    return settings


def _child_main(job: CrawlJob) -> None:
    """Entry point of the crawl process; exit status 0 when a summary was written."""
    sys.exit(_crawl_in_this_process(job))


def _crawl_in_this_process(job: CrawlJob) -> int:
    from scrapy.crawler import CrawlerProcess

    from pytorrent_crawlers.spiders.conda import CondaSpider
    from pytorrent_crawlers.spiders.pypi import PypiSpider

    spiders = {"pypi": PypiSpider, "conda": CondaSpider}
    job.store.mkdir(parents=True, exist_ok=True)
    job.log_path.parent.mkdir(parents=True, exist_ok=True)
    job_dir = job.resolved_job_dir
    job_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = _JobLock(job_dir.with_name(job_dir.name + ".lock"))
    if not lock.acquire():
        print(f"another crawl is running job {job_dir}", file=sys.stderr)
        return 3
    marker = job_dir / RUNNING_MARKER
    if job.fresh or marker.exists():
        # A marker means the last run died without closing: its queue cannot be trusted.
        shutil.rmtree(job_dir, ignore_errors=True)
    job_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(job.run_id, encoding="utf-8")

    settings = build_settings(job)
    process = CrawlerProcess(settings)
    handler = logging.FileHandler(job.log_path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    process.crawl(spiders[job.spider], **job.arguments)
    process.start()

    if not job.summary_path.exists():
        return 1  # killed before closing: leave the marker, the next run resets the job
    summary = CrawlSummary.model_validate_json(job.summary_path.read_bytes())
    if summary.finish_reason == "finished":
        shutil.rmtree(job_dir, ignore_errors=True)
    else:
        marker.unlink(missing_ok=True)
    return 0


class _JobLock:
    """An advisory lock held for the child's lifetime, so two crawls never share a job dir."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def acquire(self) -> bool:
        self.handle = self.path.open("a")
        if sys.platform == "win32":  # pragma: no cover
            return True
        import fcntl

        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
