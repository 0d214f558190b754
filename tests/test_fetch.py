"""The microdata fetcher, on SYNTHETIC SHED files served by ``responses`` (no network).

Every zip served here is made by :mod:`negotiation_course.research.synthetic_shed`: SYNTHETIC
rows in the real file's layout, built to give a known split (50 / 30 / 20 weighted), not Fed
data. Only
``test_real_shed_2018_download`` touches the internet, and only where it is reachable.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
import responses

from negotiation_course.research import fetch
from negotiation_course.research import synthetic_shed as synthetic

SPEC = fetch.REGISTRY["shed_2018"]
URL = SPEC.url


@pytest.fixture(scope="module")
def text_frame() -> pd.DataFrame:
    return synthetic.make_synthetic_shed("text")


@pytest.fixture(scope="module")
def numeric_frame() -> pd.DataFrame:
    return synthetic.make_synthetic_shed("numeric")


@pytest.fixture(scope="module")
def synthetic_zip(text_frame: pd.DataFrame) -> bytes:
    return synthetic.synthetic_shed_zip_bytes(text_frame)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(fetch.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def served():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _serve(mock: responses.RequestsMock, body: bytes, **headers: str) -> None:
    mock.add(responses.GET, URL, body=body, headers=headers or None,
             content_type="application/zip")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


# --- the registry and the cache folder ---------------------------------------------------------


def test_registry_names_the_official_file() -> None:
    assert URL == ("https://www.federalreserve.gov/consumerscommunities/files/"
                   "SHED_public_use_data_2018_(CSV).zip")
    assert SPEC.member == "public2018.csv" and SPEC.encoding == "cp1252"
    assert SPEC.expected_rows == 11_316
    for column in [*(f"EF3_{x}" for x in "abcdefghi"), "EF3_Refused", "weight2b", "ppgender",
                   "ppethm", "ppeducat", "ppagecat", "I40"]:
        assert column in SPEC.required_columns
    assert "validated by content" in SPEC.note and "validated by content" in fetch.__doc__


def test_cache_dir_honours_the_env_var(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(fetch.CACHE_ENV, str(tmp_path / "c"))
    assert fetch.cache_dir() == tmp_path / "c"
    monkeypatch.delenv(fetch.CACHE_ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert fetch.cache_dir() == tmp_path / ".cache" / "negotiation-course"


# --- the synthetic fixture ---------------------------------------------------------------------


def test_synthetic_file_is_labelled_and_shaped_like_the_real_one(text_frame, synthetic_zip,
                                                                 tmp_path: Path) -> None:
    assert len(text_frame) == 11_316
    assert set(SPEC.required_columns) <= set(text_frame.columns)
    assert (text_frame["SYNTHETIC"] == synthetic.SYNTHETIC_LABEL).all()
    path = tmp_path / SPEC.filename
    path.write_bytes(synthetic_zip)
    frame = fetch.parse_archive(path, SPEC)
    assert frame.attrs["synthetic"] is True
    assert frame["weight2b"].dtype == "float64"
    split = fetch.shed_400_split(frame)
    assert split["treatment"].str.startswith("SYNTHETIC data").all()


# --- download, validation, extraction ----------------------------------------------------------


def test_fetch_downloads_validates_and_extracts(cache: Path, served, synthetic_zip) -> None:
    _serve(served, synthetic_zip, **{"Content-Length": str(len(synthetic_zip))})
    extracted = fetch.fetch()
    assert extracted == cache / "shed_2018" / "public2018.csv"
    text = extracted.read_bytes().decode("cp1252")
    assert text.startswith("CaseID,EF3_a,")
    assert (cache / SPEC.filename).read_bytes() == synthetic_zip
    assert len(served.calls) == 1
    frame = fetch.read()  # cached: no second download, checked again before use
    assert len(served.calls) == 1
    assert len(frame) == 11_316
    assert not [n for n in _leftovers(cache) if n.endswith(".part") or n.startswith("tmp")]


@pytest.mark.parametrize("coding", ["text", "numeric"])
def test_split_matches_the_synthetic_design(coding: str, request) -> None:
    frame = request.getfixturevalue(f"{coding}_frame")
    split = fetch.shed_400_split(frame).set_index("category")
    for category, share in synthetic.SYNTHETIC_EXPECTED_SPLIT_PCT.items():
        assert split.loc[category, "weighted_pct"] == pytest.approx(share, abs=1e-9)
    assert split["unweighted_n"].to_dict() == synthetic.SYNTHETIC_EXPECTED_COUNTS
    assert split.loc["cash_or_equivalent", "unweighted_pct"] == pytest.approx(62.5)
    assert split.loc[["refused", "nothing_selected"], "weighted_pct"].isna().all()
    assert not split.loc[["refused", "nothing_selected"], "in_base"].any()
    assert "excluded from the base" in split.loc["refused", "treatment"]
    assert "350 chose only 'Other'" in split.loc["borrow_or_sell", "treatment"]
    assert split.attrs["base_n"] == 11_200 and split.attrs["excluded_n"] == 116


def test_text_and_numeric_codings_give_the_same_split(text_frame, numeric_frame) -> None:
    text = fetch.shed_400_split(text_frame)
    numeric = fetch.shed_400_split(numeric_frame)
    pd.testing.assert_frame_equal(text, numeric)
    assert (numeric_frame["EF3_a"].isin(["1", "0", "-1", "-2"])).all()
    assert set(numeric_frame["EF3_Refused"]) == {"0", "1"}


def test_split_by_education_and_ethnicity(text_frame, numeric_frame) -> None:
    by_edu = fetch.shed_400_split_by(text_frame, "ppeducat")
    for level, expected in synthetic.SYNTHETIC_EXPECTED_BY_EDUCATION.items():
        rows = by_edu[by_edu["ppeducat"] == level].set_index("category")
        for category, share in expected.items():
            assert rows.loc[category, "weighted_pct"] == pytest.approx(share, abs=1e-9), level
    by_race = fetch.shed_400_split_by(numeric_frame, "ppethm")
    assert sorted(by_race["ppethm"].unique()) == ["1", "2", "3", "4", "5"]
    cash = by_race[by_race["category"] == "cash_or_equivalent"]["weighted_pct"]
    assert cash.tolist() == pytest.approx([50.0] * 5)
    counts = by_race.groupby("category")["unweighted_n"].sum()
    assert counts.to_dict() == synthetic.SYNTHETIC_EXPECTED_COUNTS
    with pytest.raises(KeyError):
        fetch.shed_400_split_by(text_frame, "no_such_column")


# --- broken downloads: a clear error, nothing left in the cache --------------------------------


def test_corrupt_zip_is_rejected_and_not_cached(cache: Path, served) -> None:
    _serve(served, b"<html>Service unavailable</html>" * 100)
    with pytest.raises(fetch.CorruptFileError, match="not a complete zip archive"):
        fetch.fetch()
    assert _leftovers(cache) == []


def test_truncated_download_is_rejected_and_not_cached(cache: Path, served, synthetic_zip) -> None:
    half = synthetic_zip[: len(synthetic_zip) // 2]
    _serve(served, half, **{"Content-Length": str(len(synthetic_zip))})
    with pytest.raises(fetch.DownloadError, match="cut off"):
        fetch.fetch()
    assert _leftovers(cache) == []


def test_cut_zip_without_length_header_is_rejected(cache: Path, served, synthetic_zip) -> None:
    _serve(served, synthetic_zip[:-200])
    with pytest.raises(fetch.CorruptFileError):
        fetch.fetch()
    assert _leftovers(cache) == []


def test_http_error_is_a_download_error(cache: Path, served) -> None:
    served.add(responses.GET, URL, status=404)
    with pytest.raises(fetch.DownloadError, match="404"):
        fetch.fetch()
    assert _leftovers(cache) == []


def test_wrong_row_count_is_rejected(cache: Path, served, text_frame) -> None:
    _serve(served, synthetic.synthetic_shed_zip_bytes(text_frame.iloc[:-1]))
    with pytest.raises(fetch.ContentError, match="expected 11,316 rows, found 11,315"):
        fetch.fetch()
    assert _leftovers(cache) == []


def test_missing_columns_are_named(cache: Path, served, text_frame) -> None:
    _serve(served, synthetic.synthetic_shed_zip_bytes(text_frame.drop(columns=["EF3_c",
                                                                               "weight2b"])))
    with pytest.raises(fetch.ContentError, match="missing column.*EF3_c, weight2b"):
        fetch.fetch()
    assert _leftovers(cache) == []


def test_unknown_answer_code_is_named(tmp_path: Path, text_frame) -> None:
    broken = text_frame.copy()
    broken.loc[41, "EF3_g"] = "Maybe"
    path = tmp_path / SPEC.filename
    path.write_bytes(synthetic.synthetic_shed_zip_bytes(broken))
    with pytest.raises(fetch.ContentError, match=r"column EF3_g, data row 42: answer 'Maybe'"):
        fetch.parse_archive(path, SPEC)


def test_wrong_member_name_is_reported(tmp_path: Path, text_frame) -> None:
    path = tmp_path / SPEC.filename
    path.write_bytes(synthetic.synthetic_shed_zip_bytes(text_frame, member="public2017.csv"))
    with pytest.raises(fetch.CorruptFileError, match="no member public2018.csv"):
        fetch.parse_archive(path, SPEC)


def test_corrupt_cached_file_is_removed_then_refetched(cache: Path, served,
                                                       synthetic_zip) -> None:
    cache.mkdir(parents=True)
    (cache / SPEC.filename).write_bytes(synthetic_zip[:1000])  # e.g. a copy cut short by hand
    _serve(served, synthetic_zip)
    with pytest.raises(fetch.CorruptFileError, match="was removed"):
        fetch.fetch()
    assert not (cache / SPEC.filename).exists()
    assert len(served.calls) == 0
    assert fetch.fetch().exists()  # the next call downloads a good copy
    assert len(served.calls) == 1


def test_pooch_downloads_and_unzips(cache: Path, served, synthetic_zip, monkeypatch) -> None:
    import pooch

    calls: list[str] = []
    real_http, real_unzip = pooch.HTTPDownloader.__call__, pooch.Unzip.__call__

    def http(self, url, output_file, *args, **kwargs):
        calls.append("HTTPDownloader")
        return real_http(self, url, output_file, *args, **kwargs)

    def unzip(self, fname, action, *args, **kwargs):
        calls.append(f"Unzip {action} {self.members}")
        return real_unzip(self, fname, action, *args, **kwargs)

    monkeypatch.setattr(pooch.HTTPDownloader, "__call__", http)
    monkeypatch.setattr(pooch.Unzip, "__call__", unzip)
    _serve(served, synthetic_zip)
    assert fetch.fetch() == cache / "shed_2018" / "public2018.csv"
    fetch.fetch()
    assert calls == ["HTTPDownloader", "Unzip download ['public2018.csv']",
                     "Unzip fetch ['public2018.csv']"]


def test_an_extraction_cut_short_is_redone(cache: Path, served, synthetic_zip) -> None:
    _serve(served, synthetic_zip)
    member = fetch.fetch()
    whole = member.read_bytes()
    member.write_bytes(whole[:5000])  # e.g. the process was killed while unzipping
    assert fetch.fetch() == member
    assert member.read_bytes() == whole
    assert len(served.calls) == 1


def test_download_goes_to_a_temp_file_renamed_only_when_complete_and_valid(
        cache: Path, served, synthetic_zip, monkeypatch) -> None:
    events: list[tuple] = []
    real_parse, real_move = fetch.parse_archive, shutil.move

    def spy_parse(path: Path, spec):
        events.append(("validate", Path(path).name, (cache / SPEC.filename).exists()))
        return real_parse(path, spec)

    def spy_move(src, dst, *args, **kwargs):
        src, dst = Path(src), Path(dst)
        events.append(("rename", src.parent == dst.parent, src.name != dst.name,
                       src.read_bytes() == synthetic_zip, dst.exists()))
        return real_move(src, dst, *args, **kwargs)

    monkeypatch.setattr(fetch, "parse_archive", spy_parse)
    monkeypatch.setattr(shutil, "move", spy_move)
    _serve(served, synthetic_zip)
    fetch.fetch()
    temp_name = events[0][1]
    assert temp_name != SPEC.filename
    assert events == [
        ("validate", temp_name, False),  # checked while still a temp file; final absent
        ("rename", True, True, True, False),  # same folder, complete bytes, final absent
    ]


# --- the real file (only where the internet is reachable) --------------------------------------


def _reachable(host: str = "www.federalreserve.gov", port: int = 443) -> bool:
    try:
        with socket.create_connection((host, port), timeout=3):
            return True
    except OSError:
        return False


@pytest.mark.network
def test_real_shed_2018_download(tmp_path: Path) -> None:
    if not _reachable():
        pytest.skip("www.federalreserve.gov:443 is not reachable from this machine (no internet)")
    frame = fetch.read(cache=tmp_path)
    assert len(frame) == 11_316 and frame.attrs["synthetic"] is False
    split = fetch.shed_400_split(frame).set_index("category")
    # The Fed published 61% cash or its equivalent for 2018 (data/shed_400_headline.csv).
    assert split.loc["cash_or_equivalent", "weighted_pct"] == pytest.approx(61, abs=1)
