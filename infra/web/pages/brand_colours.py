"""A brand's colours as CSS variables, each with a text colour that stays readable on it.

A tenant may choose any main and accent colour; white text on a pale yellow header would be
unreadable. So each colour comes with `--brand-on-*`, the one of dark or white text with the
higher contrast against it (WCAG 2 contrast ratio), and links use the main colour only where it
reads on the white page (4.5:1, WCAG AA for body text), else the dark text colour.
"""

from __future__ import annotations

__all__ = ["brand_variables", "contrast_ratio"]

DARK_TEXT = "#1b1f24"
LIGHT_TEXT = "#ffffff"
PAGE_BACKGROUND = "#ffffff"
READABLE = 4.5


def _luminance(colour: str) -> float:
    """Relative luminance of `#rrggbb` (WCAG 2.x definition)."""
    channels = [int(colour[index:index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
              for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _text_on(background: str) -> str:
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast_ratio(text, background))


def brand_variables(primary: str, accent: str) -> str:
    """The declarations of a `:root` (or a preview's) rule."""
    link = primary if contrast_ratio(primary, PAGE_BACKGROUND) >= READABLE else DARK_TEXT
    return (f"--brand-primary: {primary};\n  --brand-on-primary: {_text_on(primary)};\n"
            f"  --brand-accent: {accent};\n  --brand-on-accent: {_text_on(accent)};\n"
            f"  --brand-link: {link};")
