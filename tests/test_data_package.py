"""The data package: valid Frictionless package, the brief's files unchanged, content rules.

The expected row counts are the indexes of the brief's SOURCES.md (24 files) and
UPDATE-2026-12.md (six files) and the SHA-256 hashes are those of the brief's CSV files when
they were copied (2026-11-25; the two re-copied and six new files on 2026-12-02); all are
written out here so that the test never reads the brief itself.
"""

from __future__ import annotations

import csv
import hashlib
import json

import pandas as pd
import pytest

from negotiation_course import citations, data
from negotiation_course.instructor import hosts
from negotiation_course.paths import COURSE_ROOT

DATA = COURSE_ROOT / "data"

#: name -> (rows in the brief's index, sha256 of the brief's file)
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
    # re-copied 2026-12-02: the December 2026 brief cites Pew's page instead of a reprint host
    "pew_2018_ratio_90_10": (8, "3e5809da11ba3cad45fd9a50f3ff2a90ba23d8e8497719b776baba55a3885b94"),  # noqa: E501
    "pew_2018_percentile_figures": (24, "8c37a151d43ff1a7409b00dcafa70858b347d736c98ae57eadde806bfd992483"),  # noqa: E501
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
    # new on 2026-12-02 (UPDATE-2026-12.md index)
    "census_p60_2024_text_figures": (18, "ed9f547b2beb474c21c6d308e681156e86a9276547ca553cb8628e54b9d10964"),  # noqa: E501
    "shed_2024_and_bills_followup": (8, "3bb4fbbcba563f517becfda72149648370c5c5f77acd58602b447d1a78471516"),  # noqa: E501
    "bls_oews_wages": (33, "2f926093d5535169e9a25e65b24b1aebba3a880ab90ab08907a626a32bfdf908"),  # noqa: E501
    "pay_law_context": (12, "878a9e86547af0132d7af175adb48c95db9298ebc7372ca2bdc440fe0bb56433"),  # noqa: E501
    "offer_rescission_evidence": (9, "e3d8b7b0982f3a851a02350876df5ed3c37f2b991513d16161ed3cfc1a7fbc24"),  # noqa: E501
}
#: new on 2026-12-02, copied with one withheld address: name -> (rows, brief's sha256, ours)
WITHHELD_COPY = {
    "pew_canonical_citations": (23, "9ffc038bad7b5d1806c82bdb12a927a771b256f2e4d43b4147785e7202a79e12",  # noqa: E501
                                "c17e3c5dde353a7a8fb4ab7bab634540837c64a52249df8161b6a7e44dfed159"),  # noqa: E501
}
PLACEHOLDER = "[address withheld]"
#: course-made tables -> rows (publications: one per original publication; canonical: 91 + 73)
COURSE_MADE = {"publications": 123, "canonical_citations": 164}
BRIEF_ROWS = {**{n: r for n, (r, _) in BRIEF_COPY.items()},
              **{n: r for n, (r, _, _) in WITHHELD_COPY.items()}}
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
    names = [r["name"] for r in descriptor["resources"]]
    assert names == [*BRIEF_COPY][:24] + [
        "census_p60_2024_text_figures", "pew_canonical_citations", "shed_2024_and_bills_followup",
        "bls_oews_wages", "pay_law_context", "offer_rescission_evidence", *COURSE_MADE]
    assert len(BRIEF_ROWS) == 30
    csvs = sorted(p.stem for p in DATA.glob("*.csv"))
    assert csvs == sorted([*BRIEF_ROWS, *COURSE_MADE])
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


def test_the_withheld_copy_differs_only_by_its_placeholder(descriptor: dict) -> None:
    """pew_canonical_citations.csv: the brief's file, with one host's address withheld twice."""
    (name, (rows, brief_sha, ours)), = WITHHELD_COPY.items()
    raw = (DATA / f"{name}.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == ours
    assert raw.count(PLACEHOLDER.encode()) == 2
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    assert resource["hash"] == f"sha256:{ours}" and resource["bytes"] == len(raw)
    assert resource["copy_of_brief"]["hash"] == f"sha256:{brief_sha}"
    # the placeholder stands where the address was: in the note and in other_sources
    frame = data.load(name)
    assert frame["note"].str.contains(PLACEHOLDER, regex=False).sum() == 1
    assert frame["other_sources"].str.contains(PLACEHOLDER, regex=False).sum() == 1
    reg = hosts.registry()
    text = raw.decode("utf-8")
    assert not [h for h in reg.hosts(text) if h.withheld] and not reg.withheld_words(text)


@pytest.mark.parametrize("name", list(BRIEF_ROWS))
def test_row_count_matches_the_brief_index(name: str, descriptor: dict, tables) -> None:
    rows = BRIEF_ROWS[name]
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == rows
    assert len(tables[name]) == rows
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    assert resource["rows"] == rows


def test_course_made_tables_are_marked_and_counted(descriptor, tables) -> None:
    for name, rows in COURSE_MADE.items():
        resource = next(r for r in descriptor["resources"] if r["name"] == name)
        assert resource["course_made"] is True and resource["rows"] == rows == len(tables[name])
        assert resource["licenses"][0]["name"] == "other-at"
    canon = tables["canonical_citations"]
    brief = canon[canon["row"].notna()]
    assert set(brief["basis"]) == {"brief"}
    assert sorted(brief["row"]) == list(range(1, 92))  # the brief's 91 domains, all there
    preferred = canon[(canon["basis"] == "brief") & canon["row"].isna()]
    assert set(preferred["kind"]) == {"P"} and len(preferred) == 9  # the brief's publishers
    assert int(brief["refs"].sum()) == 353  # the brief's count of cell references
    assert canon["domain_sha256"].is_unique
    withheld = canon[canon["withheld"]]
    assert len(withheld) == 1 and withheld["domain"].isna().all()
    assert withheld["row"].tolist() == [12] and withheld["kind"].tolist() == ["X"]


def test_every_resource_has_citation_sources_licences_and_described_fields(descriptor) -> None:
    for r in descriptor["resources"]:
        name = r["name"]
        assert r["title"] and r["description"], name
        assert r["citation"].startswith("Source: ") and r["citation"].endswith("."), name
        assert "\n" not in r["citation"], name
        assert r["sources"] and all(s.get("title") for s in r["sources"]), name
        if not r.get("course_made"):
            assert {"publisher", "publication", "table"} <= set(r["sources"][0]), name
            assert any("path" in s or "repository" in s for s in r["sources"][1:]), name
        assert r["licenses"] and all(lic.get("title") for lic in r["licenses"]), name
        assert r["schema"]["missingValues"] == [""], name
        for field in r["schema"]["fields"]:
            assert field.get("description"), (name, field["name"])
            if field["type"] == "number":
                assert field.get("unit"), (name, field["name"])


#: What applies beyond the rule of thumb (federal files public domain, others copyrighted).
LICENCES = {"pay_law_context": ["other-pd", "other-closed"]}  # NLRB and states; HR Dive counts


def test_licences_say_what_applies(descriptor) -> None:
    by_name = {r["name"]: r for r in descriptor["resources"]}
    federal = ("census", "bls", "dol", "shed")
    for name, r in by_name.items():
        kinds = [lic["name"] for lic in r["licenses"]]
        if name in COURSE_MADE:
            continue
        if name in LICENCES:
            assert kinds == LICENCES[name], name
        elif name.startswith(federal):
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
    update = (DATA / "UPDATE-2026-12.md").read_text(encoding="utf-8")
    assert "**2026-11-25:**" in readme
    assert "**2026-12-02 (the brief's December 2026 update):**" in readme
    assert "## Flag legend" in readme  # the brief's README, verbatim
    assert "7. **What learners see is the original publication" in readme  # rule 7
    assert "Verbatim copy of SOURCES.md" in sources and "re-copied on 2026-12-02" in sources
    assert "Verbatim copy of UPDATE-2026-12.md" in update
    for name in [*BRIEF_ROWS][:24]:
        assert f"## {name}.csv" in sources
        assert f"| {name}.csv | {BRIEF_ROWS[name]} |" in sources  # the index's row count
    for name in [*BRIEF_ROWS][24:]:
        assert f"## {name}.csv" in update
        assert f"| {name}.csv | {BRIEF_ROWS[name]} |" in update  # the index's row count


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


#: Column holding a row's figure, for files where a row may record a figure as not found.
FIGURE = {"census_p60_2024_text_figures": ("value", "value_text"),
          "pew_canonical_citations": ("value",)}


def test_every_row_keeps_its_flag_and_its_source(tables) -> None:
    for name, frame in tables.items():
        if name in COURSE_MADE:
            continue
        rows = frame
        if name in FIGURE:  # 'NOT FOUND' rows record a gap: no figure, no flag, no source
            found = pd.concat([frame[c].notna() for c in FIGURE[name]], axis=1).any(axis=1)
            if name == "pew_canonical_citations":
                found |= frame["row_type"] == "citation"
            assert frame.loc[~found, "note"].str.contains("NOT (?:RE-)?FOUND").all(), name
            rows = frame[found]
        assert rows["flag"].notna().all(), name
        assert set(frame["flag"].dropna().unique()) <= FLAGS, name
        has_url = rows["source_url"].notna() if "source_url" in rows else False
        has_repo = (
            rows["source_repo"].notna() & rows["source_path"].notna()
            if "source_repo" in rows
            else False
        )
        sourced = pd.Series(has_url | has_repo, index=rows.index)
        assert sourced.all(), f"{name}: rows without a source: {list(rows.index[~sourced])}"


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


# --- the December 2026 files --------------------------------------------------------------------


def test_census_2024_figures_keep_their_flags_and_dollar_bases(tables) -> None:
    c = tables["census_p60_2024_text_figures"].set_index(["year", "measure"])
    ratio = c.loc[(2024, "female_to_male_earnings_ratio_ftyr")]
    assert ratio["value"] == 80.9 and ratio["unit"] == "percent" and ratio["flag"] == "S"
    assert c.loc[(2024, "male_ftyr_median_earnings"), "value"] == 71090
    assert c.loc[(2024, "female_ftyr_median_earnings"), "value"] == 57520
    assert set(c.xs(2024, level="year")["unit"].dropna()) <= {"percent", "usd_2024"}
    assert c.loc[(2023, "female_to_male_earnings_ratio_ftyr"), "value"] == 0.827
    assert c.loc[(2023, "female_to_male_earnings_ratio_ftyr"), "flag"] == "P*"
    assert c.loc[(2024, "real_median_household_income"), "flag"] == "P"
    gap = c.loc[(2024, "ratio_decline_2023_2024_statistically_significant")]
    assert pd.isna(gap["value"]) and pd.isna(gap["flag"]) and "NOT FOUND" in gap["note"]


def test_shed_2024_figures_are_the_feds_own(tables) -> None:
    shed = tables["shed_2024_and_bills_followup"].set_index(["survey_year", "measure"])
    for measure, value in [("cash_or_equivalent", 63), ("not_completely_cash_or_equivalent", 37),
                           ("unable_to_pay", 13)]:
        row = shed.loc[(2024, measure)]
        assert row["value_pct"] == value and row["flag"] == "P" and row["source_kind"] == "FED"
        assert row["source_url"].startswith("https://www.federalreserve.gov/")
    strain = shed.xs(2018, level="survey_year")
    assert set(strain.loc[["could_still_pay_all_bills_if_400_expense",
                           "could_not_pay_some_bills_if_400_expense"], "flag"]) == {"S"}
    assert strain.loc["expect_to_forgo_some_bills_this_month", "flag"] == "P"


def test_oews_releases_areas_and_bls_symbols(tables) -> None:
    oews = tables["bls_oews_wages"]
    assert oews.groupby("release", observed=True).size().to_dict() == {"May 2024": 15,
                                                                       "May 2025": 18}
    national = oews[oews["area_type"] == "national"]
    assert set(national["flag"]) == {"P*"} and national["soc_code"].nunique() == 15
    metro = oews[oews["area_type"] == "metropolitan"]
    assert set(metro["flag"]) == {"S"} and set(metro["soc_code"]) == {"15-1252"}
    assert set(metro["release"]) == {"May 2025"}
    capped = oews[oews["a_pct90"].isna()]  # BLS prints '#' (at or above the cap)
    assert capped[["release", "soc_code"]].values.tolist() == [["May 2024", "11-2021"]]
    assert oews.loc[oews["annual_only"], "h_median"].isna().all()  # BLS prints '*'
    ordered = oews[["a_pct10", "a_pct25", "a_median", "a_pct75"]]
    assert (ordered.diff(axis=1).iloc[:, 1:] >= 0).all().all()


def test_pay_law_dates_and_counts(tables) -> None:
    law = tables["pay_law_context"]
    posting = law[law["law_type"] == "pay_range_in_postings"].set_index("jurisdiction")
    assert posting["effective_date"].dt.strftime("%Y-%m-%d").to_dict() == {
        "Colorado": "2021-01-01", "California": "2023-01-01", "Washington": "2023-01-01",
        "New York City": "2022-11-01", "New York State": "2023-09-17", "Illinois": "2025-01-01"}
    counts = law[law["law_type"] == "salary_history_ban_count"]
    assert set(counts["flag"]) == {"S"}  # no government-published count exists
    assert sorted(counts["value"]) == [13, 22, 23]


def test_offer_rescission_evidence_keeps_the_brief_labels(tables) -> None:
    offer = tables["offer_rescission_evidence"]
    hart = offer[offer["study"] == "hart_bear_ren_2024"]
    assert hart["doi"].eq("10.1016/j.obhdp.2024.104319").all()
    by_figure = dict(zip(hart["figure"].dropna(), hart.loc[hart["figure"].notna(), "flag"],
                         strict=True))
    assert by_figure == {3338: "P*", 26.9: "S", 1.73: "S", 94: "S", 33: "S"}
    assert set(offer.loc[offer["study"] != "hart_bear_ren_2024", "flag"]) == {"S"}


def test_pew_canonical_rows_and_the_1970_levels_never_printed(tables) -> None:
    pew = tables["pew_canonical_citations"]
    assert pew["row_type"].value_counts().to_dict() == {"value": 15, "citation": 8}
    levels = pew.query("measure == 'ratio_90_10' and year == 1970").set_index("group")
    assert levels["value"].to_dict()["asian"] == 6.1 and levels.loc["white", "value"] == 6.3
    assert levels.loc[["black", "hispanic"], "value"].isna().all()  # Pew printed no level
    assert levels.loc["all", "flag"] == "S" and levels.loc["asian", "flag"] == "P*"


# --- what learners are shown: publications and citations --------------------------------------


@pytest.fixture(scope="module")
def pubs() -> dict[str, dict]:
    return data.publications()


@pytest.fixture(scope="module")
def registry() -> hosts.Registry:
    return hosts.registry()


def _host_kind(url: str, registry: hosts.Registry) -> str:
    found = registry.hosts(url)
    return found[0].kind if found else "unregistered"


def test_every_publication_address_is_the_publishers_own(pubs, registry) -> None:
    """No copy host: P rows on a publisher's site; N and O rows on their own (never X, R, A)."""
    for pid, pub in pubs.items():
        url = citations.address(pub)
        if not url:
            continue
        kind = _host_kind(url, registry)
        allowed = {"P"} if pub["outlet_kind"] == "P" else {"P", "N", "O"}
        if pub["outlet_kind"] == "P" and pub["kind"] in ("web_page", "lecture", "survey"):
            allowed = {"P", "O"}  # an organisation publishing its own work (AAUW, Salary.com)
        assert kind in allowed, (pid, url, kind)
        assert "github" not in url.lower(), pid


def test_no_publication_or_citation_names_a_forbidden_host(descriptor, pubs, registry) -> None:
    text = (DATA / "publications.csv").read_text(encoding="utf-8")
    assert registry.problems(text) == []
    for r in descriptor["resources"]:
        assert registry.problems(r["citation"]) == [], r["name"]
        for h in registry.hosts(r["citation"]):
            assert h.kind in ("P", "N", "O"), (r["name"], h.host)


def test_every_resource_cites_known_publications_and_the_stored_line_matches(descriptor, pubs):
    for r in descriptor["resources"]:
        spec = r["learner_citation"]
        for entry in spec.get("publications", []):
            assert pubs[entry["id"]]["outlet_kind"] in ("P", "O"), (r["name"], entry["id"])
        for entry in spec.get("as_reported_by", []):  # "as reported by": news or organisations
            assert pubs[entry["id"]]["outlet_kind"] in citations.SECONDARY_KINDS, (
                r["name"], entry["id"])
        if r.get("course_made"):
            continue
        assert spec["publications"], r["name"]
        assert r["citation"] == citations.source_line(spec, pubs), r["name"]
        assert data.cite(r["name"]) == r["citation"]


@pytest.mark.parametrize("name", list(BRIEF_ROWS))
def test_every_row_is_cited_and_every_condition_matches_a_row(name, descriptor, tables):
    """Each row is covered by a publication, an 'as reported by' or a note; no dead entries."""
    spec = next(r for r in descriptor["resources"] if r["name"] == name)["learner_citation"]
    frame = tables[name]
    covered = pd.Series(False, index=frame.index)
    for kind in ("publications", "as_reported_by", "notes"):
        for entry in spec.get(kind, []):
            assert citations._applies(entry, frame), (name, kind, entry)
            mask = pd.Series(True, index=frame.index)
            for column, values in entry.get("when", {}).items():
                mask &= frame[column].map(citations._text).isin([str(v) for v in values])
            covered |= mask
    assert covered.all(), f"{name}: rows cited by nothing: {list(frame.index[~covered])}"


def test_secondary_rows_are_cited_as_reported_by_a_named_outlet(descriptor, tables, pubs):
    """Where an S row was read in news or an organisation's page, its caption says so."""
    reg = hosts.registry()
    for r in descriptor["resources"]:
        name = r["name"]
        if name in COURSE_MADE or "source_url" not in tables[name]:
            continue
        frame = tables[name]
        spec = r["learner_citation"]
        for i, row in frame[frame["flag"] == "S"].iterrows():
            found = reg.hosts(str(row["source_url"]))
            if not found or found[0].kind not in ("N", "O"):
                continue  # a transcription or a copy host: no outlet to name
            cited = [citations.address(pubs[e["id"]]) for e in spec["publications"]
                     if citations._applies(e, frame.loc[[i]])]
            if any(reg.hosts(u) and reg.hosts(u)[0].domain == found[0].domain for u in cited):
                continue  # the organisation's page is itself the publication cited
            line = data.cite(name, frame.loc[[i]])
            assert " as reported by " in line, (name, i, row["source_url"], line)
