"""Integrity before money (issue 8) through HTTP: two tabs, parallel guesses, nil returns, the wage ceiling."""

import io
import threading
import time

from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from core import contributions as rules
from tests.conftest import PASSWORD, make_user
from tests.support import csrf_token, login
from tests.web.test_contributions import client, confirmed_month, edit, open_month, upload  # noqa: F401
from tests.web.test_registration import add_local, post, start_business
from webapp.models import Acknowledgement, Employer, LoginThrottle, Submission, SubmissionLine
from webapp.services import hashing


def test_a_pencil_save_in_one_tab_racing_confirm_in_another(app, client, monkeypatch):  # noqa: F811
    submission_id = open_month(client)
    lines = list(SubmissionLine.select().order_by(SubmissionLine.position))
    for line in lines:
        edit(client, submission_id, line.id, "2000")
    post(client, f"/contribution/s/{submission_id}/complete", {})
    token = Submission.get_by_id(submission_id).confirm_token
    other_tab = app.test_client()
    login(other_tab, "employer@example.com", PASSWORD)
    other_csrf = csrf_token(other_tab, "/employer/dashboard")
    computing, confirmed = rules.line_amounts, []

    def confirm_in_the_other_tab(*args, **kwargs):
        thread = threading.Thread(target=lambda: confirmed.append(other_tab.post(
            f"/contribution/s/{submission_id}/confirm", data={"csrf_token": other_csrf, "token": token})))
        thread.start()
        thread.join()
        return computing(*args, **kwargs)

    monkeypatch.setattr(rules, "line_amounts", confirm_in_the_other_tab)
    response = edit(client, submission_id, lines[0].id, "9000")
    assert confirmed[0].status_code == 303 and confirmed[0].headers["Location"].endswith("/acknowledgement")
    assert response.status_code == 422 and "already submitted" in response.get_data(as_text=True)
    assert Submission.get_by_id(submission_id).status == "confirmed"
    assert SubmissionLine.get_by_id(lines[0].id).wages == 200000
    assert Acknowledgement.get(Acknowledgement.kind == "ACR").amount == 2 * 4390


def test_twenty_parallel_password_posts_verify_at_most_five(app, monkeypatch):
    user = make_user("guessed@example.com")
    verified, verify = [], hashing.verify

    def slow_verify(stored, password):
        verified.append(password)
        time.sleep(0.1)
        return verify(stored, password)

    monkeypatch.setattr(hashing, "verify", slow_verify)
    browsers = []
    for _ in range(20):
        browser = app.test_client()
        token = csrf_token(browser)
        browser.post("/employer/login", data={"csrf_token": token, "step": "email", "email": user.email})
        browsers.append((browser, token))
    answers = []

    def guess(browser, token, n):
        answers.append(browser.post("/employer/login", data={"csrf_token": token, "step": "password",
                                                            "email": user.email, "password": f"guess {n}"}))

    threads = [threading.Thread(target=guess, args=(*b, n)) for n, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20 and all(a.status_code == 422 for a in answers)
    assert 1 <= len(verified) <= 5
    if len(verified) == 5:
        assert LoginThrottle.get(LoginThrottle.email == user.email).locked_until is not None
        after = login(app.test_client(), user.email, PASSWORD)
        assert after.status_code == 422 and "locked until" in after.get_data(as_text=True)
    texts = " ".join(a.get_data(as_text=True) for a in answers)
    assert "at the same time" in texts or "locked until" in texts


def test_a_month_without_wages_says_so_and_gives_no_bill(client):  # noqa: F811
    submission_id = open_month(client)
    for line in list(SubmissionLine.select()):
        edit(client, submission_id, line.id, "", status="no_wages")
    done = post(client, f"/contribution/s/{submission_id}/complete", {})
    summary = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "No contribution is due for 10/2024" in summary and 'id="nil-return"' in summary
    confirmed = post(client, f"/contribution/s/{submission_id}/confirm",
                     {"token": Submission.get_by_id(submission_id).confirm_token})
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "nil return" in page and "PROCESS TO PAYMENT" not in page and "PRINT" not in page
    assert {a.status for a in Acknowledgement.select()} == {"nil"}
    assert "10/2024" not in client.get("/payment/").get_data(as_text=True)
    assert "No contribution due" in client.get("/contribution/history").get_data(as_text=True)
    arrears = post(client, "/contribution/combined/open", {"month": "2024-10", "type": "arrears"})
    assert "SHORT CONTRIBUTION" in client.get(arrears.headers["Location"]).get_data(as_text=True)


def test_a_wage_above_the_ceiling_is_refused_at_the_field(client):  # noqa: F811
    submission_id = open_month(client)
    line = SubmissionLine.get()
    response = edit(client, submission_id, line.id, "1,000,000.00")
    assert response.status_code == 422 and "999,999.99" in response.get_data(as_text=True)
    assert SubmissionLine.get_by_id(line.id).wages is None


def test_a_text_file_for_a_month_already_submitted_points_to_short_contribution(client):  # noqa: F811
    from tests.web.test_contributions import combined_file

    confirmed_month(client, "2024-10")
    code = Employer.get().code
    data = combined_file(code, [("901225085344", "SITI AMINAH", 200000, 3415, 975, 390, 390),
                                ("880101145671", "AHMAD FAIZAL", 200000, 3415, 975, 390, 390)])
    response = upload(client, data)
    assert response.status_code == 422 and "SHORT CONTRIBUTION" in response.get_data(as_text=True)
    token = csrf_token(client, "/employer/dashboard")  # with JavaScript: the upload block says it too
    body, length, boundary = stream_encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename="SOCSO_EIS_102024.txt")},
        use_tempfile=False)
    htmx = client.post("/contribution/combined/textfile", input_stream=body, content_length=length,
                       content_type=f"multipart/form-data; boundary={boundary}", headers={"HX-Request": "true"})
    assert htmx.status_code == 422 and 'id="upload-result"' in htmx.get_data(as_text=True)
    assert "SHORT CONTRIBUTION" in htmx.get_data(as_text=True)


def test_an_employment_cannot_start_before_the_person_was_first_insured(app, client):  # noqa: F811
    other = app.test_client()
    login(other, make_user("second@example.com").email, PASSWORD)
    batch = start_business(other, registration_number="202101000999")
    response = add_local(other, batch, start_date="2023-06-01", name="")  # SITI AMINAH: insured from 2024-02
    assert response.status_code == 422 and "first insured with SOCSO on 01/02/2024" in response.get_data(as_text=True)


def test_the_preview_lists_employees_the_file_left_out_and_takes_a_choice(client):  # noqa: F811
    from tests.web.test_contributions import combined_file

    code = Employer.get().code
    accepted = upload(client, combined_file(code, [("901225085344", "SITI AMINAH", 200000, 3415, 975, 390, 390)]))
    preview = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert 'id="file-lines">1<' in preview and 'id="left-out-count">1<' in preview and "AHMAD FAIZAL" in preview
    submission = Submission.get()
    refused = post(client, f"/contribution/s/{submission.id}/complete", {})
    assert "not in the text file" in client.get(refused.headers["Location"]).get_data(as_text=True)
    line = SubmissionLine.get(SubmissionLine.in_file == False)  # noqa: E712
    saved = post(client, f"/contribution/s/{submission.id}/preview", {f"choice-{line.id}": "no_wages"})
    assert saved.status_code == 303
    after = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'id="left-out-count">1<' in after and 'id="left-out"' not in after  # the file still left one out
    done = post(client, f"/contribution/s/{submission.id}/complete", {})
    assert done.headers["Location"].endswith("/summary")


def test_same_as_last_month_then_undo_through_the_pages(client):  # noqa: F811
    confirmed_month(client, "2024-09")  # every salary 3000
    submission_id = open_month(client, "2024-10")
    page = client.get(f"/contribution/s/{submission_id}").get_data(as_text=True)
    assert 'id="same-as-last-month"' in page and "from 09/2024" in page and 'id="total-amount">RM 0.00<' in page
    done = post(client, f"/contribution/s/{submission_id}/same-as-last-month", {})
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "2 salary(ies) taken from last month" in page and 'id="total-amount">RM 0.00<' not in page
    assert "UNDO" in page
    undone = post(client, f"/contribution/s/{submission_id}/undo-same-as-last-month", {})
    assert 'id="total-amount">RM 0.00<' in client.get(undone.headers["Location"]).get_data(as_text=True)
    line = SubmissionLine.select().where(SubmissionLine.submission == submission_id).first()
    only = post(client, f"/contribution/s/{submission_id}/same-as-last-month", {"line": str(line.id)})
    assert only.status_code == 303
    assert SubmissionLine.select().where((SubmissionLine.submission == submission_id)
                                         & SubmissionLine.wages.is_null(False)).count() == 1


def test_a_month_sent_as_a_socso_only_file_is_not_offered_as_a_combined_download(client):  # noqa: F811
    code = Employer.get().code
    line = code + " " * 20 + "901225085344" + "SITI AMINAH".ljust(150) + "102024" + "00000000004390" + " " * 9
    accepted = upload(client, (line + "\r\n").encode(), scheme="socso")
    submission = Submission.get()
    for other in SubmissionLine.select().where(SubmissionLine.in_file == False):  # noqa: E712
        post(client, f"/contribution/s/{submission.id}/preview", {f"choice-{other.id}": "no_wages"})
    assert accepted.status_code == 303
    post(client, f"/contribution/s/{submission.id}/complete", {})
    token = Submission.get_by_id(submission.id).confirm_token
    post(client, f"/contribution/s/{submission.id}/confirm", {"token": token})
    page = client.get(f"/contribution/s/{submission.id}/acknowledgement").get_data(as_text=True)
    assert "export/socso.txt" in page and "export/combined.txt" not in page
    refused = client.get(f"/contribution/s/{submission.id}/export/combined.txt")
    assert refused.status_code == 303
    assert "cannot be downloaded in that layout" in client.get(refused.headers["Location"]).get_data(as_text=True)


def test_save_draft_and_the_pencil_after_the_list_changed_say_what_happened(client):  # noqa: F811
    submission_id = confirmed_month(client, "2024-10")
    saved = post(client, f"/contribution/s/{submission_id}/draft", {})
    assert "already submitted" in client.get(saved.headers["Location"]).get_data(as_text=True)
    draft_id = open_month(client, "2024-11")
    gone = edit(client, draft_id, 999_999, "2000")
    assert gone.status_code == 409 and "Reload the page" in gone.get_data(as_text=True)
