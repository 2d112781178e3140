"""Checks an attachment before it is stored: what it really is, not what its name or the browser says.

Attachments travel between agencies of different countries and are opened on desks that trust the
platform, so a file is accepted only when three things agree: the type sniffed from its bytes, its
extension and, when the uploader declared one, its declared content type. Everything else (HTML, SVG,
scripts, executables, plain ZIP archives, macro-enabled Office files) is refused with a reason that
names the file, so the sender knows what to fix.

Office files are ZIP archives. They are recognised by listing the archive (``[Content_Types].xml`` plus
``word/`` or ``xl/`` for OOXML, the ``mimetype`` member for ODF); nothing is decompressed except at most
100 bytes of ``mimetype``. Archives whose declared uncompressed size or member count is absurd are still
refused, because whoever opens them later will decompress them.

The caller stores the file under :attr:`CheckedAttachment.sha256`; the sanitised file name is only a label.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from babel.numbers import format_decimal

from liaison import i18n
from liaison.i18n import _, ngettext

ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "text/plain": ("txt",),
    "text/csv": ("csv",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/json": ("json",),
    "message/rfc822": ("eml",),
}
"""Accepted content types and the extensions each may carry (lower case, without the dot)."""

MAX_FILENAME = 200
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_RATIO = 20
"""An Office archive may expand to at most this many times ``max_bytes``."""

# Browsers disagree on names for a few types; these spellings mean the same as the canonical one.
# "application/octet-stream" is what a browser sends when it does not know, so it counts as undeclared.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "text/x-csv": "text/csv",
    "application/csv": "text/csv",
    "application/vnd.ms-excel": "text/csv",
    "text/json": "application/json",
}
_UNDECLARED = {"", "application/octet-stream"}

_BY_EXTENSION = {ext: ctype for ctype, exts in ALLOWED.items() for ext in exts}
_ALLOWED_NAMES = ", ".join(exts[0].upper() for exts in ALLOWED.values())
_TEXT_TYPES = {"text/plain", "text/csv", "application/json", "message/rfc822"}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ODF = {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"}
# Bidirectional controls let "invoice\u202egpj.exe" display as "invoiceexe.jpg".
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MARKUP = re.compile(rb"\A\s*<(?:!doctype\s+html|html|head|body|script|svg|\?xml)", re.IGNORECASE)
_HEADER_LINE = re.compile(r"\A[!-9;-~]+:")


class AttachmentError(ValueError):
    """A refused attachment. ``str(error)`` names the file; ``reason`` is the part after the name."""

    def __init__(self, filename: str, reason: str) -> None:
        # Translators: a refused attachment: its file name, then why it was refused
        super().__init__(_("%(file)s: %(reason)s", file=filename, reason=reason))
        self.filename = filename
        self.reason = reason


@dataclass(frozen=True)
class CheckedAttachment:
    filename: str
    content_type: str
    size: int
    sha256: str


def human_size(size: int) -> str:
    """``1536000`` -> ``"1.5 MB"`` (decimal units, as file managers and mail clients mostly show)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    if unit == "bytes":
        return _bytes(size)
    shown = format_decimal(round(value, 1), "#,##0.#", locale=i18n.babel_locale())
    if unit == "KB":
        # Translators: file sizes in decimal units; write the unit as your language does (French: Ko, Mo, Go)
        return _("%(size)s KB", size=shown)
    if unit == "MB":
        return _("%(size)s MB", size=shown)
    return _("%(size)s GB", size=shown)


def _bytes(size: int) -> str:
    return ngettext("%(size)s byte", "%(size)s bytes", size, size=i18n.number(size))


def sanitise_filename(filename: str) -> str:
    """The last path component, without control or bidi characters, leading dots or trailing dots/spaces.

    Returns ``""`` when nothing usable remains. Long names are cut in :func:`check_attachment`, where the
    extension is known to be one we keep.
    """
    name = "".join(ch for ch in filename if unicodedata.category(ch) != "Cc" and ch not in _BIDI)
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    return name.lstrip(". ").rstrip(". ")


def check_attachment(
    filename: str, data: bytes, *, max_bytes: int, declared_type: str | None = None
) -> CheckedAttachment:
    """Accept ``data`` as an attachment called ``filename``, or raise :class:`AttachmentError`."""
    label = sanitise_filename(filename) or "attachment"
    if not data:
        raise AttachmentError(label, _("the file is empty"))
    if len(data) > max_bytes:
        size, limit = human_size(len(data)), human_size(max_bytes)
        if size == limit:
            size, limit = _bytes(len(data)), _bytes(max_bytes)
        raise AttachmentError(label, _("the file is %(size)s, over the %(limit)s limit", size=size, limit=limit))
    name = sanitise_filename(filename)
    stem, dot, extension = name.rpartition(".")
    if not name or not dot or not stem.strip() or not extension:
        raise AttachmentError(label, _("the file name needs a name and an extension, such as report.pdf"))
    by_name = _BY_EXTENSION.get(extension.lower())
    if by_name is None:
        raise AttachmentError(label, _("type not allowed (allowed: %(allowed)s)", allowed=_ALLOWED_NAMES))
    if len(name) > MAX_FILENAME:
        name = stem[: MAX_FILENAME - len(extension) - 1].rstrip(". ") + "." + extension
    sniffed = _sniff(name, data, max_bytes=max_bytes, text_type=by_name)
    if sniffed is None:
        raise AttachmentError(
            name, _("the content is not an allowed type (allowed: %(allowed)s)", allowed=_ALLOWED_NAMES)
        )
    if sniffed != by_name:
        raise AttachmentError(
            name,
            _(
                "the content is %(content)s but the name ends in .%(extension)s",
                content=_describe(sniffed),
                extension=extension,
            ),
        )
    if declared_type is not None:
        declared = declared_type.split(";", 1)[0].strip().lower()
        declared = _ALIASES.get(declared, declared)
        if declared not in _UNDECLARED and declared != sniffed:
            raise AttachmentError(
                name,
                _(
                    "declared as %(declared)s but the content is %(content)s",
                    declared=declared,
                    content=_describe(sniffed),
                ),
            )
    return CheckedAttachment(name, sniffed, len(data), hashlib.sha256(data).hexdigest())


def _describe(content_type: str) -> str:
    return ALLOWED[content_type][0].upper()


def _sniff(name: str, data: bytes, *, max_bytes: int, text_type: str) -> str | None:
    """The allowed type that ``data`` is, or ``None``; text types are told apart by ``text_type``."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(name, data, max_bytes=max_bytes)
    if text_type in _TEXT_TYPES:
        return _sniff_text(name, data, text_type)
    return None


def _sniff_zip(name: str, data: bytes, *, max_bytes: int) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise AttachmentError(name, _("the archive has more than %(most)s members", most=ZIP_MAX_MEMBERS))
            expanded = sum(member.file_size for member in members)
            if expanded > ZIP_MAX_RATIO * max_bytes:
                raise AttachmentError(name, _("the archive would expand to %(size)s", size=human_size(expanded)))
            names = {member.filename for member in members}
            if any(os.path.basename(n).lower() == "vbaproject.bin" for n in names):
                raise AttachmentError(name, _("documents with macros are not allowed"))
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                return mimetype if mimetype in _ODF else None
            if "[Content_Types].xml" in names:
                for prefix, ctype in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return ctype
            return None
    except AttachmentError:
        raise
    # zipfile reports damage through many exception types; all of them mean "cannot be opened".
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
        raise AttachmentError(name, _("the archive is damaged or encrypted")) from exc


def _sniff_text(name: str, data: bytes, text_type: str) -> str | None:
    if b"\0" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AttachmentError(
            name, _("text files must be UTF-8 (invalid byte at offset %(start)s)", start=exc.start)
        ) from exc
    if text_type == "application/json":
        try:
            json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise AttachmentError(name, _("not valid JSON (%(reason)s)", reason=exc)) from exc
    elif text_type == "message/rfc822":
        if not _HEADER_LINE.match(text):
            raise AttachmentError(name, _("not an e-mail message (it must start with a header such as From:)"))
    elif _MARKUP.match(data.removeprefix(b"\xef\xbb\xbf")):
        raise AttachmentError(name, _("HTML, SVG and XML files are not allowed, even renamed as text"))
    return text_type
