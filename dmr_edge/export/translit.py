"""ASCII for radio fonts: Latin letters lose their accents, Greek and Cyrillic are spelled
in Latin letters, and what has no ASCII spelling is dropped.

Standard library only: a small table for the letters Unicode's compatibility decomposition
(NFKD) leaves alone (ß, æ, ø, ł, đ, þ, œ, ı, ...), Greek and Cyrillic letters and a few
punctuation marks, then NFKD for everything else, whose combining marks are dropped
(é → e, ş → s, ＴＧ → TG). ``unicodedata`` is imported only when a text is not ASCII
already. Scripts without a Latin spelling here (Chinese, Japanese, Arabic, Hebrew, ...)
become nothing: the caller decides what an empty result means.
"""

from __future__ import annotations

import functools
import re

_LATIN = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŋ": "ng", "Ŋ": "Ng", "ĸ": "k",
    "ſ": "s", "ƒ": "f", "ŀ": "l", "Ŀ": "L",
}  # fmt: skip
_PUNCTUATION = {
    "‘": "'", "’": "'", "‚": ",", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
    "″": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "…": "...", "«": '"', "»": '"', "‹": "'", "›": "'", "·": ".", "•": "*", "×": "x",
    "÷": "/", "¡": "!", "¿": "?", "°": " ", "№": "No",
}  # fmt: skip
# Lower case; capitals are derived (Ж → Zh). Greek after ELOT 743 with one digraph (ου → ou,
# as in Papadopoulos); Russian, Ukrainian, Belarusian, Serbian and Macedonian Cyrillic as
# radio lists spell them.
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}  # fmt: skip
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j",
    "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
}  # fmt: skip


def _table() -> dict[str, str]:
    table = {**_LATIN, **_PUNCTUATION}
    for letters in (_GREEK, _CYRILLIC):
        for lower, latin in letters.items():
            table[lower] = latin
            upper = lower.upper()
            if len(upper) == 1 and upper != lower:
                table.setdefault(upper, latin.capitalize())
    return table


TABLE = _table()
_GREEK_OU = re.compile("([οόΟΌ])([υύϋΰΥΎΫ])")


def _ou(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    if first.isupper():
        return "OU" if second.isupper() else "Ou"
    return "ou"


@functools.lru_cache(maxsize=4096)  # cities and countries repeat across many users
def _transliterate(text: str) -> str:
    import unicodedata

    out: list[str] = []
    for char in _GREEK_OU.sub(_ou, text):
        if char.isascii():
            out.append(char)
        elif char in TABLE:
            out.append(TABLE[char])
        else:
            for part in unicodedata.normalize("NFKD", char):
                if part.isascii():
                    out.append(part)
                elif part in TABLE:
                    out.append(TABLE[part])
                # else: a combining mark, or a letter with no ASCII spelling: dropped
    return "".join(out)


def to_ascii(text: str) -> str:
    """Given any text, return it in ASCII: ``"Διεθνές Ελλάδα"`` → ``"Diethnes Ellada"``,
    ``"Jürgen Müller"`` → ``"Jurgen Muller"``, ``"Straße"`` → ``"Strasse"``."""
    if text.isascii():
        return text
    return _transliterate(text)
