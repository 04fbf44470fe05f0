"""Serving a stored or generated file as a download (ASVS 12.5.2: attachment, fixed type, nosniff)."""

import io
import logging
from pathlib import Path

from flask import current_app, g, send_file

from webapp.errors import DocumentMissing
from webapp.services import uploads

log = logging.getLogger("assist.files")


def attachment(source: Path | bytes, content_type: str, name: str):
    body = io.BytesIO(source) if isinstance(source, bytes) else source
    response = send_file(body, mimetype=content_type, as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def csv_attachment(text: str, name: str):
    """A CSV document (from core.csvexport.csv_text) as a download."""
    response = current_app.response_class(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def stored_document(stored):
    """An uploaded document as a download; DocumentMissing (a 404 page that says so) if its file is gone."""
    path = uploads.path_of(stored, current_app.config["UPLOAD_DIR"])
    try:
        return attachment(path, stored.content_type, stored.original_name)
    except OSError:
        log.error("document file missing request_id=%s stored_name=%s (run `flask restore-check`)",
                  g.get("request_id"), stored.stored_name)
        raise DocumentMissing() from None
