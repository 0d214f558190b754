"""Fonts that print every learner's name on a certificate, or a clear error (issue 11.10).

A font without a character prints a blank box, so a certificate for "王小明" or "فاطمة"
in one Latin font is wrong without anyone noticing. :data:`CHAIN` lists Debian's fonts by
path (``scripts/sysdeps.sh`` installs fonts-noto-core, fonts-noto-cjk, fonts-symbola and
fonts-dejavu-core): Noto Sans for Latin, Greek and Cyrillic, then one Noto face per
script, CJK, Symbola for emoji and symbols, DejaVu last. :func:`faces_for` picks the
faces a text needs (a font is read only when an earlier one lacks a character, so Latin
names never load the 20 MB CJK collection) and raises :class:`FontCoverageError`, naming
what cannot be printed, when no installed font has a character. Scripts written right to
left or with joined or reordered letters (Arabic, Hebrew, the Indic scripts, Thai) print
correctly only with text shaping (fpdf2 uses uharfbuzz); without it they are refused too.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SYMBOLA = Path("/usr/share/fonts/truetype/ancient-scripts")
PACKAGES = "fonts-noto-core fonts-noto-cjk fonts-symbola fonts-dejavu-core"
#: Characters that need no glyph of their own (joiners, variation selectors, spaces).
INVISIBLE = {"\u200c", "\u200d", "\u200e", "\u200f", *map(chr, range(0xFE00, 0xFE10))}


@dataclass(frozen=True)
class Face:
    family: str
    regular: Path
    bold: Path | None = None
    index: int = 0  # the face within a font collection (.ttc)
    shaped: bool = False  # the script needs text shaping to print correctly

    @property
    def present(self) -> bool:
        return self.regular.exists()


def _noto(script: str, shaped: bool = True) -> Face:
    return Face(script, NOTO / f"NotoSans{script}-Regular.ttf",
                NOTO / f"NotoSans{script}-Bold.ttf", shaped=shaped)


CHAIN: tuple[Face, ...] = (
    Face("NotoSans", NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf"),
    _noto("Arabic"), _noto("Hebrew"), _noto("Devanagari"), _noto("Bengali"), _noto("Tamil"),
    _noto("Gurmukhi"), _noto("Gujarati"), _noto("Telugu"), _noto("Kannada"),
    _noto("Malayalam"), _noto("Thai"), _noto("Armenian", False), _noto("Georgian", False),
    _noto("Ethiopic", False),
    Face("CJK", NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc"),
    Face("Symbola", SYMBOLA / "Symbola_hint.ttf"),
    Face("DejaVu", DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"),
)


class FontCoverageError(ValueError):
    """A text cannot be printed correctly with the installed fonts."""


def shaping_available() -> bool:
    return find_spec("uharfbuzz") is not None


@functools.cache
def _codepoints(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index if path.suffix == ".ttc" else -1, lazy=True)
    return frozenset(font.getBestCmap() or {})


def matplotlib_dejavu() -> Face | None:
    """DejaVu Sans as matplotlib ships it: the body font when no system font is installed."""
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"
    face = Face("DejaVu", folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf")
    return face if face.present else None


def chain() -> list[Face]:
    faces = [f for f in CHAIN if f.present]
    if not faces:
        fallback = matplotlib_dejavu()
        faces = [fallback] if fallback else []
    return faces


def faces_for(texts: dict[str, str], shaping: bool | None = None) -> list[Face]:
    """The faces (body first) that print every text; ``texts`` maps what to text.

    Raises :class:`FontCoverageError` naming the text (e.g. "the name of learner 'a1'") and
    the characters no installed font has, or that need text shaping when it is missing.
    """
    faces = chain()
    if not faces:
        raise FontCoverageError(f"no font found for certificates; install {PACKAGES}")
    shaping = shaping_available() if shaping is None else shaping
    needed: list[Face] = [faces[0]]
    for what, text in texts.items():
        missing, unshaped = [], set()
        for ch in dict.fromkeys(text):
            if ch.isspace() or ch in INVISIBLE or unicodedata.category(ch).startswith("C"):
                continue
            face = next((f for f in faces if ord(ch) in _codepoints(f.regular, f.index)), None)
            if face is None:
                missing.append(f"{ch} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})")
                continue
            if face.shaped and not shaping:
                unshaped.add(face.family)
            if face not in needed:
                needed.append(face)
        if missing:
            raise FontCoverageError(
                f"cannot print {what}: no installed font has {', '.join(missing)}; "
                f"install {PACKAGES} (make sysdeps)")
        if unshaped:
            raise FontCoverageError(
                f"cannot print {what} correctly: {', '.join(sorted(unshaped))} script needs "
                "text shaping; install the Python package uharfbuzz")
    return needed
