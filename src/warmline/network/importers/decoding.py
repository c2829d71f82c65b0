"""Turns an uploaded file's bytes into text, guessing the encoding, and splits CSV lines, guessing the delimiter.

Newlines become "\\n" so that line numbers in reports match what an editor shows."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator

from .records import ImportFormatError

# A few KB is plenty to tell UTF-16 from binary and keeps huge files cheap to sniff.
_SNIFF_BYTES = 4096

_NOT_TEXT = "not a text file"


def _latin1_for_undefined(error: UnicodeDecodeError) -> tuple[str, int]:
    # cp1252 leaves five bytes undefined; reading those as latin-1 keeps the rest of the file cp1252.
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("warmline-cp1252-latin1", _latin1_for_undefined)


def decode(data: bytes) -> str:
    """Decode an export to text with "\\n" newlines; ImportFormatError(1, …) if it is not text."""
    text = _decode(data)
    if "\x00" in text:
        raise ImportFormatError(1, f"{_NOT_TEXT} (it contains NUL characters)")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _decode(data: bytes) -> str:
    # UTF-32 first: its little-endian BOM begins with the UTF-16 one.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        codec = "utf-32-le" if data.startswith(codecs.BOM_UTF32_LE) else "utf-32-be"
        return data[4:].decode(codec, errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        # The BOM is an explicit claim, so a damaged tail is replaced rather than refused.
        return data[2:].decode(codec, errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="warmline-cp1252-latin1")


def _decode_utf16_without_bom(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFormatError(1, f"{_NOT_TEXT} (it looks like an Excel workbook or ZIP archive; export it as CSV)")
    sample = data[: _SNIFF_BYTES - _SNIFF_BYTES % 2]
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    # Text in UTF-16 puts the NUL half of ASCII characters on one side only; binary scatters NULs on both.
    if pairs and len(data) % 2 == 0:
        codec = None
        if odd_nuls * 4 >= pairs and even_nuls * 20 <= odd_nuls:
            codec = "utf-16-le"
        elif even_nuls * 4 >= pairs and odd_nuls * 20 <= even_nuls:
            codec = "utf-16-be"
        if codec is not None:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
    raise ImportFormatError(1, f"{_NOT_TEXT} (it contains NUL bytes)")


# Excel writes ";" in locales with a decimal comma, and tabs when saving as "Unicode Text".
DELIMITERS = (",", ";", "\t")


def split_line(line: str, delimiter: str = ",") -> list[str]:
    """The cells of one CSV line (a quote left open just runs to the end of the line)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


def sniff_delimiter(header: str) -> str:
    """The delimiter that splits a header line into the most cells; "," when none splits it."""
    best, most = ",", 1
    for delimiter in DELIMITERS:
        count = len(split_line(header, delimiter))
        if count > most:
            best, most = delimiter, count
    return best


def lines(text: str) -> Iterator[tuple[int, str, int]]:
    """Yield (1-based line number, the line, offset where the next line starts) for decoded text."""
    position, number = 0, 0
    while position <= len(text):
        end = text.find("\n", position)
        if end == -1:
            end = len(text)
        number += 1
        yield number, text[position:end], end + 1
        position = end + 1


def is_blank(line: str) -> bool:
    """True for a line with no content: empty, or only delimiters, quotes and spaces, as spreadsheets write."""
    return not line.strip(' \t,;"')
