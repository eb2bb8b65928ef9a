"""Split rendered Markdown into Discord messages, never cutting a quote block.

A quote block is a run of `>` lines plus the label/note lines right under it. Messages are cut
between blocks, preferably at blank lines, and never right after a heading. Each message is an
exact slice of the input with only whitespace dropped between messages, so nothing is lost or
reordered. Lengths are counted in UTF-16 code units, as Discord counts them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

DISCORD_LIMIT = 2000

Kind = Literal["quote", "heading", "text"]
Gap = Literal["blank", "line"]

_HEADING = re.compile(r"\s*(?:#{1,6}\s.*|\*\*[^*].*\*\*|__[^_].*__)\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    kind: Kind
    gap: Gap  # what separates this piece from the one before it


def message_length(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_markdown(text: str, limit: int = DISCORD_LIMIT) -> list[str]:
    """Messages of at most `limit` characters each; a quote block longer than `limit` is the
    only thing ever cut inside (it cannot be sent whole)."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    widths: Sequence[int]
    if message_length(text) == len(text):
        # No character outside the BMP: offsets are widths (the common case, and O(1)).
        widths = range(len(text) + 1)
    else:
        widths = [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]
    return _Splitter(text, widths, limit).split()


class _Splitter:
    def __init__(self, text: str, widths: Sequence[int], limit: int):
        self.text = text
        self.widths = widths
        self.limit = limit

    def width(self, start: int, end: int) -> int:
        return self.widths[end] - self.widths[start]

    def split(self) -> list[str]:
        pieces: list[_Piece] = []
        for unit in self._units():
            if self.width(unit.start, unit.end) <= self.limit:
                pieces.append(unit)
            else:
                pieces.extend(self._cut(unit))
        chunks: list[str] = []
        i = 0
        while i < len(pieces):
            j = i + 1
            while j < len(pieces) and self.width(pieces[i].start, pieces[j].end) <= self.limit:
                j += 1
            if j < len(pieces):
                j = self._best_end(pieces, i, j)
            chunks.append(self.text[pieces[i].start : pieces[j - 1].end])
            i = j
        return chunks

    def _units(self) -> list[_Piece]:
        """Group lines into quote blocks, headings and text lines."""
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", self.text)]
        units: list[_Piece] = []
        previous_end = 0
        i = 0
        while i < len(lines):
            start, end = lines[i]
            line = self.text[start:end]
            if not line.strip():
                i += 1
                continue
            gap: Gap = "blank" if self.text.count("\n", previous_end, start) > 1 else "line"
            j = i + 1
            if _is_quote(line):
                while (
                    j < len(lines)
                    and self._adjacent(lines[j - 1], lines[j])
                    and _is_quote(self._line(lines[j]))
                ):
                    j += 1
                while j < len(lines) and self._is_note(lines[j - 1], lines[j]):
                    j += 1
                kind: Kind = "quote"
            elif _HEADING.fullmatch(line):
                kind = "heading"
            else:
                kind = "text"
            end = lines[j - 1][1]
            units.append(_Piece(start, end, kind, gap))
            previous_end = end
            i = j
        return units

    def _line(self, span: tuple[int, int]) -> str:
        return self.text[span[0] : span[1]]

    def _adjacent(self, before: tuple[int, int], span: tuple[int, int]) -> bool:
        """No blank line between two lines."""
        return self.text.count("\n", before[1], span[0]) <= 1

    def _is_note(self, before: tuple[int, int], span: tuple[int, int]) -> bool:
        """A label or note line directly under a quote (no blank line between)."""
        line = self._line(span)
        return (
            self._adjacent(before, span)
            and bool(line.strip())
            and not _is_quote(line)
            and not _HEADING.fullmatch(line)
        )

    def _best_end(self, pieces: list[_Piece], i: int, j: int) -> int:
        """Where to end the message holding pieces[i:j] (all of which fit): prefer a blank line
        once the message is at least half full, and never end on a heading."""
        half = self.limit // 2
        for k in range(j, i, -1):
            if (
                pieces[k].gap == "blank"
                and pieces[k - 1].kind != "heading"
                and self.width(pieces[i].start, pieces[k - 1].end) >= half
            ):
                return k
        for k in range(j, i, -1):
            if pieces[k - 1].kind != "heading":
                return k
        return j

    def _cut(self, unit: _Piece) -> list[_Piece]:
        """Cut a unit longer than the limit at line, sentence or word breaks (else anywhere)."""
        out: list[_Piece] = []
        start = unit.start
        gap = unit.gap
        while start < unit.end:
            if self.width(start, unit.end) <= self.limit:
                out.append(_Piece(start, unit.end, "text", gap))
                break
            hard = bisect_right(self.widths, self.widths[start] + self.limit) - 1
            window = self.text[start:hard]
            cut = window.rfind("\n")
            if cut <= 0:
                ends = [m.end() for m in _SENTENCE_END.finditer(window)]
                cut = ends[-1] if ends else -1
            if cut <= 0:
                cut = max(window.rfind(" "), window.rfind("\t"))
            end = start + cut if cut > 0 else hard
            piece_end = end
            while piece_end > start and self.text[piece_end - 1].isspace():
                piece_end -= 1
            if piece_end > start:
                out.append(_Piece(start, piece_end, "text", gap))
            gap = "line"
            start = end
            while start < unit.end and self.text[start].isspace():
                start += 1
        return out


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")
