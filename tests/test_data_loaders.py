"""``negotiation_course.data``: load, cite, names, errors, and validation of broken copies."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from negotiation_course import data
from negotiation_course.paths import COURSE_ROOT, DATA_ENV

DATA = COURSE_ROOT / "data"
CENSUS = "census_p60_282_a7_earnings_by_sex"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of the data package, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_names_lists_every_csv() -> None:
    assert sorted(data.names()) == sorted(p.stem for p in DATA.glob("*.csv"))
    assert len(data.names()) == 32  # 30 brief files and 2 course-made tables


#: The December 2026 tables: column -> dtype, as their schemas declare.
NEW_DTYPES = {
    "census_p60_2024_text_figures": {"year": "Int64", "value": "float64", "unit": "category",
                                     "flag": "category", "value_text": "str"},
    "pew_canonical_citations": {"row_type": "category", "publication_date": "datetime64[s]",
                                "year": "Int64", "value": "float64", "group": "category"},
    "shed_2024_and_bills_followup": {"survey_year": "Int64", "value_pct": "float64",
                                     "measure": "category", "source_kind": "category"},
    "bls_oews_wages": {"release": "category", "tot_emp": "Int64", "a_median": "float64",
                       "a_pct90": "float64", "annual_only": "boolean", "soc_code": "str"},
    "pay_law_context": {"effective_date": "datetime64[s]", "as_of_date": "datetime64[s]",
                        "value": "float64", "law_type": "category"},
    "offer_rescission_evidence": {"study": "category", "figure": "float64", "doi": "str"},
    "publications": {"id": "str", "outlet_kind": "category", "kind": "category"},
    "canonical_citations": {"row": "Int64", "refs": "Int64", "withheld": "boolean",
                            "kind": "category"},
}


@pytest.mark.parametrize("name", list(NEW_DTYPES))
def test_new_tables_load_with_their_dtypes(name: str) -> None:
    frame = data.load(name)
    for column, dtype in NEW_DTYPES[name].items():
        assert str(frame[column].dtype) == dtype, (name, column, frame[column].dtype)
    assert frame.attrs["citation"] == data.cite(name)


def test_new_tables_hold_the_values_the_brief_printed() -> None:
    oews = data.load("bls_oews_wages").set_index(["release", "area_code", "soc_code"])
    assert oews.loc[("May 2025", "99", "11-2021"), "a_pct90"] == 293610  # uncapped in 2025
    assert pd.isna(oews.loc[("May 2024", "99", "11-2021"), "a_pct90"])  # BLS printed '#'
    law = data.load("pay_law_context")
    colorado = law[(law["jurisdiction"] == "Colorado")]
    assert colorado["effective_date"].iloc[0] == pd.Timestamp("2021-01-01")
    pew = data.load("pew_canonical_citations")
    grip = pew[(pew["row_type"] == "citation") & pew["publication"].str.startswith("The Enduring")]
    assert grip["publication_date"].iloc[0] == pd.Timestamp("2023-03-01")


def test_load_census_a7() -> None:
    a7 = data.load(CENSUS)
    assert len(a7) == 66
    assert a7["year"].dtype == "Int64" and a7["male_ftyr_workers_thous"].dtype == "Int64"
    assert a7["female_to_male_ratio_ftyr"].dtype == "float64"
    assert a7["preferred_row"].dtype == "boolean"
    assert isinstance(a7["flag"].dtype, pd.CategoricalDtype)
    first = a7.iloc[0]
    assert first["year"] == 2023 and first["male_ftyr_median_usd2023"] == 66790.0
    assert first["female_to_male_ratio_ftyr"] == 0.827
    assert pd.isna(a7.loc[a7["year"] == 1960, "male_ftyr_moe90_usd"]).all()  # Census prints N
    assert a7.attrs["citation"] == data.cite(CENSUS)


def test_empty_cells_are_missing_not_zero() -> None:
    real = data.load("bls_weekly_earnings_real_2023usd")
    cell = real.query("year == 2023 and sex == 'men' and race_ethnicity == 'hispanic'")
    assert len(cell) == 1 and pd.isna(cell["median_weekly_usd2023"].iloc[0])
    assert (real["median_weekly_usd2023"].dropna() > 0).all()


def test_cite_is_the_source_line() -> None:
    assert data.cite(CENSUS) == (
        "Source: U.S. Census Bureau, Income in the United States: 2023 (Current Population "
        "Reports P60-282, September 2024), Table A-7."
    )
    for name in data.names():
        assert data.cite(name).startswith("Source: ")


def test_cite_with_rows_names_only_the_publications_shown() -> None:
    points = data.load("pew_hourly_ratio_points")
    line = data.cite("pew_hourly_ratio_points", points[points["edition"] == "2023-03"])
    assert "The enduring grip of the gender pay gap (March 1, 2023)" in line
    assert "2013" not in line and "2019" not in line  # never join editions, not even in a caption
    assert "2023 edition figures as reported by Axios (March 2, 2023)" in line
    primary = points[(points["edition"] == "2021-05")]
    assert data.cite("pew_hourly_ratio_points", primary) == (
        "Source: Pew Research Center, Gender pay gap in U.S. held steady in 2020 (Fact Tank, "
        "May 25, 2021).")
    undated = points[points["edition"] == "2015-04"]  # data_year is missing (NA) in these rows
    assert data.cite("pew_hourly_ratio_points", undated) == (
        "Source: Pew Research Center, On Equal Pay Day, key facts about the gender pay gap "
        "(Fact Tank, April 14, 2015).")
    shed = data.load("shed_400_headline")
    line = data.cite("shed_400_headline", shed[shed["survey_year"] == 2018])
    assert line == ("Source: Board of Governors of the Federal Reserve System, Report on the "
                    "economic well-being of U.S. households in 2018 (May 2019).")
    derived = data.cite("shed_400_headline", shed[shed["flag"] == "derived"])
    assert "not Fed figures" in derived and "Washington Examiner" not in derived
    evidence = data.load("negotiation_evidence")
    line = data.cite("negotiation_evidence", evidence[evidence["study"] == "leibbrandt_list_2015"])
    assert line.startswith("Source: Leibbrandt & List (2015), Management Science 61(9), 2016-2024")
    assert "as reported by blog.dciconsult.com" in line


def test_references_are_full_entries_with_the_publishers_address() -> None:
    refs = data.references(CENSUS)
    assert refs == [
        "Guzman, G., & Kollar, M. (2024, September). *Income in the United States: 2023* "
        "(Current Population Reports P60-282). U.S. Census Bureau. "
        "https://www.census.gov/library/publications/2024/demo/p60-282.html"]
    offer = data.references("offer_rescission_evidence")
    assert offer[0].startswith("Hart, E., Bear, J. B., & Ren, Z. (2024, March). But what if I "
                               "lose the offer?")
    assert offer[0].endswith("https://doi.org/10.1016/j.obhdp.2024.104319")
    pubs = data.publications()
    assert pubs["strain-2019-400"]["outlet_kind"] == "N"


def test_describe_returns_a_copy() -> None:
    meta = data.describe(CENSUS)
    meta["citation"] = "changed"
    assert data.cite(CENSUS) != "changed"


def test_load_returns_independent_frames() -> None:
    first = data.load(CENSUS)
    first.loc[0, "female_to_male_ratio_ftyr"] = 0.0
    assert data.load(CENSUS).loc[0, "female_to_male_ratio_ftyr"] == 0.827


def test_wrong_name_lists_the_available_names() -> None:
    with pytest.raises(data.UnknownTableError) as info:
        data.load("census_p60_282_a7_earnings_by_se")
    message = str(info.value)
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)
    assert "Did you mean 'census_p60_282_a7_earnings_by_sex'?" in message
    for name in data.names():
        assert name in message
    with pytest.raises(KeyError):
        data.cite("nothing")


def test_load_works_from_any_working_directory(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DATA_ENV, raising=False)
    assert len(data.load("shed_ef3_options")) == 10


def test_env_var_points_at_a_read_only_hub_copy(copy: Path, monkeypatch) -> None:
    descriptor = copy / "datapackage.json"
    _edit(descriptor, "Table A-7.\"", "Table A-7 (hub copy).\"")
    for path in [copy, *copy.iterdir()]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        monkeypatch.setenv(DATA_ENV, str(copy))
        assert data.cite(CENSUS).endswith("Table A-7 (hub copy).")
        assert len(data.load(CENSUS)) == 66
        assert data.validate() == []
    finally:
        for path in [copy, *copy.iterdir()]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    monkeypatch.delenv(DATA_ENV)
    assert data.cite(CENSUS).endswith("Table A-7.")


def test_descriptor_edits_are_picked_up(copy: Path) -> None:
    assert data.cite(CENSUS, root=copy).endswith("Table A-7.")
    descriptor = copy / "datapackage.json"
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    meta["resources"][0]["citation"] = "Source: edited."
    descriptor.write_text(json.dumps(meta), encoding="utf-8")
    os.utime(descriptor, ns=(1, descriptor.stat().st_mtime_ns + 10**9))
    assert data.cite(CENSUS, root=copy) == "Source: edited."


# --- broken copies: both load() and validate() name the file, row and field -------------------

Breakage = Callable[[Path], None]

BROKEN: dict[str, tuple[str, Breakage, str, list[str]]] = {
    # case: (table, how to break it, load() message parts, validate() message parts)
    "bad integer": (
        CENSUS,
        lambda d: _edit(d / f"{CENSUS}.csv", "\n2022,,true,", "\n20x2,,true,"),
        "row 3, field 'year': cannot read '20x2' as a whole number",
        ["row 3", "field 'year'", "'20x2'"],
    ),
    "bad number": (
        CENSUS,
        lambda d: _edit(d / f"{CENSUS}.csv", ",0.840,", ",0,840,"),
        "row 3 has 17 cells, the header has 16",
        ["row 3", "extra value"],
    ),
    "thousands separator": (
        "bls_weekly_earnings_nominal",
        lambda d: _edit(
            d / "bls_weekly_earnings_nominal.csv", "1979,all,all,241,", '1979,all,all,"2,41",'
        ),
        "row 2, field 'median_weekly_usd': cannot read '2,41' as a number",
        ["row 2", "field 'median_weekly_usd'", "'2,41'"],
    ),
    "unknown flag": (
        "pew_2018_ratio_90_10",
        lambda d: _edit(
            d / "pew_2018_ratio_90_10.csv", "all,2016,8.7,P,", "all,2016,8.7,Primary,"
        ),
        "row 3, field 'flag': cannot read 'Primary' as one of: P, P*, S, derived, computed",
        ["row 3", "field 'flag'", "'Primary'", "enum"],
    ),
    "share above 100": (
        "shed_doing_okay_by_group",
        lambda d: _edit(d / "shed_doing_okay_by_group.csv", "all adults,62,", "all adults,620,"),
        "row 2, field 'doing_okay_pct': value '620' is outside the allowed range [0, 100]",
        ["row 2", "field 'doing_okay_pct'", "maximum"],
    ),
    "bad boolean": (
        CENSUS,
        lambda d: _edit(d / f"{CENSUS}.csv", "\n2023,,true,", "\n2023,,yes,"),
        "row 2, field 'preferred_row': cannot read 'yes' as true or false",
        ["row 2", "field 'preferred_row'", "'yes'"],
    ),
    "required cell empty": (
        "dol_wb_2019_ratios_by_race",
        lambda d: _edit(
            d / "dol_wb_2019_ratios_by_race.csv", "\n2019,Black women,", "\n,Black women,"
        ),
        "row 3, field 'data_year': the cell is empty but this field is required",
        ["row 3", "field 'data_year'"],
    ),
    "renamed column": (
        "dol_wb_2019_ratios_by_race",
        lambda d: _edit(d / "dol_wb_2019_ratios_by_race.csv", ",flag,", ",flg,"),
        "row 1 (header) does not match the schema in datapackage.json: missing column(s) 'flag'",
        ["field 'flag'", '"flg"'],
    ),
    "blank row": (
        "shed_ef3_options",
        lambda d: _edit(d / "shed_ef3_options.csv", "\nEF3_b,", "\n\nEF3_b,"),
        "row 3 is blank",
        ["row 3", "blank"],
    ),
    "short row": (
        "shed_bills_by_group",
        lambda d: _edit(d / "shed_bills_by_group.csv", ",table 8,P,FED,", ",table 8,"),
        "row 2 has 8 cells, the header has 10",
        ["row 2", "missing cell"],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_copy_errors_name_file_row_and_field(case: str, copy: Path) -> None:
    name, breakage, load_message, validate_parts = BROKEN[case]
    breakage(copy)
    path = copy / f"{name}.csv"
    with pytest.raises(data.DataFileError) as info:
        data.load(name, root=copy)
    assert str(info.value).startswith(f"{path}: {load_message}"), str(info.value)
    problems = data.validate(copy)
    located = [p for p in problems if p.startswith(f"{path}, ")]
    assert located, problems
    assert any(all(part.lower() in p.lower() for part in validate_parts) for p in located), located
    # the edit also changes the file's recorded hash
    assert any(p.startswith(f"{path}: Hash Count Error") for p in problems), problems


def test_edited_value_fails_the_hash_check(copy: Path) -> None:
    _edit(copy / f"{CENSUS}.csv", ",0.840,", ",0.841,")
    assert data.load(CENSUS, root=copy).loc[1, "female_to_male_ratio_ftyr"] == 0.841
    problems = data.validate(copy)
    assert len(problems) == 1 and problems[0].startswith(f"{copy / CENSUS}.csv: Hash Count Error")
    assert "differs from the copy recorded in datapackage.json" in problems[0]


def test_missing_file_is_named(copy: Path) -> None:
    (copy / "shed_ef3_options.csv").unlink()
    with pytest.raises(data.MissingDataFileError) as info:
        data.load("shed_ef3_options", root=copy)
    assert isinstance(info.value, FileNotFoundError)
    assert str(copy / "shed_ef3_options.csv") in str(info.value)
    problems = data.validate(copy)
    assert any(p.startswith(str(copy / "shed_ef3_options.csv")) for p in problems), problems


def test_missing_or_broken_descriptor_is_named(copy: Path) -> None:
    descriptor = copy / "datapackage.json"
    descriptor.write_text("{not json", encoding="utf-8")
    with pytest.raises(data.DataFileError, match="datapackage.json: cannot read"):
        data.load(CENSUS, root=copy)
    assert data.validate(copy)[0].startswith(f"{descriptor}: cannot read")
    descriptor.unlink()
    with pytest.raises(data.MissingDataFileError, match="descriptor is missing"):
        data.names(root=copy)


def test_schema_mismatch_in_descriptor_is_reported(copy: Path) -> None:
    descriptor = copy / "datapackage.json"
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    fields = meta["resources"][0]["schema"]["fields"]
    fields[0]["type"] = "date"  # the year column is not a date
    descriptor.write_text(json.dumps(meta), encoding="utf-8")
    message = r"row 2, field 'year': cannot read '2023' as a date"
    with pytest.raises(data.DataFileError, match=message):
        data.load(CENSUS, root=copy)
    problems = data.validate(copy)
    assert any("row 2" in p and "field 'year'" in p for p in problems), problems


def test_each_load_is_its_own_copy_and_an_edit_is_seen_at_once(copy: Path) -> None:
    first = data.load("census_p60_282_a7_earnings_by_sex", copy)
    first.iloc[0, 0] = None  # a learner changing a table changes only their copy
    again = data.load("census_p60_282_a7_earnings_by_sex", copy)
    assert not again.equals(first) and again.attrs == first.attrs
    path = copy / data.describe("census_p60_282_a7_earnings_by_sex", copy)["path"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    stamp = path.stat().st_mtime_ns
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # one row fewer, same mtime
    os.utime(path, ns=(stamp, stamp))
    assert len(data.load("census_p60_282_a7_earnings_by_sex", copy)) == len(again) - 1
