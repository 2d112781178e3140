"""Attachment checks, on real minimal files built in memory."""

from __future__ import annotations

import hashlib
import io
import struct
import unicodedata
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.exchange.attachments import (
    ALLOWED,
    MAX_FILENAME,
    AttachmentError,
    CheckedAttachment,
    check_attachment,
    human_size,
    sanitise_filename,
)

MB = 1_000_000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
        b"trailer <</Root 1 0 R>>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def gif() -> bytes:
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
        b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def webp() -> bytes:
    vp8l = b"\x2f\x00\x00\x00\x00\x00\x00\x00\x00"  # a lossless 1x1 bitstream header
    body = b"WEBP" + b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l + b"\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def archive(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first is not None:
            zf.writestr(zipfile.ZipInfo(stored_first), members[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, payload in members.items():
            if name != stored_first:
                zf.writestr(name, payload)
    return buffer.getvalue()


def docx(**extra: bytes) -> bytes:
    return archive(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
            **extra,
        }
    )


def xlsx() -> bytes:
    return archive(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def odf(mimetype: str) -> bytes:
    return archive(
        {
            "mimetype": mimetype.encode(),
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
        },
        stored_first="mimetype",
    )


EML = b"From: desk@police.example\r\nTo: duty@interior.example\r\nSubject: test\r\n\r\nHello.\r\n"

GOOD = [
    ("report.pdf", pdf(), "application/pdf"),
    ("photo.png", png(), "image/png"),
    ("photo.jpg", jpeg(), "image/jpeg"),
    ("photo.JPEG", jpeg(), "image/jpeg"),
    ("anim.gif", gif(), "image/gif"),
    ("photo.webp", webp(), "image/webp"),
    ("notes.txt", "Notes: Müller, 東京, مرحبا\n".encode(), "text/plain"),
    ("list.csv", b"name,country\nAl-Rashid,IQ\n", "text/csv"),
    ("letter.docx", docx(), DOCX),
    ("table.xlsx", xlsx(), XLSX),
    ("letter.odt", odf(ODT), ODT),
    ("table.ods", odf(ODS), ODS),
    ("data.json", b'{"names": ["A", "B"], "count": 2}', "application/json"),
    ("forwarded.eml", EML, "message/rfc822"),
]


@pytest.mark.parametrize(("filename", "data", "content_type"), GOOD, ids=[g[0] for g in GOOD])
def test_every_allowed_type_is_accepted(filename: str, data: bytes, content_type: str) -> None:
    checked = check_attachment(filename, data, max_bytes=MB, declared_type=content_type)
    assert checked == CheckedAttachment(filename, content_type, len(data), hashlib.sha256(data).hexdigest())


def test_every_allowed_type_has_a_test() -> None:
    assert {g[2] for g in GOOD} == set(ALLOWED)
    assert "application/zip" not in ALLOWED
    assert not any("html" in t or "svg" in t or "javascript" in t for t in ALLOWED)


def test_empty_file_is_refused() -> None:
    with pytest.raises(AttachmentError, match=r"^empty\.pdf: the file is empty$") as caught:
        check_attachment("empty.pdf", b"", max_bytes=MB)
    assert caught.value.reason == "the file is empty"
    assert caught.value.filename == "empty.pdf"


def test_too_large_gives_both_sizes_in_human_units() -> None:
    data = pdf() + b"\0" * 1_500_000
    with pytest.raises(AttachmentError) as caught:
        check_attachment("big.pdf", data, max_bytes=MB)
    assert str(caught.value) == "big.pdf: the file is 1.5 MB, over the 1 MB limit"


def test_too_large_by_a_byte_shows_exact_sizes() -> None:
    with pytest.raises(AttachmentError, match=r"1,000,001 bytes, over the 1,000,000 bytes limit"):
        check_attachment("big.pdf", pdf().ljust(MB + 1, b" "), max_bytes=MB)


def test_exactly_max_bytes_is_accepted() -> None:
    data = pdf().ljust(4096, b" ")
    assert check_attachment("ok.pdf", data, max_bytes=4096).size == 4096


@pytest.mark.parametrize(
    ("size", "text"),
    [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1 KB"), (1_500_000, "1.5 MB"), (25 * 2**20, "26.2 MB")],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("given_name", "kept"),
    [
        ("../../etc/report.pdf", "report.pdf"),
        ("C:\\Users\\officer\\report.pdf", "report.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("...report.pdf", "report.pdf"),
        ("re\x00po\x1frt.pdf", "report.pdf"),
        ("report.pdf. . ", "report.pdf"),
        ("invoice\u202efdp.txt", "invoicefdp.txt"),  # displayed as "invoicetxt.pdf" with the override
        (unicodedata.normalize("NFD", "résumé.pdf"), "résumé.pdf"),
    ],
)
def test_filenames_are_sanitised(given_name: str, kept: str) -> None:
    data = b"plain text" if kept.endswith(".txt") else pdf()
    assert check_attachment(given_name, data, max_bytes=MB).filename == kept


@pytest.mark.parametrize("name", ["noextension", ".pdf", "report.", "", "dir/", "...", "\x00\x01"])
def test_a_name_without_an_extension_is_refused(name: str) -> None:
    with pytest.raises(AttachmentError, match="needs a name and an extension"):
        check_attachment(name, pdf(), max_bytes=MB)


def test_long_names_are_cut_keeping_the_extension() -> None:
    checked = check_attachment("x" * 300 + ".pdf", pdf(), max_bytes=MB)
    assert len(checked.filename) == MAX_FILENAME
    assert checked.filename == "x" * (MAX_FILENAME - 4) + ".pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("page.html", b"<!doctype html><p>hi"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("run.sh", b"#!/bin/sh\necho hi\n"),
        ("macro.js", b"alert(1)"),
        ("bundle.zip", archive({"a.txt": b"a"})),
        ("letter.docm", docx()),
    ],
)
def test_types_outside_the_list_are_refused_by_name(name: str, data: bytes) -> None:
    with pytest.raises(AttachmentError) as caught:
        check_attachment(name, data, max_bytes=MB)
    assert str(caught.value).startswith(f"{name}: type not allowed (allowed: PDF, PNG, JPG, GIF, WEBP, TXT, CSV")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "the content is not an allowed type"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00", "the content is not an allowed type"),
        ("bundle.docx", archive({"a.txt": b"a"}), "the content is not an allowed type"),
        ("slides.odt", odf("application/vnd.oasis.opendocument.presentation"), "the content is not an allowed"),
        ("photo.jpg", png(), "the content is PNG but the name ends in .jpg"),
        ("report.txt", pdf(), "the content is PDF but the name ends in .txt"),
        ("letter.docx", xlsx(), "the content is XLSX but the name ends in .docx"),
        ("letter.odt", odf(ODS), "the content is ODS but the name ends in .odt"),
        ("photo.png", b"not really a picture", "the content is not an allowed type"),
        ("notes.txt", "Müller".encode("latin-1"), "text files must be UTF-8 (invalid byte at offset 1)"),
        ("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>", "HTML, SVG and XML files are not allowed"),
        ("notes.csv", b'\xef\xbb\xbf  <svg onload="x"/>', "HTML, SVG and XML files are not allowed"),
        ("data.json", b'{"a": ', "not valid JSON"),
        ("data.json", b"[" * 100_000, "not valid JSON"),
        ("mail.eml", b"Hello, this is not a message", "not an e-mail message"),
        ("letter.docx", docx(**{"word/vbaProject.bin": b"\0"}), "documents with macros are not allowed"),
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 40, "the archive is damaged or encrypted"),
    ],
)
def test_content_must_be_what_the_name_says(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        check_attachment(name, data, max_bytes=MB)
    assert str(caught.value).startswith(f"{name}: {reason}")
    assert caught.value.reason.startswith(reason)


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert check_attachment("list.csv", b"\xef\xbb\xbfa,b\n", max_bytes=MB).content_type == "text/csv"


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("photo.png", png(), "IMAGE/PNG"),
        ("list.csv", b"a,b\n", "text/csv; charset=utf-8"),
        ("list.csv", b"a,b\n", "application/vnd.ms-excel"),  # what Windows browsers send for CSV
        ("photo.jpg", jpeg(), "image/jpg"),
        ("letter.odt", odf(ODT), "application/octet-stream"),  # the browser did not know
    ],
)
def test_declared_types_that_agree(name: str, data: bytes, declared: str) -> None:
    check_attachment(name, data, max_bytes=MB, declared_type=declared)


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("photo.png", png(), "application/pdf"),
        ("notes.txt", b"hello", "text/html"),
        ("data.json", b"{}", "text/plain"),
        ("letter.docx", docx(), XLSX),
    ],
)
def test_declared_types_that_disagree_are_refused(name: str, data: bytes, declared: str) -> None:
    with pytest.raises(AttachmentError, match=rf"^{name}: declared as {declared.split(';')[0].lower()} but"):
        check_attachment(name, data, max_bytes=MB, declared_type=declared)


def test_zip_bomb_by_expanded_size_is_refused() -> None:
    bomb = docx(**{"word/media/zeros.bin": b"\0" * 50_000})
    assert len(bomb) < 2_000
    with pytest.raises(AttachmentError, match=r"^bomb\.docx: the archive would expand to 50\.\d KB"):
        check_attachment("bomb.docx", bomb, max_bytes=2_000)
    assert check_attachment("fine.docx", bomb, max_bytes=3_000).content_type == DOCX


def test_zip_with_too_many_members_is_refused() -> None:
    crowd = docx(**{f"word/m{i}.xml": b"" for i in range(1000)})
    with pytest.raises(AttachmentError, match="more than 1000 members"):
        check_attachment("crowd.docx", crowd, max_bytes=10 * MB)


def test_only_a_little_of_the_mimetype_member_is_read() -> None:
    # a huge "mimetype" member is a trap for readers that read it whole; ours reads 100 bytes
    big = archive({"mimetype": ODT.encode() + b" " * 40_000, "content.xml": b"<x/>"})
    assert check_attachment("big.odt", big, max_bytes=MB).content_type == ODT


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(max_size=300),
    data=st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
        st.sampled_from([g[1] for g in GOOD]).flatmap(lambda d: st.integers(1, len(d)).map(lambda n: d[:n])),
    ),
    declared=st.one_of(st.none(), st.sampled_from([*ALLOWED, "text/html", ""]), st.text(max_size=30)),
)
def test_anything_is_either_accepted_cleanly_or_refused_with_a_reason(
    name: str, data: bytes, declared: str | None
) -> None:
    try:
        checked = check_attachment(name, data, max_bytes=250, declared_type=declared)
    except AttachmentError as error:
        assert error.reason and str(error).endswith(error.reason)
        return
    assert checked.content_type in ALLOWED
    assert 0 < checked.size <= 250
    assert len(checked.filename) <= MAX_FILENAME
    assert not checked.filename.startswith(".")
    assert "/" not in checked.filename and "\\" not in checked.filename
    assert not any(unicodedata.category(ch) == "Cc" for ch in checked.filename)
    assert checked.filename.rpartition(".")[2].lower() in ALLOWED[checked.content_type]


@given(st.text())
def test_sanitised_names_never_hold_a_path(name: str) -> None:
    clean = sanitise_filename(name)
    assert "/" not in clean and "\\" not in clean and not clean.startswith(".")
    assert sanitise_filename(clean) == clean
