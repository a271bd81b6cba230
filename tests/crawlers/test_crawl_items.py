"""Crawl records: every field of the response kept, derived facts recomputed, bad ones rejected."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from pytorrent_crawlers.derive import iso_time, license_facts
from pytorrent_crawlers.items import SCHEMA_MODELS, CondaPackage, PypiProject
from pytorrent_crawlers.pipelines import record_dump


def entry(version: str, day: int, **extra: Any) -> dict[str, Any]:
    return {
        "filename": f"demo-{version}.tar.gz",
        "url": f"http://files.test/demo-{version}.tar.gz",
        "digests": {"sha256": "AB" * 32, "md5": "cd" * 16, "blake2b_256": "ef" * 32},
        "packagetype": "sdist",
        "upload_time": f"2023-05-{day:02d}T01:02:03",
        "upload_time_iso_8601": f"2023-05-{day:02d}T01:02:03.456789Z",
        "size": 100,
        "yanked": False,
        "has_sig": False,
        **extra,
    }


def pypi_record(**changes: Any) -> dict[str, Any]:
    document = {
        "info": {
            "name": "Demo",
            "version": "1.1",
            "license": "Apache-2.0",
            "classifiers": [],
            "some_new_field": {"kept": True},
        },
        "last_serial": 7,
        "releases": {"1.0": [entry("1.0", 1)], "1.1": [entry("1.1", 9)], "0.1": []},
        "urls": [entry("1.1", 9)],
        "vulnerabilities": [{"id": "PYSEC-0", "aliases": ["CVE-0"]}],
        "ownership": {"roles": [{"role": "Owner", "user": "x"}]},
    }
    record = {
        "kind": "pypi",
        "name": "Demo",
        "version": "1.1",
        "index_url": "http://idx.test/simple/",
        "json_api_url": "http://idx.test/pypi/",
        "api": "json",
        "document": document,
        "archive_status": "stored",
        "archive": {
            "filename": "demo-1.1.tar.gz",
            "url": "http://files.test/demo-1.1.tar.gz",
            "sha256": "ab" * 32,
            "size": 100,
            "path": "archives/ab/" + "ab" * 32 + "/demo-1.1.tar.gz",
            "packagetype": "sdist",
        },
    }
    record.update(changes)
    return record


def test_pypi_record_derives_its_facts() -> None:
    model = PypiProject.model_validate(pypi_record())
    assert model.name == "demo" and model.display_name == "Demo"
    assert model.key == "http://idx.test/simple/|demo|latest"
    assert model.release_count == 2  # "0.1" has no file
    assert model.latest_version == "1.1"
    assert model.first_upload_time == "2023-05-01T01:02:03.456789+00:00"
    assert model.last_upload_time == "2023-05-09T01:02:03.456789+00:00"
    assert model.upload_time == model.last_upload_time
    assert (model.license, model.license_expression, model.license_expression_source) == (
        "Apache-2.0",
        "Apache-2.0",
        "license_field",
    )
    assert model.document.releases["1.0"][0].digests.sha256 == "ab" * 32  # lower-cased


def test_every_field_of_the_response_survives_a_round_trip() -> None:
    raw = pypi_record()
    stored = record_dump(PypiProject.model_validate(copy.deepcopy(raw)))
    assert stored["document"]["ownership"] == raw["document"]["ownership"]
    assert stored["document"]["info"]["some_new_field"] == {"kept": True}
    assert stored["document"]["releases"]["1.0"][0]["has_sig"] is False
    assert "yanked_reason" not in stored["document"]["releases"]["1.0"][0]  # not invented
    again = record_dump(PypiProject.model_validate(stored))
    assert again == stored


def test_pinned_records_have_their_own_key() -> None:
    model = PypiProject.model_validate(pypi_record(requested_version="1.0", version="1.0"))
    assert model.key.endswith("|demo|==1.0")


@pytest.mark.parametrize(
    "breakage",
    [
        lambda r: r["document"].pop("info"),
        lambda r: r["document"]["releases"]["1.0"][0].pop("digests"),
        lambda r: r["document"]["releases"]["1.0"][0]["digests"].update(sha256="nothex"),
        lambda r: r["document"].update(releases=[1, 2]),
        lambda r: r.update(api="ftp"),
        lambda r: r.update(unexpected=1),
    ],
)
def test_invalid_records_are_rejected(breakage: Any) -> None:
    record = pypi_record()
    breakage(record)
    with pytest.raises(ValidationError):
        PypiProject.model_validate(record)


def test_conda_record_lifts_typed_fields_from_the_raw_entry() -> None:
    raw = {
        "name": "pyfoo",
        "version": "1.1",
        "build": "py_0",
        "build_number": 0,
        "depends": ["python >=3.8"],
        "license": "BSD-3-Clause",
        "noarch": "python",
        "timestamp": 1_700_000_000_000,
        "sha256": "AA" * 32,
        "md5": "bb" * 16,
        "size": 10,
        "track_features": "",
    }
    model = CondaPackage.model_validate(
        {
            "channel": "http://ch.test/chan/",
            "subdir": "noarch",
            "filename": "pyfoo-1.1-py_0.conda",
            "url": "http://ch.test/chan/noarch/pyfoo-1.1-py_0.conda",
            "record": raw,
            "release_count": 2,
            "archive_status": "not_python",
        }
    )
    assert model.key == "http://ch.test/chan/|pyfoo"
    assert model.upload_time == "2023-11-14T22:13:20+00:00"
    assert model.sha256 == "aa" * 32 and model.record["track_features"] == ""
    with pytest.raises(ValidationError):
        CondaPackage.model_validate({"channel": "c", "subdir": "s", "filename": "f", "url": "u",
                                     "record": {"version": "1"}})  # fmt: skip


def test_license_facts() -> None:
    assert license_facts({"license_expression": "mit OR apache-2.0"})[1:] == (
        "MIT OR Apache-2.0",
        "declared",
    )
    one = {"classifiers": ["License :: OSI Approved :: MIT License"], "license": "see file"}
    assert license_facts(one) == ("see file", "MIT", "classifier")
    two = {"classifiers": ["License :: OSI Approved :: BSD License"]}
    assert license_facts(two) == ("BSD License", None, None)


def test_upload_times_normalise_to_utc() -> None:
    assert iso_time("2020-01-02T03:04:05Z") == "2020-01-02T03:04:05+00:00"
    assert iso_time("2020-01-02T05:04:05+02:00") == "2020-01-02T03:04:05+00:00"
    assert iso_time("yesterday") is None


def test_schema_models_give_json_schemas() -> None:
    for stem, model in SCHEMA_MODELS.items():
        schema = model.model_json_schema()
        assert stem.startswith("crawl-") and "properties" in schema
