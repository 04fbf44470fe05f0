"""The texts of the emails the portal sends, in Bahasa Melayu then English (one message for both).

Bodies never carry secrets other than the one the message exists to deliver (a temporary password or a
reset link); such messages are queued as sensitive and scrubbed from the outbox once delivered.
"""

HOTLINE = "1-300-22-8000"
SIGNATURE = f"\n\nPERKESO ASSIST\nTalian Khidmat Pelanggan / Customer service hotline: {HOTLINE}\n"


def application_received(reference: str, company: str) -> tuple[str, str]:
    subject = f"Permohonan ID Portal ASSIST diterima / Portal ID application received ({reference})"
    body = (
        "Salam Sejahtera,\n\n"
        f"Permohonan ID Portal ASSIST bagi {company} telah diterima. Nombor rujukan: {reference}.\n"
        "Pegawai PERKESO akan menyemak permohonan ini. Kata laluan sementara akan dihantar melalui emel "
        "apabila permohonan diluluskan.\n\n"
        f"Your ASSIST Portal ID application for {company} has been received. Reference number: {reference}.\n"
        "A PERKESO officer will review it. A temporary password will be emailed to you once it is approved."
    )
    return subject, body + SIGNATURE


def activation(login_url: str, username: str, temporary_password: str, hours: int) -> tuple[str, str]:
    """The activation email, laid out like the one in QRG 1 (URL Portal, Nama Pengguna, Kata Laluan)."""
    subject = "Pengaktifan ID Portal ASSIST / ASSIST Portal ID activation"
    body = (
        "Salam Sejahtera,\n"
        "Terima kasih kerana mendaftar akaun portal PERKESO.\n"
        "Dimaklumkan bahawa pendaftaran anda untuk menggunakan portal PERKESO telah diluluskan.\n"
        "Sila login ke aplikasi portal PERKESO dengan menggunakan nama pengguna dan kata laluan sementara "
        "seperti berikut :-\n\n"
        f"URL Portal\t{login_url}\n"
        f"Nama Pengguna\t{username}\n"
        f"Kata Laluan Sementara\t{temporary_password}\n\n"
        f"Kata laluan sementara ini sah selama {hours} jam dan hanya boleh digunakan sekali.\n\n"
        "Your registration to use the PERKESO portal has been approved. Log in with the username and "
        f"temporary password above at {login_url}. The temporary password is valid for {hours} hours "
        "and can be used once; you will then choose your own password."
    )
    return subject, body + SIGNATURE


def application_rejected(reference: str, reason: str) -> tuple[str, str]:
    subject = f"Permohonan ID Portal ASSIST ditolak / Portal ID application rejected ({reference})"
    body = (
        "Salam Sejahtera,\n\n"
        f"Permohonan ID Portal ASSIST anda ({reference}) tidak dapat diluluskan.\nSebab: {reason}\n\n"
        f"Your ASSIST Portal ID application ({reference}) could not be approved.\nReason: {reason}\n\n"
        "Anda boleh memohon semula / You may apply again."
    )
    return subject, body + SIGNATURE


def password_reset(link: str, minutes: int) -> tuple[str, str]:
    subject = "Tetapan semula kata laluan ASSIST / ASSIST password reset"
    body = (
        "Salam Sejahtera,\n\n"
        f"Untuk menetapkan kata laluan baharu, buka pautan ini dalam masa {minutes} minit:\n{link}\n"
        "Pautan ini hanya boleh digunakan sekali. Abaikan emel ini jika anda tidak memintanya.\n\n"
        f"To set a new password, open this link within {minutes} minutes:\n{link}\n"
        "The link works once. Ignore this email if you did not ask for it."
    )
    return subject, body + SIGNATURE


def password_changed(when: str) -> tuple[str, str]:
    subject = "Kata laluan ASSIST telah ditukar / Your ASSIST password was changed"
    body = (
        "Salam Sejahtera,\n\n"
        f"Kata laluan akaun ASSIST anda telah ditukar pada {when}. Semua sesi lain telah ditamatkan.\n"
        "Jika anda tidak melakukannya, hubungi talian khidmat pelanggan dengan segera.\n\n"
        f"The password of your ASSIST account was changed on {when}. All other sessions were ended.\n"
        "If this was not you, call the customer service hotline at once."
    )
    return subject, body + SIGNATURE


def payment_receipt(receipt: str, employer: str, amount: str, method: str, details: list[str], items: list[str],
                    notices: list[str]) -> tuple[str, str]:
    """The receipt of a payment by any channel (the PDF is attached), with any FCLB notice it produced.
    `method` names the channel in both languages; `details` are its references ("label: value")."""
    subject = f"Resit bayaran ASSIST / ASSIST payment receipt ({receipt})"
    paid = "\n".join(f"  - {line}" for line in items)
    late = ""
    if notices:
        listed = "\n".join(f"  - {line}" for line in notices)
        late = ("\nNotis FCLB (faedah caruman lewat bayar) dijana; bayar di ASSIST, PAYMENT:\n"
                f"FCLB notice(s) (interest on late payment) generated; pay them in ASSIST, PAYMENT:\n{listed}\n")
    references = "\n".join(details)
    body = (
        "Salam Sejahtera,\n\n"
        f"Bayaran anda telah diterima. No. Resit: {receipt}.\n"
        f"Your payment has been received. Receipt No.: {receipt}.\n\n"
        f"Majikan / Employer: {employer}\nAmaun / Amount: {amount}\nKaedah / Method: {method}\n{references}\n\n"
        f"Dibayar / Paid:\n{paid}\n{late}\n"
        "Resit dilampirkan (PDF). / The receipt is attached (PDF)."
    )
    return subject, body + SIGNATURE


def reminder(reason: str, language: str, *, employer: str, code: str, month: str, deadline: str, days: int,
             unpaid: str, portal_url: str) -> tuple[str, str]:
    """A deadline or unpaid reminder (core.reminders), in the member's language only (their choice)."""
    settings_url = portal_url.rstrip("/") + "/employer/reminders"
    link = portal_url.rstrip("/") + ("/payment/" if reason == "unpaid" else "/contribution/")
    if language == "en":
        if reason == "unpaid":
            subject = f"ASSIST: contributions for {month} are submitted but not paid ({code})"
            text = (f"The ACR/ECR of {employer} ({code}) for {month} are not paid yet: {unpaid}. The deadline "
                    f"was {deadline}; late-payment interest (6% a year, at least RM5.00) grows each day. Pay "
                    f"in MY SITES, PAYMENT: {link}")
        else:
            subject = f"ASSIST: contributions for {month} are due by {deadline} ({code})"
            text = (f"The SOCSO and EIS contributions of {employer} ({code}) for {month} are not submitted "
                    f"yet. Submit and pay them by {deadline} ({days} day(s) left): {link}")
        footer = f"You receive this as a member of {employer}. Turn reminders off: {settings_url}"
        return subject, f"Dear Sir/Madam,\n\n{text}\n\n{footer}" + SIGNATURE
    if reason == "unpaid":
        subject = f"ASSIST: caruman {month} telah dihantar tetapi belum dibayar ({code})"
        text = (f"ACR/ECR {employer} ({code}) bagi {month} belum dibayar: {unpaid}. Tarikh akhir ialah "
                f"{deadline}; faedah caruman lewat bayar (6% setahun, sekurang-kurangnya RM5.00) bertambah setiap "
                f"hari. Bayar di MY SITES, PAYMENT: {link}")
    else:
        subject = f"ASSIST: caruman {month} perlu dihantar sebelum {deadline} ({code})"
        text = (f"Caruman PERKESO dan SIP {employer} ({code}) bagi {month} belum dihantar. Hantar dan bayar "
                f"sebelum {deadline} ({days} hari lagi): {link}")
    footer = f"Anda menerima emel ini sebagai ahli {employer}. Hentikan peringatan: {settings_url}"
    return subject, f"Tuan/Puan,\n\n{text}\n\n{footer}" + SIGNATURE


def invitation(employer: str, code: str, inviter: str, role: str, link: str, hours: int) -> tuple[str, str]:
    """An invitation to an employer's team (role: clerk, approver or administrator)."""
    roles_ms = {"clerk": "Kerani", "approver": "Pelulus", "administrator": "Pentadbir"}
    roles_en = {"clerk": "Clerk", "approver": "Approver", "administrator": "Administrator"}
    subject = f"Jemputan ke pasukan ASSIST {employer} / Invitation to the ASSIST team of {employer}"
    body = (
        "Salam Sejahtera,\n\n"
        f"{inviter} menjemput anda ke pasukan {employer} ({code}) di portal ASSIST sebagai "
        f"{roles_ms[role]}. Buka pautan ini dalam masa {hours} jam untuk menerima:\n{link}\n"
        "Pautan ini hanya boleh digunakan sekali.\n\n"
        f"{inviter} invites you to the team of {employer} ({code}) on the ASSIST portal as {roles_en[role]}. "
        f"Open this link within {hours} hours to accept:\n{link}\nThe link works once."
    )
    return subject, body + SIGNATURE
