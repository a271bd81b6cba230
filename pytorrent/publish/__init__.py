"""Publishing a verified output folder as a dataset repository (docs/architecture.md, "Data flow", last stage).

    urls = publish("pytorrent-corpus", "ORG/NAME")           # commit URLs, card and manifest last
    publish("pytorrent-corpus", "ORG/NAME", dry_run=True, report=print)   # the plan, no token

Steps, each usable alone: `verify_folder` (the folder is exactly its `build.json`),
`remote_files` (what the repository holds), `plan_commits` (what goes up in which commit).
See docs/publishing.md.
"""

from pytorrent.errors import HubError
from pytorrent.publish.plan import (
    DEFAULT_MAX_BYTES_PER_COMMIT,
    DEFAULT_MAX_FILES_PER_COMMIT,
    CommitPlan,
    PublishPlan,
    plan_commits,
    render_plan,
)
from pytorrent.publish.remote import RemoteFile, already_there, git_blob_sha1, remote_files
from pytorrent.publish.upload import publish
from pytorrent.publish.verify import LocalFile, VerifiedFolder, verify_folder

__all__ = [
    "DEFAULT_MAX_BYTES_PER_COMMIT",
    "DEFAULT_MAX_FILES_PER_COMMIT",
    "CommitPlan",
    "HubError",
    "LocalFile",
    "PublishPlan",
    "RemoteFile",
    "VerifiedFolder",
    "already_there",
    "git_blob_sha1",
    "plan_commits",
    "publish",
    "remote_files",
    "render_plan",
    "verify_folder",
]
