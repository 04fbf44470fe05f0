"""Serving a stored or generated file as a download (ASVS 12.5.2: attachment, fixed type, nosniff)."""

import io
from pathlib import Path

from flask import send_file


def attachment(source: Path | bytes, content_type: str, name: str):
    body = io.BytesIO(source) if isinstance(source, bytes) else source
    response = send_file(body, mimetype=content_type, as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
