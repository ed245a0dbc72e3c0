"""The workbench's colours: highlight and badge pairs (text on background) for a light and a dark theme.

Every pair is chosen for a WCAG contrast ratio of at least 4.5:1 (text on its highlight), in
both themes; :func:`contrast_ratio` computes it (the unit tests check each pair, the browser
test measures the rendered marks). Text is always drawn in the pair's own colour, so a mark
reads the same whatever the surrounding text colour is.
"""

from __future__ import annotations

import re

__all__ = ["MIN_CONTRAST", "PALETTES", "Pair", "colours", "contrast_ratio", "relative_luminance"]

MIN_CONTRAST = 4.5
"""WCAG 2 level AA for normal text."""

Pair = tuple[str, str]
"""``(text colour, background colour)`` as ``#rrggbb``."""

PALETTES: dict[str, dict[str, Pair]] = {
    "light": {
        "support": ("#0b3d1e", "#a6e3b8"),      # words the passage shares with the statement
        "conflict": ("#4a1f00", "#ffbf80"),     # words they disagree on (a detector's span)
        "passage": ("#2b2100", "#ffe27a"),      # the passage in its document
        "supports": ("#ffffff", "#1e6b34"),     # stance and verdict badges
        "contradicts": ("#ffffff", "#a8231b"),
        "mixed": ("#3d2200", "#ffc46b"),
        "none": ("#ffffff", "#5c6370"),
    },
    "dark": {
        "support": ("#e9fff0", "#1f5c35"),
        "conflict": ("#fff1e6", "#8a3c00"),
        "passage": ("#fff8d6", "#6b5600"),
        "supports": ("#e9fff0", "#1e6b34"),
        "contradicts": ("#fff0ee", "#a8231b"),
        "mixed": ("#fff1e6", "#8a4a00"),
        "none": ("#f2f4f7", "#4b5260"),
    },
}
_ALIASES = {"supported": "supports", "contradicted": "contradicts", "conflicting": "mixed",
            "not_enough_evidence": "none", "neutral": "none"}
_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def colours(kind: str, theme: str | None = "light") -> Pair:
    """The ``(text, background)`` pair of a mark or badge kind (verdicts and labels map to stances).

    Args:
        kind: ``support``, ``conflict``, ``passage``, a stance, a verdict or a passage label.
        theme: ``light`` or ``dark``. Defaults to light (also for None or another value).
    """
    palette = PALETTES.get(theme or "light", PALETTES["light"])
    return palette[_ALIASES.get(kind, kind)]


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` (0 black .. 1 white)."""
    match = _HEX.match(colour)
    if not match:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(match.group(1)[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 .. 21)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
