"""Storing uploaded documents outside static/, under server-made names, readable by the owner only."""

import hashlib
import os
import uuid
from pathlib import Path

from core.files import sniff_document
from webapp.models import StoredFile


def store_document(stream, filename: str, upload_dir: str, max_bytes: int) -> StoredFile:
    """Check and save an uploaded file; returns the StoredFile row (call inside the caller's transaction).

    The file is written before the row; if the transaction then rolls back, an orphan file remains, which
    `orphans()` lists for the administrator's clean-up.
    """
    data = stream.read(max_bytes + 1)
    content_type = sniff_document(data[:16], filename, len(data), max_bytes)
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = uuid.uuid4().hex
    path = directory / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return StoredFile.create(
        stored_name=stored_name,
        original_name=os.path.basename(filename.replace("\\", "/"))[:255] or "document",
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def path_of(stored: StoredFile, upload_dir: str) -> Path:
    return Path(upload_dir) / stored.stored_name


def orphans(upload_dir: str) -> list[Path]:
    """Files in the upload directory that no row points to (left by rolled-back transactions)."""
    directory = Path(upload_dir)
    if not directory.exists():
        return []
    known = {row.stored_name for row in StoredFile.select(StoredFile.stored_name)}
    return [p for p in directory.iterdir() if p.is_file() and p.name not in known]
