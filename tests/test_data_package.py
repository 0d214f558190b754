"""The data package: valid Frictionless package, the brief's files unchanged, content rules.

The expected row counts are the index of the brief's SOURCES.md and the SHA-256 hashes are
those of the brief's CSV files when they were copied (2026-11-25); both are written out here
so that the test never reads the brief itself.
"""

from __future__ import annotations

import csv
import hashlib
import json

import pandas as pd
import pytest

from negotiation_course import data
from negotiation_course.paths import COURSE_ROOT

DATA = COURSE_ROOT / "data"

#: name -> (rows in the brief's SOURCES.md index, sha256 of the brief's file)
BRIEF_COPY = {
    "census_p60_282_a7_earnings_by_sex": (66, "d8e1093c8262cdf7a0bb1476c31c43740f22241cab92311abebd3a45feb9596e"),  # noqa: E501
    "census_p60_282_text_figures": (5, "77345cd3020c5f4d7816607eeb0efe76919555c3373aab616a753307693a25a3"),  # noqa: E501
    "bls_weekly_earnings_nominal": (431, "fa1b5b7c3be3f802442d88c3d8bddae30b553f92dc5eb52c33d3f8484e706f4c"),  # noqa: E501
    "bls_weekly_earnings_real_2023usd": (408, "a49427e7af379a178bdefefc972d8fa2a51dedd0bc1e80da85a079aa61e9f72d"),  # noqa: E501
    "bls_weekly_earnings_ratios_published": (19, "818b7599fc446f3918b5110cba85addeb18c1d33678b7da424491f9af9d9fd51"),  # noqa: E501
    "pew_hourly_ratio_points": (27, "633f5d1d7cee3f8ce2e723136376082b10abfe695c5624f0da33063457cf2251"),  # noqa: E501
    "pew_hourly_ratios_by_race": (7, "1a004d2db8df2c7ce84732d7cbe4b870d08ac5adc86892fca3cce77921a3859e"),  # noqa: E501
    "pew_2016_hourly_earnings_by_race_sex": (8, "301f5931d804788f3cc99034faafdbbab249a0be086fcce701e6d841b592fe17"),  # noqa: E501
    "npwf_cents_on_dollar": (39, "6e25dab90cbffaeecbb85560e7e7dcbf8b3db013d2b25db4a07a086a9ca04a3a"),  # noqa: E501
    "npwf_dollar_figures": (30, "a555544fa552fb1c0771ba7eb36fd10d1b17b70359d36673661a4091e04c704b"),  # noqa: E501
    "dol_wb_2019_ratios_by_race": (4, "5a98960ce9b211f55ee5b1dc736fd24994507080c7de592e8348fd66fffd9a9e"),  # noqa: E501
    "pew_2018_ratio_90_10": (8, "7cc7d5870898ddec8f68106ad31fe9c46e32ce763591600003c21d0c47eb1d55"),  # noqa: E501
    "pew_2018_percentile_figures": (24, "bee7cebf6675aea0a9f2ee4d42287157ae6ed97750fa0589c6c5f677fe67c280"),  # noqa: E501
    "shed_400_headline": (29, "ef3059e6017a37b534d1d3ad40a48165ab039fbe1c31c3a99a7c6357e92e0c4e"),  # noqa: E501
    "shed_400_how_would_pay": (32, "2d26c2b83dbb2428c80fc6474f173573734976b6fa8f387132eb9026c67cbd3e"),  # noqa: E501
    "shed_400_by_group": (29, "f9d80d1b9a2181406e30a0268be667a63902fca005383b727d54a380bf347c2a"),  # noqa: E501
    "shed_doing_okay_by_group": (152, "c9cc1831496cb061fcb4b470cfc4a655b723f2ad6096a44c1c23a877cf747237"),  # noqa: E501
    "shed_doing_okay_education_by_race": (21, "ef96c3f77328d47a7e89277a5ded3948f5453baf2287b3605f7f517d19ffd9a3"),  # noqa: E501
    "shed_by_sex_related": (16, "cc8f0e950033dd35c6b08734c2d1062f018170adabe822b2333570fdc800fd37"),  # noqa: E501
    "shed_2018_other_figures": (41, "24ddfe4cd690766dc3bd1d8712d4cf76c834b2d7028a6f0f09cc12f47d6a2e87"),  # noqa: E501
    "shed_bills_by_group": (18, "15e98588577aca461abf4ebeba58d7b0f8683308325d1737a190ae520ac00bef"),  # noqa: E501
    "shed_ef3_options": (10, "b380f5e868b5838db47e497f1cc6e2ed57735254c201a14d75c089e4bbc105ab"),  # noqa: E501
    "bls_ecec_compensation": (28, "8b66c93d98e1e3e99fab26fc1063f585e4797ff536219b81d72643605fd33fa5"),  # noqa: E501
    "negotiation_evidence": (53, "37eb8d3914571b54f73f111a62618eb300af60285504e5dda386a020ae186b5b"),  # noqa: E501
}
FLAGS = {"P", "P*", "S", "derived", "computed"}


@pytest.fixture(scope="module")
def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: data.load(name) for name in data.names()}


# --- the package as a whole ------------------------------------------------------------------


def test_package_validates_with_frictionless() -> None:
    problems = data.validate()
    assert problems == [], "\n".join(problems)


def test_every_brief_file_is_a_resource_and_nothing_else(descriptor: dict) -> None:
    assert [r["name"] for r in descriptor["resources"]] == list(BRIEF_COPY)
    csvs = sorted(p.stem for p in DATA.glob("*.csv"))
    assert csvs == sorted(BRIEF_COPY)
    for resource in descriptor["resources"]:
        assert resource["path"] == resource["name"] + ".csv"


@pytest.mark.parametrize("name", list(BRIEF_COPY))
def test_file_is_the_brief_copy_byte_for_byte(name: str, descriptor: dict) -> None:
    rows, sha = BRIEF_COPY[name]
    raw = (DATA / f"{name}.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == sha, f"{name}.csv differs from the brief's copy"
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    assert resource["hash"] == f"sha256:{sha}"
    assert resource["bytes"] == len(raw)


@pytest.mark.parametrize("name", list(BRIEF_COPY))
def test_row_count_matches_the_sources_index(name: str, descriptor: dict, tables) -> None:
    rows, _ = BRIEF_COPY[name]
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == rows
    assert len(tables[name]) == rows
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    assert resource["rows"] == rows


def test_every_resource_has_citation_sources_licences_and_described_fields(descriptor) -> None:
    for r in descriptor["resources"]:
        name = r["name"]
        assert r["title"] and r["description"], name
        assert r["citation"].startswith("Source: ") and r["citation"].endswith("."), name
        assert "\n" not in r["citation"], name
        assert r["sources"] and all(s.get("title") for s in r["sources"]), name
        assert {"publisher", "publication", "table"} <= set(r["sources"][0]), name
        assert any("path" in s or "repository" in s for s in r["sources"][1:]), name
        assert r["licenses"] and all(lic.get("title") for lic in r["licenses"]), name
        assert r["schema"]["missingValues"] == [""], name
        for field in r["schema"]["fields"]:
            assert field.get("description"), (name, field["name"])
            if field["type"] == "number":
                assert field.get("unit"), (name, field["name"])


def test_licences_say_what_applies(descriptor) -> None:
    by_name = {r["name"]: r for r in descriptor["resources"]}
    federal = ("census", "bls", "dol", "shed")
    for name, r in by_name.items():
        kinds = [lic["name"] for lic in r["licenses"]]
        if name.startswith(federal):
            assert kinds[0] == "other-pd", name
            assert "public domain" in r["licenses"][0]["title"].lower()
        else:  # Pew, NPWF, negotiation studies: copyrighted, figures quoted as facts
            assert kinds == ["other-closed"], name
            assert "quoted as facts" in r["licenses"][0]["title"]
        has_secondary = (DATA / r["path"]).read_text(encoding="utf-8").count(",S,") > 0
        if has_secondary and name.startswith(federal):
            assert "other-closed" in kinds, f"{name} has S rows but no secondary-source licence"


def test_readme_and_sources_say_where_they_came_from() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "copied on 2026-11-25 from the team's" in readme
    assert "## Flag legend" in readme  # the brief's README, verbatim
    assert "Verbatim copy of SOURCES.md" in sources
    for name in BRIEF_COPY:
        assert f"## {name}.csv" in sources


# --- dtypes driven by the schema ---------------------------------------------------------------


def test_dtypes_follow_the_schema(descriptor, tables) -> None:
    expected = {"integer": "Int64", "number": "float64", "boolean": "boolean"}
    for r in descriptor["resources"]:
        frame = tables[r["name"]]
        assert list(frame.columns) == [f["name"] for f in r["schema"]["fields"]]
        for field in r["schema"]["fields"]:
            dtype = frame[field["name"]].dtype
            if field["type"] in expected:
                assert str(dtype) == expected[field["type"]], (r["name"], field["name"], dtype)
            elif field.get("constraints", {}).get("enum"):
                assert isinstance(dtype, pd.CategoricalDtype), (r["name"], field["name"])
                assert list(dtype.categories) == field["constraints"]["enum"]


def test_years_are_integers_and_group_like_columns_categorical(tables) -> None:
    categorical = {"flag", "sex", "race_ethnicity", "edition", "universe", "group", "group_type",
                   "source_kind", "wave", "measure", "unit"}
    for name, frame in tables.items():
        for col in frame.columns:
            if col.endswith("year"):
                assert str(frame[col].dtype) == "Int64", (name, col)
            if col in categorical:
                assert isinstance(frame[col].dtype, pd.CategoricalDtype), (name, col)
            if col in {"preferred_row", "units_inferred", "survey_year_inferred"}:
                assert str(frame[col].dtype) == "boolean", (name, col)


TIME_SERIES = ["census_p60_282_a7_earnings_by_sex", "bls_weekly_earnings_nominal",
               "bls_weekly_earnings_real_2023usd", "bls_weekly_earnings_ratios_published",
               "pew_hourly_ratio_points", "pew_2018_ratio_90_10", "shed_400_headline",
               "shed_doing_okay_by_group", "npwf_cents_on_dollar"]


@pytest.mark.parametrize("name", TIME_SERIES)
def test_time_series_keep_their_year_in_a_year_column(name: str, tables) -> None:
    cols = [c for c in tables[name].columns if "year" in c and tables[name][c].dtype == "Int64"]
    assert cols, name


# --- provenance --------------------------------------------------------------------------------


def test_every_row_keeps_its_flag_and_its_source(tables) -> None:
    for name, frame in tables.items():
        assert frame["flag"].notna().all(), name
        assert set(frame["flag"].unique()) <= FLAGS, name
        has_url = frame["source_url"].notna() if "source_url" in frame else False
        has_repo = (
            frame["source_repo"].notna() & frame["source_path"].notna()
            if "source_repo" in frame
            else False
        )
        sourced = pd.Series(has_url | has_repo, index=frame.index)
        assert sourced.all(), f"{name}: rows without a source: {list(frame.index[~sourced])}"


def test_shed_source_kind_maps_to_flags_as_the_brief_says(tables) -> None:
    allowed = {"FED": {"P", "P*"}, "FED-COPY": {"P*"}, "SECONDARY": {"S", "derived"},
               "THIRD-PARTY-TAB": {"S"}}
    for name, frame in tables.items():
        if "source_kind" not in frame:
            continue
        for kind, flag in zip(frame["source_kind"], frame["flag"], strict=True):
            assert flag in allowed[kind], (name, kind, flag)


def test_secondary_and_derived_figures_stay_labelled(tables) -> None:
    assert set(tables["bls_weekly_earnings_real_2023usd"]["flag"]) == {"S"}
    assert set(tables["pew_2016_hourly_earnings_by_race_sex"]["flag"]) == {"S"}
    cap = tables["shed_by_sex_related"].query("survey_year == 2022")
    assert len(cap) == 6 and set(cap["flag"]) == {"S"}
    assert set(cap["source_kind"]) == {"THIRD-PARTY-TAB"}
    head = tables["shed_400_headline"]
    derived = head[head["flag"] == "derived"]
    assert sorted(derived["value_pct"]) == [54.0, 56.0]
    assert all(h.startswith("derived") for h in derived["how_given"])
    ecec = tables["bls_ecec_compensation"]
    assert (ecec.loc[ecec["flag"] == "computed", "measure"] == "share_of_total_compensation").all()


# --- content rules -----------------------------------------------------------------------------


def test_census_years_and_preferred_rows(tables) -> None:
    a7 = tables["census_p60_282_a7_earnings_by_sex"]
    assert a7["year"].value_counts().loc[lambda s: s > 1].sort_index().to_dict() == {
        2013: 2, 2017: 2,
    }
    preferred = a7[a7["preferred_row"]]
    assert preferred["year"].is_unique
    assert sorted(preferred["year"]) == list(range(1960, 2024))
    dropped = a7[~a7["preferred_row"]]
    assert sorted(dropped["year"]) == [2013, 2017]
    footnotes = dict(zip(preferred["year"], preferred["census_footnote"], strict=True))
    assert footnotes[2013] == "4" and footnotes[2017] == "3"


def test_census_ratio_equals_women_over_men_within_0_001(tables) -> None:
    a7 = tables["census_p60_282_a7_earnings_by_sex"]
    diff = (a7["female_ftyr_median_usd2023"] / a7["male_ftyr_median_usd2023"]
            - a7["female_to_male_ratio_ftyr"]).abs()
    assert (diff < 0.001).all(), a7.loc[diff >= 0.001, ["year", "female_to_male_ratio_ftyr"]]
    # Census divides unrounded medians: five rows differ from the rounded ones by up to 0.0006
    assert int((diff > 0.0005).sum()) == 5 and diff.max() < 0.0006


def test_census_text_figures_are_there(tables) -> None:
    text = tables["census_p60_282_text_figures"]
    ratios = text[text["measure"] == "female_to_male_earnings_ratio_ftyr"]
    assert dict(zip(ratios["year"], ratios["value"], strict=True)) == {2023: 0.827, 2022: 0.840}
    assert set(ratios["unit"]) == {"ratio"}
    a7 = tables["census_p60_282_a7_earnings_by_sex"].query("preferred_row")
    by_year = dict(zip(a7["year"], a7["female_to_male_ratio_ftyr"], strict=True))
    assert by_year[2023] == 0.827 and by_year[2022] == 0.840
    raw = (DATA / "census_p60_282_text_figures.csv").read_text(encoding="utf-8")
    assert "2022,female_to_male_earnings_ratio_ftyr,0.840,ratio" in raw  # printed as Census does


UNIQUE_KEYS = {
    "bls_weekly_earnings_nominal": ["year", "sex", "race_ethnicity"],
    "bls_weekly_earnings_real_2023usd": ["year", "sex", "race_ethnicity"],
    "pew_hourly_ratio_points": ["edition", "data_year", "age_group"],
    "pew_2018_ratio_90_10": ["group", "year"],
    "pew_2016_hourly_earnings_by_race_sex": ["race_ethnicity", "sex"],
    "shed_doing_okay_by_group": ["survey_year", "wave", "group_type", "group"],
    "shed_doing_okay_education_by_race": ["survey_year", "education", "race_ethnicity"],
    "shed_bills_by_group": ["survey_year", "group_type", "group"],
    "npwf_cents_on_dollar": ["publication_date", "publication", "universe", "group"],
}


@pytest.mark.parametrize("name", list(UNIQUE_KEYS))
def test_years_unique_per_series_and_group(name: str, tables) -> None:
    frame = tables[name]
    key = UNIQUE_KEYS[name]
    dupes = frame[frame.duplicated(key, keep=False)]
    assert dupes.empty, dupes[key]


def test_shares_and_ratios_within_bounds(tables) -> None:
    for name, frame in tables.items():
        for col in ("value_pct", "doing_okay_pct"):
            if col in frame:
                assert frame[col].dropna().between(0, 100).all(), (name, col)
        if "unit" in frame and "value" in frame:
            pct = frame.loc[frame["unit"] == "percent", "value"]
            assert pct.dropna().between(0, 100).all(), name
    for name, col in [("census_p60_282_a7_earnings_by_sex", "female_to_male_ratio_ftyr"),
                      ("dol_wb_2019_ratios_by_race", "ratio_to_white_nh_men")]:
        assert tables[name][col].between(0, 1, inclusive="neither").all(), name
    for name, col in [("pew_hourly_ratio_points", "women_pct_of_men"),
                      ("pew_hourly_ratios_by_race", "pct_of_comparison")]:
        # percent units, not ratios (82.7, not 0.827)
        assert tables[name][col].between(50, 100).all(), name


def test_ecec_components_add_up(tables) -> None:
    ecec = tables["bls_ecec_compensation"].query("reference_period == '2025-06'")
    for sector in ["civilian workers", "private industry", "state and local government"]:
        rows = ecec[ecec["sector"] == sector].set_index(["measure", "component"])["value"]
        cost = rows["cost_per_hour_worked"]
        total = cost["wages_and_salaries"] + cost["benefits"]
        assert abs(total - cost["total_compensation"]) < 0.011
        share = rows["share_of_total_compensation"]
        assert abs(share["wages_and_salaries"] + share["benefits"] - 100) < 0.05


def test_pew_editions_and_npwf_universes_are_kept_apart(tables) -> None:
    points = tables["pew_hourly_ratio_points"]
    assert points["edition"].notna().all() and points["edition"].nunique() == 7
    npwf = tables["npwf_cents_on_dollar"]
    assert set(npwf["universe"]) == {"FTYR", "FTYR_unconfirmed", "all_workers"}
    all_workers = npwf[npwf["universe"] == "all_workers"]
    assert all_workers["publication_date"].astype(str).str.startswith("2024").all()
    ftyr_2024 = npwf[(npwf["universe"] == "FTYR")
                     & npwf["publication_date"].astype(str).str.startswith("2024")]
    assert ftyr_2024[["group", "cents_per_dollar"]].values.tolist() == [["overall", 83.0]]
    dollars = tables["npwf_dollar_figures"]
    assert dollars["universe"].notna().all()


def test_shed_waves_and_education_codings_are_kept_apart(tables) -> None:
    head = tables["shed_400_headline"]
    assert head.loc[head["wave"] != "main", "survey_year"].tolist() == [2020]
    okay = tables["shed_doing_okay_by_group"]
    codings = set(okay["group_type"])
    assert {"education_2021_recode", "education_pre2021_coding"} <= codings
    overall_2020 = okay.query("survey_year == 2020 and group_type == 'overall'")
    assert sorted(overall_2020["doing_okay_pct"]) == [72, 75, 75, 77]
    assert overall_2020["wave"].notna().sum() == 3
