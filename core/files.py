"""What kind of document a file is, judged by its bytes and its name (ASVS 12.2.1 / 5.2.2)."""

from core.errors import N_, ValidationError

# Magic numbers of the three types people may upload, with the extensions each may carry.
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
}


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
