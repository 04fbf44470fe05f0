"""Uploaded documents: checked before any transaction, stored outside static/ under server-made names,
readable by the owner only.

`accept()` reads and checks a file (type by its bytes, a full parse of PDFs and images, and the optional
ClamAV scan); it is slow on purpose and runs before the caller takes its write lock. `store()` then writes
the accepted bytes and their row inside the caller's transaction.
"""

import hashlib
import logging
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from core.errors import N_, ValidationError
from core.files import check_document
from webapp.models import StoredFile

log = logging.getLogger("assist.uploads")
SCAN_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Upload:
    """A file that passed every check, not yet written."""

    data: bytes
    filename: str
    content_type: str


def accept(stream, filename: str, settings, field: str | None = None) -> Upload:
    """Read and check an uploaded file; ValidationError (at `field`) says why it is refused."""
    data = stream.read(settings["MAX_DOCUMENT_BYTES"] + 1)
    try:
        content_type = check_document(data, filename, settings["MAX_DOCUMENT_BYTES"])
        scan(data, settings.get("CLAMDSCAN", ""))
    except ValidationError as exc:
        exc.field = field or exc.field
        raise
    return Upload(data, filename, content_type)


def scan(data: bytes, clamdscan: str) -> None:
    """The optional virus scan (CLAMDSCAN names the clamdscan program; empty: no scan).

    clamdscan reads the file on its standard input and answers 0 (clean), 1 (virus found) or 2 (error).
    When a scanner is configured, anything but "clean" refuses the file (fail closed).
    """
    if not clamdscan:
        return
    try:
        result = subprocess.run([clamdscan, "--no-summary", "--stdout", "-"], input=data,  # noqa: S603
                                capture_output=True, timeout=SCAN_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.error("virus scan failed to run (%s): %s", clamdscan, exc)
        raise ValidationError(N_("The virus scan is not available now. Try again later.")) from None
    if result.returncode == 1:
        log.warning("virus scan refused an upload: %s", result.stdout.decode(errors="replace").strip())
        raise ValidationError(N_("The virus scan found a threat in this file. It was not saved."))
    if result.returncode != 0:
        log.error("virus scan error (exit %s): %s", result.returncode,
                  (result.stdout + result.stderr).decode(errors="replace").strip())
        raise ValidationError(N_("The virus scan is not available now. Try again later."))


def store(upload: Upload, upload_dir: str) -> StoredFile:
    """Write an accepted file and its row (call inside the caller's transaction).

    The file is written before the row; if the transaction then rolls back, an orphan file remains, which
    `orphans()` lists for the administrator's clean-up.
    """
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = uuid.uuid4().hex
    fd = os.open(directory / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(upload.data)
    return StoredFile.create(
        stored_name=stored_name,
        original_name=os.path.basename(upload.filename.replace("\\", "/"))[:255] or "document",
        content_type=upload.content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
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
