"""Turning uploaded bytes into text: BOMs, UTF-16, cp1252, newlines and binary files."""

import codecs

import pytest

from warmline.network.importers.decoding import decode
from warmline.network.importers.records import ImportFormatError

TEXT = "First Name,Last Name\nJosé,Müller 😀\n"


def test_it_reads_plain_utf8():
    assert decode(TEXT.encode()) == TEXT


def test_it_strips_a_utf8_bom():
    assert decode(codecs.BOM_UTF8 + TEXT.encode()) == TEXT


def test_it_reads_utf16_le_with_a_bom():
    assert decode(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")) == TEXT


def test_it_reads_utf16_be_with_a_bom():
    assert decode(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")) == TEXT


def test_it_recognises_utf16_le_without_a_bom():
    assert decode(TEXT.encode("utf-16-le")) == TEXT


def test_it_recognises_utf16_be_without_a_bom():
    assert decode(TEXT.encode("utf-16-be")) == TEXT


def test_it_reads_utf32_with_a_bom():
    assert decode(codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le")) == TEXT


def test_it_falls_back_to_cp1252_for_bytes_that_are_not_utf8():
    assert decode(b"Jos\xe9,\x93quoted\x94,\x80") == "José,\u201cquoted\u201d,€"


def test_it_reads_bytes_undefined_in_cp1252_as_latin1():
    assert decode(b"Jos\xe9 \x81") == "José \x81"


def test_it_falls_back_to_cp1252_after_a_utf8_bom_with_broken_utf8():
    assert decode(codecs.BOM_UTF8 + b"Jos\xe9") == "José"


@pytest.mark.parametrize("newline", [b"\r\n", b"\r", b"\n"])
def test_it_normalises_every_newline_to_a_line_feed(newline):
    assert decode(newline.join([b"a", b"b", b"c"])) == "a\nb\nc"


def test_it_keeps_a_blank_line_between_crlf_lines():
    assert decode(b"a\r\n\r\nb\r\n") == "a\n\nb\n"


def test_it_reads_an_empty_file_as_empty_text():
    assert decode(b"") == ""


def test_it_refuses_binary_data_as_not_a_text_file():
    with pytest.raises(ImportFormatError) as raised:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00")
    assert raised.value.line == 1 and "not a text file" in raised.value.message


def test_it_names_an_excel_workbook_when_refusing_it():
    with pytest.raises(ImportFormatError) as raised:
        decode(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml")
    assert "not a text file" in raised.value.message and "CSV" in raised.value.message


def test_it_refuses_utf8_text_with_a_nul_in_it():
    with pytest.raises(ImportFormatError, match="not a text file"):
        decode(b"First Name,Last Name\nJane,\x00Doe\n")
