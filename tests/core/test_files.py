"""Uploaded documents opened in full: PDFs parsed (pypdf), images decoded (Pillow), each refusal on a real file."""

import pytest

from core.errors import ValidationError
from core.files import check_document
from tests import documents
from tests.documents import CRAFTED

LIMIT = 5 * 1024 * 1024


@pytest.mark.parametrize(("data", "name", "kind"), [
    (documents.PDF, "scan.pdf", "application/pdf"),
    (documents.pdf(pages=3), "three-pages.PDF", "application/pdf"),
    (documents.pdf_encrypted(""), "owner-password-only.pdf", "application/pdf"),  # opens without a password
    (documents.PNG, "photo.png", "image/png"),
    (documents.JPEG, "photo.jpg", "image/jpeg"),
    (documents.image("JPEG", (1200, 900)), "phone.jpeg", "image/jpeg"),
])
def test_good_documents_are_accepted(data, name, kind):
    assert check_document(data, name, LIMIT) == kind




@pytest.mark.parametrize(("data", "name", "message"), [r[1:] for r in CRAFTED], ids=[r[0] for r in CRAFTED])
def test_crafted_documents_are_refused_with_the_reason(data, name, message):
    with pytest.raises(ValidationError) as refused:
        check_document(data, name, LIMIT)
    assert str(refused.value).startswith(message)


def test_the_crafted_files_really_carry_what_they_are_named_for():
    """The refusals above come from the content, not from a broken sample."""
    assert b"/JavaScript" in documents.pdf_with_javascript() and b"/Launch" in documents.pdf_with_launch()
    assert b"/EmbeddedFile" in documents.pdf_with_attachment()
    assert b"/J#61vaScript" in documents.pdf_with_hidden_javascript()
    assert documents.HTML_AS_PDF.startswith(b"%PDF-") and b"<script>" in documents.HTML_AS_PDF
