"""Issue 13's reminders in Chromium on a 360 px phone: the demo member opens Email reminders from MY SITES in
Bahasa Melayu and keeps them on; `flask send-reminders` runs (its own process, the clock set to five days
before a 15th) and the reminder reaches the real SMTP server in Malay; the member turns them off, the
command runs again the day before the 15th, and nothing more is sent to them (their colleague still gets it).
"""

import subprocess
import sys
from datetime import UTC, datetime

from peewee import SqliteDatabase
from playwright.sync_api import expect

from tests.conftest import Inbox
from tests.e2e.phone import PHONE_360, assert_fits
from tests.e2e.test_portal_id_journey import DEMO_PASSWORD, log_in
from tests.support import ROOT
from webapp.db import SQLITE_PRAGMAS
from webapp.models import ALL_MODELS, Employer, Outbox, ReminderSent, User

MEMBER, COLLEAGUE = "employer@demo.assist.test", "clerk@demo.assist.test"
# January 2040: nobody can have submitted it, whatever ran before. Its deadline is 15/02/2040.
FIVE_DAYS_BEFORE = datetime(2040, 2, 10, 1, 0, tzinfo=UTC)  # 9.00 am in Malaysia
THE_DAY_BEFORE = datetime(2040, 2, 14, 1, 0, tzinfo=UTC)
AT = ("import sys, time_machine\nfrom datetime import datetime\nfrom flask.cli import main\n"
      "with time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=False):\n"
      "    sys.argv = ['flask', '--app', 'wsgi', *sys.argv[2:]]\n    main()\n")


def flask_at(live_server, when: datetime, *command: str) -> str:
    """A portal command in its own process, its clock set to `when` (time-machine); its output."""
    done = subprocess.run([sys.executable, "-c", AT, when.isoformat(), *command], env=live_server.env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return done.stdout


def mail_about(inbox: Inbox, address: str, code: str) -> list:
    """The mail to `address` about January 2040 of the employer `code` (the registration
    journey gives the demo account a second employer, reminded separately)."""
    return [m for m in inbox.to(address) if "01/2040" in m["Subject"] and code in m["Subject"]]


def store(live_server) -> SqliteDatabase:
    return SqliteDatabase(live_server.env["DATABASE_URL"].removeprefix("sqlite:///"), pragmas=SQLITE_PRAGMAS,
                          timeout=10)


def demo_code(live_server) -> str:
    db = store(live_server)
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        return Employer.get(Employer.registration_number == "201901000005").code


def queued_for(live_server, address: str, code: str) -> list[str]:
    """The subjects of the reminders about 01/2040 of employer `code` queued for `address` (the outbox)."""
    db = store(live_server)
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        return [o.subject for o in Outbox.select().where(
            (Outbox.to_addr == address) & Outbox.subject.contains("01/2040") & Outbox.subject.contains(code))]


def reminders_sent(live_server, address: str, code: str) -> list[str]:
    db = store(live_server)
    with db.bind_ctx(ALL_MODELS), db.connection_context():
        return [r.reason for r in ReminderSent.select().join(User).switch(ReminderSent).join(Employer).where(
            (User.email == address) & (Employer.code == code))]


def test_a_reminder_reaches_the_smtp_server_in_the_members_language_until_they_turn_them_off(
        browser, base_url, live_server, smtp, tmp_path):
    code = demo_code(live_server)
    context = browser.new_context(base_url=base_url, **PHONE_360)
    page = context.new_page()
    log_in(page, MEMBER, DEMO_PASSWORD)
    # LOGIN was pressed; the login page has a BM link too, so wait for the dashboard before pressing BM (on a
    # loaded machine the click once landed on the login page, and the dashboard's link never came)
    expect(page.get_by_role("link", name="MY SITES")).to_be_visible()
    page.get_by_role("link", name="BM", exact=True).click()  # the member's language, for the emails too
    page.get_by_role("link", name="Peringatan emel").click()
    expect(page.get_by_role("heading", name="Peringatan emel")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_fits(page, "Email reminders", tmp_path / "reminders.png")
    switch = page.get_by_label("Hantar peringatan ini kepada saya")
    switch.check()  # keep them on
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Disimpan.")).to_be_visible()
    expect(switch).to_be_checked()

    # The mail is queued and sent on the travelled clock too: its first attempt is due "now", in 2040.
    assert "Queued 0 " not in flask_at(live_server, FIVE_DAYS_BEFORE, "send-reminders")
    assert "Sent 0 " not in flask_at(live_server, FIVE_DAYS_BEFORE, "deliver-mail")
    [mail] = mail_about(smtp, MEMBER, code)  # delivered: the SMTP server answered before the command ended
    assert f"ASSIST: caruman 01/2040 perlu dihantar sebelum 15/02/2040 ({code})" in mail["Subject"]
    assert "Hentikan peringatan: http://127.0.0.1:" in mail.get_content()  # in Malay, with the way to stop them

    page.get_by_role("link", name="MY SITES", exact=True).first.click()
    page.get_by_role("link", name="Peringatan emel").click()
    page.get_by_label("Hantar peringatan ini kepada saya").uncheck()
    page.get_by_role("button", name="SAVE").click()
    expect(page.get_by_text("Disimpan.")).to_be_visible()
    expect(page.get_by_label("Hantar peringatan ini kepada saya")).not_to_be_checked()
    assert_fits(page, "Email reminders, turned off", tmp_path / "off.png")

    assert "Queued 0 " not in flask_at(live_server, THE_DAY_BEFORE, "send-reminders")
    assert "Sent 0 " not in flask_at(live_server, THE_DAY_BEFORE, "deliver-mail")
    assert len(mail_about(smtp, COLLEAGUE, code)) == 2  # the colleague who kept them on: the day before ...
    assert len(mail_about(smtp, MEMBER, code)) == 1  # ... the member who turned them off does not
    assert len(queued_for(live_server, MEMBER, code)) == 1 and reminders_sent(live_server, MEMBER, code) == ["due_5"]
    context.close()
