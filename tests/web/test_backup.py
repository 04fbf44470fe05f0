"""Data at rest: a private database file, the backup set (database + documents), its check, and a document
whose file is lost."""

import io
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import make_user
from tests.documents import PDF, PNG
from tests.support import login
from webapp.db import database, is_sqlite, open_database
from webapp.models import BatchDocument, StoredFile
from webapp.services import backups, portal_id, uploads

DEMO_PASSWORD = "a demo password for tests"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sqlite_only():
    if not is_sqlite():
        pytest.skip("the SQLite file and its backup set exist only on SQLite (PostgreSQL: pg_dump)")


def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path):
    path = tmp_path / "fresh" / "assist.sqlite3"
    db = open_database(f"sqlite:///{path}")
    assert path.exists() and mode(path) == 0o600
    db.connect()
    try:
        db.execute_sql("CREATE TABLE t (x)")
        db.execute_sql("INSERT INTO t VALUES (1)")
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        db.close()


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=wal")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    try:
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        for file in files:
            file.chmod(0o644)
        open_database(f"sqlite:///{path}")
        assert [mode(file) for file in files] == [0o600, 0o600, 0o600]
    finally:
        connection.close()


def test_the_portal_database_file_is_private(app):
    sqlite_only()
    path = Path(database.obj.database)
    with database.connection_context():
        database.execute_sql("SELECT 1")
        assert mode(path) == 0o600 and mode(Path(f"{path}-wal")) == 0o600


def seed_with_documents(runner, app, monkeypatch) -> list[StoredFile]:
    """The demo data (its Borang 1 upload) plus a PNG: two documents on disk."""
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context(), database.connection_context():
        uploads.store(uploads.accept(io.BytesIO(PNG), "photo.png", app.config), app.config["UPLOAD_DIR"])
        return list(StoredFile.select().order_by(StoredFile.id))


def test_backup_writes_the_database_and_every_document_privately(runner, app, tmp_path, monkeypatch):
    sqlite_only()
    documents = seed_with_documents(runner, app, monkeypatch)
    assert len(documents) >= 2
    target = tmp_path / "backups" / "assist-2026-11-22"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert f"{len(documents)} document(s)" in result.output
    assert sorted(p.name for p in target.iterdir()) == ["assist.sqlite3", "uploads"]
    assert mode(target) == 0o700 and mode(target / "uploads") == 0o700
    assert mode(target / "assist.sqlite3") == 0o600
    for document in documents:
        copied = target / "uploads" / document.stored_name
        assert mode(copied) == 0o600
        assert copied.read_bytes() == (Path(app.config["UPLOAD_DIR"]) / document.stored_name).read_bytes()
    copy = sqlite3.connect(target / "assist.sqlite3")
    try:
        assert copy.execute("SELECT count(*) FROM user").fetchone()[0] == 7  # the demo accounts, team, teller, officer2
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    finally:
        copy.close()
    assert not list(target.parent.glob(".*partial*"))
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_restore_check_names_missing_and_damaged_documents(runner, app, tmp_path, monkeypatch):
    sqlite_only()
    documents = seed_with_documents(runner, app, monkeypatch)
    target = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    clean = runner.invoke(args=["restore-check", str(target)])
    assert clean.exit_code == 0, clean.output
    assert f"{len(documents)} document(s) recorded, {len(documents)} present" in clean.output

    lost, damaged = documents[0], documents[-1]
    (target / "uploads" / lost.stored_name).unlink()
    (target / "uploads" / damaged.stored_name).write_bytes(b"changed after the backup")
    (target / "uploads" / "0123456789abcdef0123456789abcdef").write_bytes(b"stray")
    result = runner.invoke(args=["restore-check", str(target)])
    assert result.exit_code != 0
    assert f"missing: {lost.stored_name} ({lost.original_name}" in result.output
    assert f"wrong sha256: {damaged.stored_name} ({damaged.original_name}" in result.output
    assert "not referenced (harmless): 0123456789abcdef0123456789abcdef" in result.output
    assert "lacks 2 document(s)" in result.output


def test_restore_check_of_a_damaged_database_copy(runner, tmp_path):
    target = tmp_path / "broken"
    (target / "uploads").mkdir(parents=True)
    (target / "assist.sqlite3").write_bytes(b"this is not a database" * 100)
    result = runner.invoke(args=["restore-check", str(target)])
    assert result.exit_code != 0 and "failed its check" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(args=["restore-check", str(empty)])
    assert result.exit_code != 0 and "assist.sqlite3 is missing" in result.output


def test_backup_and_live_check_report_a_document_lost_from_the_server(runner, app, tmp_path, monkeypatch):
    sqlite_only()
    documents = seed_with_documents(runner, app, monkeypatch)
    lost = documents[0]
    (Path(app.config["UPLOAD_DIR"]) / lost.stored_name).unlink()
    live = runner.invoke(args=["restore-check"])
    assert live.exit_code != 0 and f"missing: {lost.stored_name}" in live.output
    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code != 0 and f"missing: {lost.stored_name}" in result.output
    assert (tmp_path / "backup" / "assist.sqlite3").exists()  # the rest is still backed up
    assert len(list((tmp_path / "backup" / "uploads").iterdir())) == len(documents) - 1


def test_compare_finds_nothing_wrong_with_an_empty_set(tmp_path):
    report = backups.compare([], tmp_path / "absent")
    assert report.ok and report.documents == 0 and report.unreferenced == []


def test_a_document_whose_file_is_lost_gets_a_clear_404(runner, app, monkeypatch):
    documents = seed_with_documents(runner, app, monkeypatch)
    upload = BatchDocument.select().join(StoredFile).where(StoredFile.original_name == "form_1.pdf").get()
    client = app.test_client()
    assert login(client, "employer@demo.assist.test", DEMO_PASSWORD).status_code in (200, 303)
    url = f"/registration/{upload.batch_id}/documents/{upload.id}"
    with client.get(url) as response:
        assert response.data == (Path(app.config["UPLOAD_DIR"]) / upload.file.stored_name).read_bytes()
    officer = app.test_client()
    make_user("officer@example.com", role="officer", name="Test Officer")
    login(officer, "officer@example.com", "correct horse battery staple")
    with app.app_context(), database.connection_context():
        application = portal_id.submit(portal_id.Application(
            company_name="Syarikat Contoh Sdn Bhd", brn="201901000005", applicant_name="Siti Aminah",
            applicant_mykad="901225085344", designation="Pengarah", email="siti@contoh.com.my",
            phone="0123456789"), io.BytesIO(PDF), "ssm.pdf", app.config)
    certificate = f"/officer/applications/{application.id}/certificate"
    with officer.get(certificate) as response:
        assert response.data == PDF

    for document in documents:
        (Path(app.config["UPLOAD_DIR"]) / document.stored_name).unlink()
    (Path(app.config["UPLOAD_DIR"]) / application.certificate.stored_name).unlink()
    for who, path in ((client, url), (officer, f"/officer/employers/documents/{upload.id}"),
                      (officer, certificate)):
        response = who.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, path
        assert "The file of this document is missing" in html and "restore it from a backup" in html
        partial = who.get(path, headers={"HX-Request": "true"})
        assert partial.status_code == 404 and partial.headers["HX-Retarget"] == "#messages"
