"""What kind of document a file is, judged by its bytes and its name (ASVS 12.2.1 / 5.2.2), and whether it is
safe to keep: a PDF is parsed (pypdf) and refused with JavaScript, launch actions or embedded files; an image is
decoded in full (Pillow) and refused if it does not decode (ASVS 12.2.x / 5.2.x)."""

import io
import logging

from PIL import Image, UnidentifiedImageError
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from core.errors import N_, ValidationError

# Magic numbers of the three types people may upload, with the extensions each may carry.
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo; more is refused before decoding
MAX_PDF_OBJECTS = 100_000  # a 5 MB scan has a few hundred; more is a crafted file

# PDF names that run code, start programs or carry files (keys or values, wherever they appear).
JAVASCRIPT = {"/JS", "/JavaScript"}
LAUNCH = {"/Launch"}
EMBEDDED = {"/EmbeddedFiles", "/EmbeddedFile", "/EF", "/FileAttachment"}

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged upload is the user's problem, not a log line


def sniff_document(head: bytes, filename: str, size: int, max_bytes: int) -> str:
    """Return the content type of an acceptable document, or raise ValidationError.

    `head` is the first bytes of the file; the name's extension must agree with the bytes, so a renamed
    executable or a PNG called .pdf is refused.
    """
    if size == 0:
        raise ValidationError(N_("The file is empty."))
    if size > max_bytes:
        raise ValidationError(N_("The file is larger than %(limit)s MB."), limit=max_bytes // (1024 * 1024))
    name = filename.lower()
    for content_type, (magic, extensions) in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            if not name.endswith(extensions):
                break
            return content_type
    raise ValidationError(N_("Upload a PDF, JPEG or PNG file."))


def check_document(data: bytes, filename: str, max_bytes: int) -> str:
    """Sniff, then open the whole file: its content type, or ValidationError saying why it is refused."""
    content_type = sniff_document(data[:16], filename, len(data), max_bytes)
    if content_type == "application/pdf":
        check_pdf(data)
    else:
        check_image(data, content_type)
    return content_type


def check_pdf(data: bytes) -> None:
    """A PDF that parses, has pages, is not password-protected, and has no JavaScript, launch action or
    embedded file in any object (reachable or not: viewers that repair files may find the others)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:  # an owner password alone is fine
            raise ValidationError(N_("Password-protected PDFs are not accepted. Save it without a password."))
        if len(reader.pages) == 0:
            raise ValueError("no pages")
        found = _active_content(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on broken files: all mean "not a PDF we can read"
        raise ValidationError(N_("The PDF cannot be read. Save or scan it again as PDF and upload it.")) from None
    if found & JAVASCRIPT:
        raise ValidationError(N_("PDFs with JavaScript are not accepted. Print it to a new PDF and upload that."))
    if found & LAUNCH:
        raise ValidationError(N_("PDFs that start programs (launch actions) are not accepted."))
    if found & EMBEDDED:
        raise ValidationError(N_("PDFs with files attached inside them are not accepted."))


def _active_content(reader: PdfReader) -> set[str]:
    """The dangerous names present in the file: every object of the cross-reference table, and everything
    reachable from the trailer, walked without decoding content streams."""
    pending = [reader.trailer]
    pending += [IndirectObject(number, generation, reader)
                for generation, numbers in reader.xref.items() for number in numbers]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    dangerous = JAVASCRIPT | LAUNCH | EMBEDDED
    seen, found = set(), set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > MAX_PDF_OBJECTS:
                raise ValueError("too many objects")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found.update(key for key in item if key in dangerous)
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
        elif isinstance(item, NameObject) and item in dangerous:
            found.add(str(item))
    return found


def check_image(data: bytes, content_type: str) -> None:
    """A PNG or JPEG that decodes to the last pixel (a truncated or disguised file does not)."""
    unreadable = ValidationError(N_("The image cannot be read. Save it again as JPEG or PNG and upload it."))
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[content_type]]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(N_("The image is too large: at most %(limit)s megapixels."),
                                      limit=MAX_IMAGE_PIXELS // 1_000_000)
            image.verify()  # structure and checksums (PNG chunk CRCs)
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[content_type]]) as image:
            if image.format == "JPEG":  # decode every block at 1/8 scale: all the data, little memory
                image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(N_("The image is too large: at most %(limit)s megapixels."),
                              limit=MAX_IMAGE_PIXELS // 1_000_000) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise unreadable from None
