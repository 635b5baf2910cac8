"""How long an SMS is: GSM-7 or UCS-2, and in how many segments a phone receives it.

A text every character of which is in the GSM 03.38 default alphabet or its extension table
goes as GSM-7: 160 septets in one SMS, 153 per segment of a longer one (the concatenation
header takes 7), an extension character (`€ [ ] { } | ^ ~ \\` and the form feed) taking two
septets that are never split across segments. Any other text goes as UCS-2: 70 UTF-16 code units
in one SMS, 67 per segment, a character outside the Basic Multilingual Plane (most emoji) taking
two units that are never split. Operators bill each segment, and a text that does not fit the
segments a gateway allows is cut, so `fit_with_link` shortens the words, never the link.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

__all__ = ["SmsEncoding", "count_segments", "fit_with_link", "sms_encoding"]

_GSM7_CODEC = "gsm03.38"
_TRAILING = " \t\n,.;:،؛"  # spaces and the punctuation an ellipsis replaces (and Arabic's)


class SmsEncoding(enum.Enum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"

    @property
    def single_sms_units(self) -> int:
        """Septets (GSM-7) or UTF-16 code units (UCS-2) that one unsegmented SMS holds."""
        return 160 if self is SmsEncoding.GSM7 else 70

    @property
    def segment_units(self) -> int:
        """What each segment of a concatenated SMS holds, after its concatenation header."""
        return 153 if self is SmsEncoding.GSM7 else 67

    @property
    def ellipsis(self) -> str:
        """What marks shortened words; "…" is not in the GSM alphabet and would force UCS-2."""
        return "..." if self is SmsEncoding.GSM7 else "…"


def sms_encoding(text: str) -> SmsEncoding:
    """GSM-7 when every character is in the GSM 03.38 alphabet or its extension, else UCS-2."""
    try:
        text.encode(_GSM7_CODEC)
    except UnicodeEncodeError:
        return SmsEncoding.UCS2
    return SmsEncoding.GSM7


def count_segments(text: str) -> tuple[SmsEncoding, int]:
    """The encoding `text` goes in and the number of SMS segments it takes (an empty text is
    still one SMS)."""
    encoding = sms_encoding(text)
    units = list(_units(text, encoding))
    if sum(units) <= encoding.single_sms_units:
        return encoding, 1
    segments, filled = 1, 0
    for width in units:
        if filled + width > encoding.segment_units:
            segments, filled = segments + 1, 0
        filled += width
    return encoding, segments


def fit_with_link(text: str, link: str, max_segments: int = 2) -> str:
    """`text`, a space and `link`, in at most `max_segments` segments: when too long the text is
    cut at a word (or, for one long word, anywhere) and ends with an ellipsis; the link is never
    cut. An empty `link` fits the text alone. Raises ValueError when even the link alone does
    not fit."""
    if max_segments < 1:
        raise ValueError("an SMS has at least one segment")

    def joined(words: str) -> str:
        return " ".join(part for part in (words, link) if part)

    def fits(candidate: str) -> bool:
        return count_segments(candidate)[1] <= max_segments

    whole = joined(text.strip())
    if fits(whole):
        return whole
    ellipsis = sms_encoding(whole).ellipsis
    if not fits(joined(ellipsis)):
        raise ValueError(f"the link alone takes more than {max_segments} SMS segments")
    # The longest prefix that still fits; a longer prefix never takes fewer segments.
    shortest, longest = 0, len(text)
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if fits(joined(_shortened(text, middle, ellipsis, whole_words=False))):
            shortest = middle
        else:
            longest = middle - 1
    at_a_word = _shortened(text, shortest, ellipsis, whole_words=True)
    return joined(at_a_word)


def _shortened(text: str, length: int, ellipsis: str, *, whole_words: bool) -> str:
    kept = text[:length]
    if whole_words and length < len(text) and not text[length].isspace():
        words, space, _ = kept.rpartition(" ")
        if space and words.strip():
            kept = words
    kept = kept.rstrip(_TRAILING)
    return f"{kept}{ellipsis}" if kept else ellipsis


def _units(text: str, encoding: SmsEncoding) -> Iterable[int]:
    """Septets or UTF-16 code units of each character, in order."""
    if encoding is SmsEncoding.GSM7:
        return (len(character.encode(_GSM7_CODEC)) for character in text)
    return (2 if ord(character) > 0xFFFF else 1 for character in text)
