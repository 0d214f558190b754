"""The final assessment: client-case items for every objective, keys hidden, balanced and
explained, numbers from data/, no worksheet item repeated, and a test-wise guesser fails.

Cost: about a second (reads source/ and release/ and a few data tables; no kernel).
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections import Counter
from dataclasses import dataclass

import nbformat
import numpy as np
import pytest

from negotiation_course import course
from negotiation_course.course import objective_tags
from negotiation_course.grading.answer_key import Key, keys_in
from negotiation_course.paths import COURSE_ROOT

from .conftest import read_nb, release_path, source_path
from .support.course_model import CONTENT_OBJECTIVES
from .support.key_tables import UNANSWERED, bare_match, earns, hostile_text

NB = read_nb(source_path("assessment"))
TEXT = "\n".join(c.source for c in NB.cells if c.cell_type == "markdown")
PASS_MARK = course.load().pass_mark
LETTERS = ("a", "b", "c", "d")
HEADING_RE = re.compile(r"^### Question (\d+) \((O\d+)\): (.+)$", re.M)
OPTION_RE = re.compile(r'^- `"([a-z])"`: (.*?)(?=^- `"|\Z)', re.M | re.S)


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


TEST_CELLS = [c for c in NB.cells if _meta(c).get("grade") and not _meta(c).get("solution")]
ANSWER_CELLS = [c for c in NB.cells if _meta(c).get("solution") and not _meta(c).get("grade")]


@dataclass(frozen=True)
class Item:
    number: int
    objective: str
    stem: str
    options: dict[str, str]  # letter -> the option's text as the learner reads it
    key: Key
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        """Everything a learner reads about the item: the case, the options, the rationale."""
        return "\n".join([self.stem, *self.options.values(), self.key.why])


def _plain(text: str) -> str:
    return " ".join(text.replace("\\$", "$").split())


def _items(nb) -> list[Item]:
    """Each question: its Markdown cell, then its answer cell and its test cell."""
    out, cells = [], nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown" or not HEADING_RE.search(cell.source):
            continue
        number, objective, _ = HEADING_RE.search(cell.source).groups()
        body = HEADING_RE.sub("", cell.source)
        first = OPTION_RE.search(body)
        stem = body[:first.start()] if first else body
        options = {m.group(1): _plain(m.group(2)) for m in OPTION_RE.finditer(body)}
        test = cells[i + 2]
        assert _meta(test).get("grade") and not _meta(test).get("solution"), number
        (key,) = keys_in(test.source)
        out.append(Item(int(number), objective, _plain(stem), options, key,
                        tuple(test.metadata.get("tags", []))))
    return out


ITEMS = _items(NB)


# --- the strategies a test-wise learner uses -------------------------------------------

#: Words that qualify or hedge a statement: the test-wise rule "pick the most careful option".
HEDGES = re.compile(
    r"\b(usually|often|may|might|can|could|some|most|mostly|about|likely|probably|generally|"
    r"typically|tends?|depends|roughly|rarely|sometimes|perhaps|if|unless|once|though|"
    r"check(?:ed)?|until|much|around|more than|less than)\b", re.I)


def longest(item: Item) -> str:
    return max(item.options, key=lambda k: (len(item.options[k]), -LETTERS.index(k)))


def most_hedged(item: Item) -> str:
    """The option with the most qualifiers; a tie goes to the longer, then the earlier one."""
    return max(item.options, key=lambda k: (len(HEDGES.findall(item.options[k])),
                                            len(item.options[k]), -LETTERS.index(k)))


def score(items: list[Item], choose) -> float:
    """Share of the points a learner scores who answers each item with ``choose(item)``."""
    return sum(item.key.matches(choose(item)) for item in items) / len(items)


STRATEGIES = {"always the longest option": longest,
              "always the most qualified option": most_hedged,
              **{f'always "{letter}"': (lambda item, _l=letter: _l) for letter in LETTERS}}


# --- structure ---------------------------------------------------------------------------

def test_twenty_to_thirty_autograded_questions_and_no_manual_grading():
    assert 20 <= len(TEST_CELLS) <= 30
    assert all(_meta(c)["points"] == 1 for c in TEST_CELLS)
    assert not [c for c in NB.cells if _meta(c).get("grade") and _meta(c).get("solution")]
    assert len(HEADING_RE.findall(TEXT)) == len(TEST_CELLS) == len(ITEMS) == len(ANSWER_CELLS)
    assert [i.number for i in ITEMS] == list(range(1, len(ITEMS) + 1))
    assert f"**What it covers.** {len(ITEMS)} questions" in TEXT


def test_every_content_objective_is_assessed_by_at_least_two_items():
    per_objective = Counter(t for c in TEST_CELLS for t in objective_tags(c.metadata.get("tags",
                                                                                       [])))
    thin = {o: per_objective[o] for o in CONTENT_OBJECTIVES if per_objective[o] < 2}
    assert not thin, f"objectives with fewer than two assessment items: {thin}"
    assert set(per_objective) <= set(CONTENT_OBJECTIVES)
    for item in ITEMS:  # the heading names the objective the cells are tagged with
        assert objective_tags(list(item.tags)) == [item.objective], item.number


def test_the_assessment_lists_every_content_objective_in_the_course_models_words():
    listed = dict((k, t) for k, t in re.findall(r"^- \*\*(O\d+)\*\*: (.+)$", TEXT, re.M))
    model = course.load()
    assert list(listed) == CONTENT_OBJECTIVES
    assert all(listed[k] == model.objectives[k].text for k in listed)


def _offered(source: str) -> list[str]:
    call = ast.parse(source.split("### BEGIN HIDDEN TESTS")[0]).body[0].value
    (options,) = [k.value for k in call.keywords if k.arg == "options"]
    return ast.literal_eval(options)


def test_every_item_offers_four_lettered_options_and_its_key_is_one_of_them():
    for item, cell in zip(ITEMS, TEST_CELLS, strict=True):
        assert tuple(item.options) == LETTERS, item.number
        assert _offered(cell.source) == list(LETTERS), item.number
        assert item.key.kind == "text" and len(item.key.expected) == 1, item.number
        assert item.key.expected[0] in item.options, item.number
        assert item.key.id == f"q{item.number:02d}"


def test_the_model_answers_are_the_keys():
    for item, cell in zip(ITEMS, ANSWER_CELLS, strict=True):
        solution = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        (assign,) = ast.parse(solution).body
        assert item.key.matches(assign.value.value), item.number


# --- wrong-answer and alternative-right tables, item by item ----------------------------
# Each value is evaluated as grading does (tests/support/key_tables.py): recorded by the
# hidden test's checks.record, compared with the key outside the kernel; hostile values
# must also fail the bare comparison (a forged record reaches it directly).

def _right(item: Item) -> str:
    return item.key.expected[0]


def alternative_right(item: Item) -> list:
    """The key's letter written as a learner may write it: any case, spaces around it, or a
    numpy string (e.g. read from a table), which checks.record sends as plain text."""
    right = _right(item)
    return [right, right.upper(), f" {right} ", f"{right}\n", f"\t{right.upper()}  ",
            np.str_(right)]


def wrong(item: Item) -> list:
    """Every distractor (each plausible by design), in either case; the unanswered value
    and an empty answer; the right option's words instead of its letter (the visible check
    asks for a letter)."""
    distractors = [letter for letter in LETTERS if letter != _right(item)]
    return [*distractors, *(d.upper() for d in distractors), UNANSWERED, "", " ",
            item.options[_right(item)], f"{_right(item)}."]


@pytest.mark.parametrize("item", ITEMS, ids=[f"q{i.number:02d}" for i in ITEMS])
def test_each_item_accepts_its_letter_in_any_case_and_spacing(item):
    for value in alternative_right(item):
        assert earns(item.key, value), (item.number, value)


@pytest.mark.parametrize("item", ITEMS, ids=[f"q{i.number:02d}" for i in ITEMS])
def test_each_item_rejects_every_distractor_and_the_unanswered_value(item):
    for value in wrong(item):
        assert not earns(item.key, value), (item.number, value)
        assert not bare_match(item.key, value), (item.number, value)


@pytest.mark.parametrize("item", ITEMS, ids=[f"q{i.number:02d}" for i in ITEMS])
def test_each_item_rejects_hostile_values(item):
    other = next(letter for letter in LETTERS if letter != _right(item))
    for label, value in hostile_text(_right(item), other):
        assert not earns(item.key, value), (item.number, label)
        assert not bare_match(item.key, value), (item.number, label)


def test_the_tables_cover_every_item_of_the_assessment():
    keys = [k.id for c in TEST_CELLS for k in keys_in(c.source)]
    assert sorted(keys) == sorted(i.key.id for i in ITEMS) and len(ITEMS) == len(TEST_CELLS)


# --- balance: the key does not give itself away ---------------------------------------

def test_no_letter_is_the_key_for_more_than_a_third_of_the_items():
    keys = Counter(item.key.expected[0] for item in ITEMS)
    assert set(keys) == set(LETTERS), keys
    assert max(keys.values()) <= len(ITEMS) / 3, keys


def test_the_key_is_not_usually_the_longest_option():
    key_longest = [i.number for i in ITEMS if longest(i) == i.key.expected[0]]
    assert len(key_longest) <= len(ITEMS) / 4, key_longest
    # nor by a margin: the key is never much longer than every distractor
    for item in ITEMS:
        key_len = len(item.options[item.key.expected[0]])
        others = [len(t) for k, t in item.options.items() if k != item.key.expected[0]]
        assert key_len <= 1.15 * max(others), item.number


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_a_test_wise_strategy_scores_below_the_pass_mark(strategy):
    got = score(ITEMS, STRATEGIES[strategy])
    assert got < PASS_MARK, f"{strategy} scores {got:.0%}, pass mark {PASS_MARK:.0%}"
    assert got <= 0.4, f"{strategy} scores {got:.0%}: well above chance"


def test_the_model_answers_pass():
    model = {item.number: ast.literal_eval(c.source.split("### BEGIN SOLUTION")[1]
                                           .split("=", 1)[1].split("\n")[0].strip())
             for item, c in zip(ITEMS, ANSWER_CELLS, strict=True)}
    assert score(ITEMS, lambda item: model[item.number]) == 1.0 >= PASS_MARK


def test_the_strategy_check_can_fail():
    """On a flawed assessment (key always the longest, always "b") the same checks fail."""
    flawed = [Item(n, "O1", "case", {k: ("a long, careful and qualified answer that usually "
                                         "depends on the case" if k == "b" else "short")
                                     for k in LETTERS}, Key(f"q{n:02d}", "text", ("b",)), ())
              for n in range(1, 9)]
    assert score(flawed, longest) == 1.0 >= PASS_MARK
    assert score(flawed, most_hedged) == 1.0
    assert score(flawed, STRATEGIES['always "b"']) == 1.0


# --- rationales -----------------------------------------------------------------------

def test_every_key_explains_why_the_right_answer_is_right():
    for item in ITEMS:
        why = item.key.why
        assert len(why.split()) >= 20, (item.number, why)
        # the rationale argues from content, never by letter (the letters are shuffled)
        assert not re.search(r"\b(option|answer|choice) [a-d]\b|\"[a-d]\"|\([a-d]\)", why), \
            item.number
        assert "\\$" not in why  # plain text in feedback: no Markdown escapes


def test_release_holds_no_answer_keys_rationales_or_solutions():
    text = release_path("assessment").read_text(encoding="utf-8")
    assert "answer-key" not in text and "BEGIN SOLUTION" not in text
    assert text.count("= ...  # replace ... with") == len(TEST_CELLS)
    for item in ITEMS:
        assert item.key.why[:60] not in text, item.number
        assert f'{item.key.id} = "' not in text


# --- no worksheet item repeated -------------------------------------------------------

SHINGLE = 8  # an item shares no run of this many words with any worksheet item


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%']+", _plain(text).casefold())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _worksheet_texts() -> dict[str, str]:
    """The worksheet items of every lesson in source/: answer activities and item cells."""
    texts = {}
    for name in course.load().names("lesson"):
        path = source_path(name)
        if not path.exists():
            continue  # a lesson not built yet (listed in the report, not skipped silently)
        nb = nbformat.read(path, as_version=4)
        cells = [c.source for c in nb.cells if c.cell_type == "markdown"
                 and ("Worksheet item" in c.source or "minutes): Answer." in c.source
                      or "minute): Answer." in c.source)]
        texts[name] = "\n".join(cells)
    return texts


def test_no_item_repeats_a_worksheet_item():
    worksheets = {name: _shingles(text) for name, text in _worksheet_texts().items()}
    assert len(worksheets) >= 3
    for item in ITEMS:
        mine = _shingles("\n".join([item.stem, *item.options.values()]))
        for name, theirs in worksheets.items():
            shared = mine & theirs
            assert not shared, (item.number, name, [" ".join(s) for s in sorted(shared)][:3])


def test_the_repetition_check_can_fail():
    worksheet = _worksheet_texts()["lesson-02-strategic-career"]
    copied = " ".join(_words(worksheet)[200:230])
    assert _shingles(copied) & _shingles(worksheet)


# --- every number from data/ or a hypothetical client figure -------------------------

NUMBER_RE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
LESSON_RE = re.compile(r"\bLessons? \d+(?: (?:to|and) \d+)?")


def _n(text: str) -> float:
    return float(text.replace(",", ""))


def _data_numbers() -> dict[str, float]:
    """Each published figure the items use, read from data/ (a label for the failure text)."""
    from negotiation_course import data

    oews = data.load("bls_oews_wages")
    hr = oews[(oews["release"] == "May 2025") & (oews["area_type"] == "national")
              & (oews["occupation_title"] == "Human Resources Specialists")].iloc[0]
    npwf = data.load("npwf_cents_on_dollar")
    latina = npwf[(npwf["group"] == "latina") & (npwf["publication_date"] == "2021-03")]
    ratio = data.load("pew_2018_ratio_90_10").set_index(["group", "year"])["ratio_90_10"]
    shed = data.load("shed_400_headline")
    unable = shed[(shed["survey_year"] == 2018) & (shed["wave"] == "main")
                  & (shed["measure"] == "unable_to_pay")]["value_pct"]
    other = data.load("shed_2018_other_figures")
    forgo = other[other["measure"] == "expect_to_forgo_some_bills_this_month"].iloc[0]
    shed_2024 = data.load("shed_2024_and_bills_followup")
    shed_2024 = shed_2024[shed_2024["survey_year"] == 2024].set_index("measure")["value_pct"]
    evidence = data.load("negotiation_evidence")
    marks = evidence[evidence["study"] == "marks_harold_2011"]
    lifetime = marks[marks["figure"] == 634198].iloc[0]
    recomputed = evidence[evidence["study"] == "marks_harold_2011_recomputed"]["figure"]
    artz = evidence[(evidence["study"] == "artz_goodall_oswald_2018")
                    & (evidence["claim"] == "got a raise after asking")].set_index("group")

    assert forgo["fed_table_or_figure"] == "table 10"
    assert {"$5,000", "5% annual raises", "age 65", "40-year"} <= {
        p for p in ("$5,000", "5% annual raises", "age 65", "40-year") if p in lifetime["claim"]}
    return {
        "OEWS May 2025 HR specialists, 25th percentile": hr["a_pct25"],
        "OEWS May 2025 HR specialists, median": hr["a_median"],
        "OEWS percentiles named (10th, 25th)": 10, "OEWS 25th percentile": 25,
        "OEWS release year": 2025,
        "NPWF March 2021, Latinas' cents": latina["cents_per_dollar"].iloc[0],
        "NPWF edition year": 2021,
        "Pew 90/10, Asian Americans 2016": ratio[("asian", 2016)],
        "Pew 90/10, all 2016": ratio[("all", 2016)], "Pew data year": 2016,
        "the 90/10 ratio divides the 90th by the 10th percentile": 90,
        "SHED 2018, could not pay by any means": unable.iloc[0], "SHED year": 2018,
        "the Fed's $400 question (objective O4's own words)":
            400 if "$400 question" in course.load().objectives["O4"].text else -1,
        "SHED 2018, expected to forgo some bills": forgo["value_pct"], "Fed table": 10,
        "SHED 2024, cash or its equivalent": shed_2024["cash_or_equivalent"],
        "SHED 2024, not entirely cash (printed by the Fed)":
            shed_2024["not_completely_cash_or_equivalent"],
        "SHED 2024, could not pay by any means": shed_2024["unable_to_pay"], "SHED 2024": 2024,
        "Marks & Harold, career loss": lifetime["figure"], "Marks & Harold year": 2011,
        "Marks & Harold, start difference": 5000, "Marks & Harold, raise %": 5,
        "Marks & Harold, retirement age": 65, "Marks & Harold, years": 40,
        "recomputed career loss (40 years)": min(recomputed),
        "recomputed career loss (41 years)": max(recomputed),
        "Artz et al., women who asked and got a raise": artz.loc["women", "figure"],
        "Artz et al., men who asked and got a raise": artz.loc["men", "figure"],
        "Artz et al. year": 2018,
        "Women Don't Ask (year, a distractor's claim)": 2003,
    }


#: Figures that belong to a case, by question; the case says they are hypothetical.
HYPOTHETICAL = {
    9: {2000},
    15: {62000},
    16: {68000, 74000, 80000},
    17: {70000, 2800, 7000, 74000, 4000, 5000, 79800, 78000, 1800, 3200, 83000, 1000, 77000,
         2},  # "year two"
    18: {4000},
}


def test_every_number_in_an_item_comes_from_data_or_is_a_hypothetical_client_figure():
    published = _data_numbers()
    allowed = {round(float(v), 6) for v in published.values()}
    for item in ITEMS:
        own = HYPOTHETICAL.get(item.number, set())
        if own:
            assert "hypothetical" in " ".join([item.stem, *item.options.values()]), item.number
        text = LESSON_RE.sub("", item.text)  # "Lesson 1" names a lesson, not a figure
        found = {_n(m) for m in NUMBER_RE.findall(text)}
        stray = {x for x in found if round(x, 6) not in allowed and x not in own}
        assert not stray, (item.number, sorted(stray))


def test_the_number_check_can_fail():
    published = {round(float(v), 6) for v in _data_numbers().values()}
    assert 75940 in published and 58610 in published
    assert 76000 not in published and 62000 not in published  # a rounded or invented figure


# --- pass mark and what passing means -------------------------------------------------

def test_the_learner_is_told_what_passing_counts_for():
    assert "passing counts for your certificate" in TEXT
    assert "Hidden tests check the exact answers after you submit" in TEXT


def test_pass_mark_comes_from_course_toml():
    with (COURSE_ROOT / "course.toml").open("rb") as fh:
        configured = tomllib.load(fh)["assessment"]["pass_mark"]
    assert course.load().pass_mark == configured and 0 < configured <= 1


def test_learners_bundle_can_show_the_pass_mark(tmp_path):
    """Learners run the bundle's own copy of the package, which must find course.toml."""
    import subprocess
    import sys

    from negotiation_course.instructor import bundle

    dest = bundle.build(tmp_path / "student")
    proc = subprocess.run([sys.executable, "-c",
                           "import negotiation_course.course as c; print(c.course_file().parent, "
                           "c.load().pass_mark)"], cwd=dest, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    root, mark = proc.stdout.split()
    assert root == str(dest) and float(mark) == course.load().pass_mark
