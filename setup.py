"""Which packages the distribution ships (the rest of the metadata is in pyproject.toml).

The repository's `crawlers/` folder installs under the import name `pytorrent_crawlers`, so the
distribution adds no top-level `crawlers` package that could overwrite or shadow another
distribution's. pyproject.toml cannot list found packages and renamed ones together, hence
this file: subpackages added to either folder are picked up without editing a list.
"""

from setuptools import find_packages, setup

CRAWLERS_FOLDER = "crawlers"
CRAWLERS_PACKAGE = "pytorrent_crawlers"

setup(
    packages=[
        *find_packages(include=["pytorrent", "pytorrent.*"]),
        CRAWLERS_PACKAGE,
        *(f"{CRAWLERS_PACKAGE}.{name}" for name in find_packages(CRAWLERS_FOLDER)),
    ],
    package_dir={CRAWLERS_PACKAGE: CRAWLERS_FOLDER},
)
