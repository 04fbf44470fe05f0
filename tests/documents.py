"""Real files for upload tests: good PDFs and images, and crafted bad ones (each built, never a stub)."""

import io
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    """A plain, valid PDF with blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    return _written(writer)


PDF = pdf()


def pdf_with_open_action(action: dict) -> bytes:
    """A valid PDF whose catalogue runs `action` when opened (e.g. JavaScript or Launch)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject(k): (NameObject(v) if v.startswith("/") else TextStringObject(v)) for k, v in action.items()})
    return _written(writer)


def pdf_with_javascript() -> bytes:
    return pdf_with_open_action({"/Type": "/Action", "/S": "/JavaScript", "/JS": "app.alert('hello');"})


def pdf_with_launch() -> bytes:
    return pdf_with_open_action({"/Type": "/Action", "/S": "/Launch", "/F": "C:\\Windows\\System32\\cmd.exe"})


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_hidden_javascript() -> bytes:
    """JavaScript in an object nothing points to, its name spelt with #xx escapes (/J#61vaScript): a viewer
    that repairs the file may still find it."""
    body = (b"%PDF-1.4\n"
            b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
            b"4 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n")
    offsets, position = [], 0
    for line in body.split(b"\n")[1:-1]:
        position = body.index(line, position)
        offsets.append(position)
    xref = b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return (body + xref + b"trailer << /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(body))


def pdf_encrypted(user_password: str = "a secret password") -> bytes:  # noqa: S107
    """A PDF that needs `user_password` to open (an empty one: only an owner password, opens for anyone)."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password, owner_password="the owner's password", algorithm="RC4-128")
    return _written(writer)


HTML_AS_PDF = (b"%PDF-1.7\n<!DOCTYPE html><html><body><script>document.location='https://evil.example/'"
               b"</script></body></html>\n")


def image(kind: str = "PNG", size=(64, 48)) -> bytes:
    """A real image (a colour gradient) in PNG or JPEG."""
    picture = Image.new("RGB", size)
    picture.putdata([(x * 4 % 256, y * 5 % 256, 128) for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")


def png_with_bad_checksum() -> bytes:
    data = bytearray(PNG)
    start = data.index(b"IDAT") + 4
    data[start + 2] ^= 0xFF  # damage the compressed pixels; the chunk's CRC no longer matches
    return bytes(data)


def jpeg_truncated() -> bytes:
    return JPEG[: len(JPEG) // 2]


def png_header_then_html() -> bytes:
    return b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"


def png_too_many_pixels() -> bytes:
    """A small file that would decode to 60 megapixels (a decompression bomb in miniature)."""
    width, height = 10_000, 6_000
    raw = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)), 9)

    def chunk(kind, payload):
        return (len(payload).to_bytes(4, "big") + kind + payload
                + zlib.crc32(kind + payload).to_bytes(4, "big"))

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


CRAFTED = [  # (test id, bytes, file name, the start of the refusal message)
    ("html", HTML_AS_PDF, "a.pdf", "The PDF cannot be read"),
    ("truncated-pdf", PDF[: len(PDF) // 2], "a.pdf", "The PDF cannot be read"),
    ("javascript", pdf_with_javascript(), "a.pdf", "PDFs with JavaScript are not accepted"),
    ("hidden-javascript", pdf_with_hidden_javascript(), "a.pdf", "PDFs with JavaScript are not accepted"),
    ("launch", pdf_with_launch(), "a.pdf", "PDFs that start programs"),
    ("attachment", pdf_with_attachment(), "a.pdf", "PDFs with files attached inside them"),
    ("password", pdf_encrypted(), "a.pdf", "Password-protected PDFs are not accepted"),
    ("png-checksum", png_with_bad_checksum(), "a.png", "The image cannot be read"),
    ("jpeg-truncated", jpeg_truncated(), "a.jpg", "The image cannot be read"),
    ("png-html", png_header_then_html(), "a.png", "The image cannot be read"),
    ("png-bomb", png_too_many_pixels(), "a.png", "The image is too large: at most 50 megapixels"),
]
