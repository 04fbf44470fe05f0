"""MY SITES, Team (issue 13): the members of the selected employer, their roles, invitations; and accepting
an invitation (with an existing account or a new one)."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from core.errors import AssistError, NotFound
from core.team import ROLES
from webapp.access import is_kiosk_terminal, sign_in
from webapp.forms.auth import PlainForm
from webapp.forms.team import InviteForm, NewMemberForm, RoleForm
from webapp.i18n import translate_error
from webapp.rendering import form_errors, go, render
from webapp.services import audit as audit_service
from webapp.services import sessions, team
from webapp.tenancy import with_employer

bp = Blueprint("team", __name__, url_prefix="/team")
bp.add_app_template_global(ROLES, "team_roles")
bp.add_app_template_global(audit_service.ACTIONS, "audit_actions")


def _page(employer, form=None, status: int = 200):
    return render("team/index.html", status=status, employer=employer, members=team.members(employer),
                  invitations=team.open_invitations(employer), form=form or InviteForm(), plain=PlainForm())


@bp.get("/")
@with_employer
def index(employer):
    return _page(employer)


@bp.post("/invite")
@with_employer
def invite(employer):
    """INVITE: a single-use link by email, valid 72 hours, with the role chosen."""
    form = InviteForm()
    if form.validate_on_submit():
        base = current_app.config["PUBLIC_URL"].rstrip("/")
        try:
            team.invite(employer, current_user._get_current_object(), form.email.data, form.role.data,
                        lambda token: f"{base}{url_for('team.accept', token=token)}")
        except AssistError as exc:
            getattr(form, exc.field or "email").errors.append(translate_error(exc))
        else:
            flash(gettext("Invitation sent to %(email)s.", email=form.email.data.strip().lower()), "success")
            return redirect(url_for("team.index"), 303)
    return _page(employer, form, form_errors(form))


def _member_change(employer, change):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        change()
    except NotFound:
        abort(404)
    except AssistError as exc:
        flash(translate_error(exc), "error")
    else:
        flash(gettext("Saved."), "success")
    return redirect(url_for("team.index"), 303)


@bp.post("/members/<int:user_id>/role")
@with_employer
def role(employer, user_id: int):
    form = RoleForm()
    return _member_change(employer, lambda: team.change_role(employer, current_user._get_current_object(), user_id,
                                                             form.role.data or ""))


@bp.post("/members/<int:user_id>/remove")
@with_employer
def remove(employer, user_id: int):
    return _member_change(employer, lambda: team.remove(employer, current_user._get_current_object(), user_id))


@bp.post("/invitations/<int:invitation_id>/withdraw")
@with_employer
def withdraw(employer, invitation_id: int):
    return _member_change(employer, lambda: team.withdraw(employer, current_user._get_current_object(),
                                                          invitation_id))


@bp.route("/accept/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The link of the invitation email: join with the account logged in, or make an account here."""
    try:
        invitation = team.find_invitation(token)
    except NotFound as exc:
        return render("team/accept.html", status=404, invitation=None, message=translate_error(exc))
    form, plain, error = NewMemberForm(), PlainForm(), None
    if current_user.is_authenticated and request.method == "POST" and plain.validate_on_submit():
        try:
            employer = team.accept(token, current_user._get_current_object())
        except AssistError as exc:
            error = translate_error(exc)
        else:
            flash(gettext("You are now in the team of %(name)s.", name=employer.name), "success")
            return go(url_for("employer.dashboard"))
    elif not current_user.is_authenticated and request.method == "POST" and form.validate_on_submit():
        try:
            user = team.accept_with_new_account(token, form.name.data, form.password.data)
        except AssistError as exc:
            getattr(form, exc.field or "password", form.password).errors.append(translate_error(exc))
        else:
            sign_in(user, sessions.start(user, kiosk=is_kiosk_terminal(), user_agent=request.user_agent.string))
            return go(url_for("auth.terms"))
    status = 422 if error or form.errors else 200
    return render("team/accept.html", status=status, invitation=invitation, form=form, plain=plain, error=error,
                  message=None)




@bp.get("/audit")
@with_employer
def audit(employer):
    """The audit trail of the employer: every change to money, people, confirmations and the team."""
    return render("audit/trail.html", employer=employer, events=audit_service.trail(employer),
                  heading=gettext("Audit trail"))
