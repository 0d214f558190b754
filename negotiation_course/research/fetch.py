"""Fetch official microdata for researchers, check it by content, split SHED's $400 question.

The course's lessons use only the curated published figures in ``data/``. Researchers who want
to recompute a figure from microdata use this module: :data:`REGISTRY` lists official files
(name, address, member to extract, encoding, expected shape, validator), :func:`fetch`
downloads one with pooch (its HTTP downloader; its ``Unzip`` processor extracts the member)
into the cache folder (``$NEGOTIATION_COURSE_CACHE``, default ``~/.cache/negotiation-course``)
and :func:`read` returns it as a DataFrame.

No official hash is published for these files, so a file is **validated by content**, not
by a checksum: the archive must be a complete zip whose members pass their CRC checks, the
member must decode in its encoding, and the table must have the expected number of rows, the
expected columns and answer codes this module understands. The download goes to a temporary
file in the cache folder and is checked there; pooch renames it into place only when it is
complete and valid (a body shorter than its Content-Length is refused by urllib3 while it
streams). A truncated or corrupt file raises a clear error and is never used or extracted; a
cached file is checked again before use, and removed if it fails.

The SHED 2018 file (Board of Governors of the Federal Reserve System, Survey of Household
Economics and Decisionmaking, public-use data) answers "how would you pay a $400 emergency
expense?" (question EF3, select all that apply). :func:`shed_400_split` computes the Fed's split
of it; :func:`shed_400_split_by` does so within groups. SYNTHETIC test files in the same layout
come from :mod:`negotiation_course.research.synthetic_shed`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import requests

CACHE_ENV = "NEGOTIATION_COURSE_CACHE"
DEFAULT_TIMEOUT = 60


class FetchError(RuntimeError):
    """Base class: an official file could not be obtained or did not pass its checks."""


class DownloadError(FetchError, ValueError):
    """The download failed or was cut off (``ValueError`` so pooch discards the temp file)."""


class CorruptFileError(FetchError, ValueError):
    """The file is not a complete, readable archive (or its member cannot be decoded)."""


class ContentError(FetchError, ValueError):
    """The file reads, but its content is not what the registry expects (rows, columns, codes)."""


def cache_dir() -> Path:
    """Where downloads live: ``$NEGOTIATION_COURSE_CACHE`` or ``~/.cache/negotiation-course``."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "negotiation-course"


@dataclass(frozen=True)
class OfficialFile:
    """One official file: where it is, what to extract, and how to check it by content."""

    name: str
    title: str
    publisher: str
    url: str
    landing_page: str
    filename: str
    member: str | None
    encoding: str
    expected_rows: int | None
    required_columns: tuple[str, ...]
    validator: Callable[[pd.DataFrame, OfficialFile, str], None] | None = None
    converters: dict[str, str] = field(default_factory=dict)
    note: str = ""


# ---------------------------------------------------------------------------------------------
# SHED answer codes: text labels or numbers


SHED_OPTIONS = tuple(f"EF3_{letter}" for letter in "abcdefghi")
SHED_REFUSED = "EF3_Refused"
SHED_WEIGHT = "weight2b"
SHED_COLUMNS = (*SHED_OPTIONS, SHED_REFUSED, SHED_WEIGHT, "ppgender", "ppethm", "ppeducat",
                "ppagecat", "I40")
_YES = {"yes", "1", "1.0", "selected", "checked", "true"}
_NO = {"no", "0", "0.0", "not selected", "unchecked", "false"}
_REFUSED = {"refused", "skipped", "not asked", "don't know", "dont know", ""}
_NEGATIVE = re.compile(r"-\d+(\.0+)?")
_SYNTHETIC_COLUMN = "SYNTHETIC"


def answer_codes(values: pd.Series) -> pd.Series:
    """Map answers coded as labels ("Yes"/"No"/"Refused") or numbers (1/0/negative) to
    "yes" / "no" / "refused"; anything else becomes missing (and fails validation).

    Blank cells and negative codes (refused, skipped, not asked) count as "refused".
    """
    text = values.astype("string").fillna("").str.strip().str.lower()
    codes = pd.Series(pd.NA, index=values.index, dtype="string")
    codes[text.isin(_YES)] = "yes"
    codes[text.isin(_NO)] = "no"
    codes[text.isin(_REFUSED) | text.str.fullmatch(_NEGATIVE.pattern)] = "refused"
    return codes


def validate_shed(frame: pd.DataFrame, spec: OfficialFile, where: str) -> None:
    """Content checks of a SHED public-use table: EF3 codes understood, weights usable."""
    for column in (*SHED_OPTIONS, SHED_REFUSED):
        codes = answer_codes(frame[column])
        unknown = codes.isna()
        if unknown.any():
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            raise ContentError(
                f"{where}: column {column}, data row {i + 1}: answer {frame[column].iloc[i]!r} "
                "is neither a Yes/No/Refused label nor a 1/0/negative code"
            )
    weights = pd.to_numeric(frame[SHED_WEIGHT], errors="coerce")
    bad = weights.isna() | (weights < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ContentError(
            f"{where}: column {SHED_WEIGHT}, data row {i + 1}: weight "
            f"{frame[SHED_WEIGHT].iloc[i]!r} is not a non-negative number"
        )
    selected = sum(int((answer_codes(frame[c]) == "yes").sum()) for c in SHED_OPTIONS)
    if selected == 0:
        raise ContentError(f"{where}: no respondent selected any EF3 option; wrong file?")


REGISTRY: dict[str, OfficialFile] = {
    "shed_2018": OfficialFile(
        name="shed_2018",
        title="Survey of Household Economics and Decisionmaking (SHED) 2018, public-use data (CSV)",
        publisher="Board of Governors of the Federal Reserve System",
        url=(
            "https://www.federalreserve.gov/consumerscommunities/files/"
            "SHED_public_use_data_2018_(CSV).zip"
        ),
        landing_page="https://www.federalreserve.gov/consumerscommunities/shed_data.htm",
        filename="SHED_public_use_data_2018_(CSV).zip",
        member="public2018.csv",
        encoding="cp1252",
        expected_rows=11_316,
        required_columns=SHED_COLUMNS,
        validator=validate_shed,
        converters={SHED_WEIGHT: "float64"},
        note="No official hash is published: the file is validated by content.",
    ),
}


def _spec(name: str) -> OfficialFile:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"No official file named {name!r}; known: {', '.join(REGISTRY)}") from None


# ---------------------------------------------------------------------------------------------
# Reading and checking a downloaded file


def parse_archive(path: Path, spec: OfficialFile) -> pd.DataFrame:
    """Open, decode, parse and validate one downloaded file; raise a FetchError if it fails."""
    where = f"{path.name}" + (f" ({spec.member})" if spec.member else "")
    raw = _member_bytes(path, spec)
    try:
        text = raw.decode(spec.encoding)
    except UnicodeDecodeError as exc:
        raise CorruptFileError(f"{where}: not valid {spec.encoding} text: {exc}") from exc
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise CorruptFileError(f"{where}: not a readable CSV table: {exc}") from exc
    missing = [c for c in spec.required_columns if c not in frame.columns]
    if missing:
        raise ContentError(f"{where}: missing column(s): {', '.join(missing)}")
    if spec.expected_rows is not None and len(frame) != spec.expected_rows:
        raise ContentError(
            f"{where}: expected {spec.expected_rows:,} rows, found {len(frame):,}"
        )
    if spec.validator is not None:
        spec.validator(frame, spec, where)
    for column, dtype in spec.converters.items():
        frame[column] = pd.to_numeric(frame[column]).astype(dtype)
    frame.attrs["source"] = f"{spec.publisher}, {spec.title} ({spec.url})"
    frame.attrs["synthetic"] = _SYNTHETIC_COLUMN in frame.columns
    return frame


def _member_bytes(path: Path, spec: OfficialFile) -> bytes:
    if spec.member is None:
        return path.read_bytes()
    with _open_zip(path) as archive:
        return archive.read(_member_info(archive, path, spec))


def _member_info(archive: zipfile.ZipFile, path: Path, spec: OfficialFile) -> zipfile.ZipInfo:
    """The archive's entry for ``spec.member`` (any folder, any letter case); CRCs checked."""
    broken = archive.testzip()
    if broken is not None:
        raise CorruptFileError(f"{path.name}: member {broken} fails its CRC check")
    wanted = (spec.member or "").lower()
    matches = [i for i in archive.infolist() if i.filename.rsplit("/", 1)[-1].lower() == wanted]
    if not matches:
        raise CorruptFileError(f"{path.name}: no member {spec.member} in the archive "
                               f"(it holds: {', '.join(archive.namelist())})")
    return matches[0]


@contextlib.contextmanager
def _open_zip(path: Path):
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise CorruptFileError(
            f"{path.name}: not a complete zip archive ({exc}); the download is corrupt or cut off"
        ) from exc


class _Checked:
    """pooch's downloader and processor for one official file, with the content check.

    :meth:`download` runs pooch's ``HTTPDownloader`` into the temporary file pooch gives it and
    validates that file; pooch renames it into place only if this returns, and deletes it on
    an error. :meth:`process` runs after: it checks a file that came from the cache (not
    downloaded this time) before anything uses it, then extracts the member with pooch's
    ``Unzip`` into ``<cache>/<name>/``.
    """

    def __init__(self, spec: OfficialFile, timeout: float) -> None:
        import pooch

        self.spec = spec
        self.http = pooch.HTTPDownloader(timeout=timeout, progressbar=False)
        self.frame: pd.DataFrame | None = None

    def download(self, url: str, output_file: str, pooch: Any) -> None:
        try:
            self.http(url, output_file, pooch)
        except requests.RequestException as exc:
            raise DownloadError(f"download of {url} failed or was cut off "
                                f"after {os.path.getsize(output_file):,} bytes: {exc}") from exc
        self.frame = parse_archive(Path(output_file), self.spec)

    def process(self, fname: str, action: str, pooch: Any) -> str:
        path = Path(fname)
        if self.frame is None:  # from the cache: check it again before use
            try:
                self.frame = parse_archive(path, self.spec)
            except FetchError as exc:
                path.unlink(missing_ok=True)
                raise type(exc)(f"{exc} (the cached copy {path} was removed)") from exc
        if self.spec.member is None:
            return fname
        with _open_zip(path) as archive:
            info = _member_info(archive, path, self.spec)
        extracted = self._unzip(info.filename, fname, action, pooch)
        if os.path.getsize(extracted) != info.file_size:  # an extraction cut short earlier
            os.remove(extracted)
            extracted = self._unzip(info.filename, fname, action, pooch)
        return extracted

    def _unzip(self, member: str, fname: str, action: str, pooch_obj: Any) -> str:
        import pooch

        unzip = pooch.Unzip(members=[member], extract_dir=self.spec.name)
        return unzip(fname, action, pooch_obj)[0]


# ---------------------------------------------------------------------------------------------
# Public entry points


def fetch(name: str = "shed_2018", *, cache: Path | None = None, force: bool = False,
          timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Download (once) and validate an official file; return the path of the extracted member.

    The archive is kept in the cache folder (``cache`` or :func:`cache_dir`); the member is
    extracted beside it as ``<name>/<member>``. ``force=True`` downloads again. Raises
    :class:`DownloadError`, :class:`CorruptFileError` or :class:`ContentError`; a cached file that
    fails the content check is deleted before the error is raised.
    """
    path, _ = _fetch(name, cache=cache, force=force, timeout=timeout)
    return path


def read(name: str = "shed_2018", *, cache: Path | None = None, force: bool = False,
         timeout: float = DEFAULT_TIMEOUT) -> pd.DataFrame:
    """The validated official table as a DataFrame (cells as text, weights as floats)."""
    _, frame = _fetch(name, cache=cache, force=force, timeout=timeout)
    return frame


def _fetch(name: str, *, cache: Path | None, force: bool,
           timeout: float) -> tuple[Path, pd.DataFrame]:
    import pooch

    spec = _spec(name)
    folder = Path(cache) if cache is not None else cache_dir()
    if force:
        (folder / spec.filename).unlink(missing_ok=True)
    checked = _Checked(spec, timeout)
    path = pooch.retrieve(spec.url, known_hash=None, fname=spec.filename, path=folder,
                          downloader=checked.download, processor=checked.process,
                          progressbar=False)
    assert checked.frame is not None  # process() always validates
    return Path(path), checked.frame


# ---------------------------------------------------------------------------------------------
# The Fed's split of the $400 question

CATEGORIES = ("cash_or_equivalent", "borrow_or_sell", "could_not_pay")
EXCLUDED = ("refused", "nothing_selected")
TREATMENT = {
    "cash_or_equivalent": "EF3_a (card paid in full) and/or EF3_c (checking/savings/cash) "
                          "selected and nothing else",
    "borrow_or_sell": "the remainder of the base: borrowing or selling options (EF3_b, d, e, f, "
                      "g), cash together with another option, or only 'Other' (EF3_i)",
    "could_not_pay": "EF3_h (could not pay right now) selected, alone or with other options",
    "refused": "excluded from the base: refused the whole question (EF3_Refused) or every "
               "option coded refused/skipped/blank, with no option selected",
    "nothing_selected": "excluded from the base: answered, but no option selected",
}


def classify_400(frame: pd.DataFrame) -> pd.Series:
    """Each respondent's category: the three of :data:`CATEGORIES` or one of :data:`EXCLUDED`.

    A respondent who selected any option is in the base (even if EF3_Refused is also marked);
    "could not pay" takes precedence over the other two.
    """
    selected = pd.DataFrame({c: answer_codes(frame[c]) == "yes" for c in SHED_OPTIONS})
    refused_all = pd.concat([answer_codes(frame[c]) == "refused" for c in SHED_OPTIONS],
                            axis=1).all(axis=1)
    refused = refused_all | (answer_codes(frame[SHED_REFUSED]) == "yes")
    cash_options = selected["EF3_a"] | selected["EF3_c"]
    others = selected.drop(columns=["EF3_a", "EF3_c"]).any(axis=1)
    answered = selected.any(axis=1)
    category = np.select(
        [~answered & refused, ~answered, selected["EF3_h"], cash_options & ~others],
        ["refused", "nothing_selected", "could_not_pay", "cash_or_equivalent"],
        default="borrow_or_sell",
    )
    order = [*CATEGORIES, *EXCLUDED]
    return pd.Series(pd.Categorical(category, categories=order), index=frame.index,
                     name="ef3_category")


def _split_table(category: pd.Series, weights: pd.Series, other_only: int,
                 synthetic: bool) -> pd.DataFrame:
    counts = category.value_counts().reindex(list(category.cat.categories), fill_value=0)
    weight_sums = weights.groupby(category, observed=False).sum()
    in_base = counts.index.isin(CATEGORIES)
    base_n = int(counts[in_base].sum())
    base_w = float(weight_sums[list(CATEGORIES)].sum())
    prefix = "SYNTHETIC data, not Fed figures: " if synthetic else ""
    rows = []
    for cat in counts.index:
        note = TREATMENT[cat]
        if cat == "borrow_or_sell":
            note += f" ({other_only:,} chose only 'Other')"
        rows.append({
            "category": cat,
            "in_base": cat in CATEGORIES,
            "unweighted_n": int(counts[cat]),
            "unweighted_pct": (100 * counts[cat] / base_n
                               if cat in CATEGORIES and base_n else np.nan),
            "weighted_pct": (100 * weight_sums[cat] / base_w
                             if cat in CATEGORIES and base_w else np.nan),
            "treatment": prefix + note,
        })
    table = pd.DataFrame(rows)
    table["unweighted_n"] = table["unweighted_n"].astype("Int64")
    table["in_base"] = table["in_base"].astype("boolean")
    table.attrs.update({"base_n": base_n, "excluded_n": int(counts[~in_base].sum()),
                        "synthetic": synthetic, "weight": SHED_WEIGHT})
    return table


def shed_400_split(frame: pd.DataFrame) -> pd.DataFrame:
    """The Fed's split of the $400 question, weighted by ``weight2b``, with unweighted counts.

    Categories (shares of the base, in percent): ``cash_or_equivalent`` = EF3_a and/or EF3_c
    selected and nothing else; ``could_not_pay`` = EF3_h selected; ``borrow_or_sell`` = the
    remainder of the base (it includes respondents who chose only "Other", counted in the
    table's ``treatment``). Refusals: respondents who refused the whole question (EF3_Refused,
    or every option coded refused/skipped/blank) and respondents who selected nothing are
    **excluded from the base**; their counts are the ``refused`` and ``nothing_selected`` rows
    (``in_base`` false, shares empty). Answers may be text labels or numeric codes.
    The ``treatment`` column states each rule; it starts "SYNTHETIC data" when the input is
    the synthetic stand-in.
    """
    category = classify_400(frame)
    weights = pd.to_numeric(frame[SHED_WEIGHT]).astype("float64")
    return _split_table(category, weights, _other_only(frame), _is_synthetic(frame))


def shed_400_split_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """:func:`shed_400_split` within each value of ``column`` (e.g. ``ppethm``, ``ppeducat``).

    Returns one block of rows per group, the group in the first column (missing values kept
    as their own group). Shares are of each group's own base.
    """
    if column not in frame.columns:
        raise KeyError(f"no column {column!r} to split by")
    category = classify_400(frame)
    weights = pd.to_numeric(frame[SHED_WEIGHT]).astype("float64")
    other = _other_only_mask(frame)
    synthetic = _is_synthetic(frame)
    blocks = []
    for value, index in frame.groupby(column, dropna=False, sort=True).groups.items():
        table = _split_table(category.loc[index], weights.loc[index],
                             int(other.loc[index].sum()), synthetic)
        table.insert(0, column, value)
        blocks.append(table)
    result = pd.concat(blocks, ignore_index=True)
    result.attrs.update({"synthetic": synthetic, "by": column})
    return result


def _other_only_mask(frame: pd.DataFrame) -> pd.Series:
    selected = pd.DataFrame({c: answer_codes(frame[c]) == "yes" for c in SHED_OPTIONS})
    return selected["EF3_i"] & ~selected.drop(columns=["EF3_i"]).any(axis=1)


def _other_only(frame: pd.DataFrame) -> int:
    return int(_other_only_mask(frame).sum())


def _is_synthetic(frame: pd.DataFrame) -> bool:
    return _SYNTHETIC_COLUMN in frame.columns or bool(frame.attrs.get("synthetic"))
