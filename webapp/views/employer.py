"""The employer's dashboard (MY SITES grows with each module)."""

from flask import Blueprint
from flask_login import current_user

from webapp.access import employer_required
from webapp.models import AuthSession
from webapp.rendering import render

bp = Blueprint("employer", __name__, url_prefix="/employer")


@bp.get("/dashboard")
@employer_required
def dashboard():
    previous = (AuthSession.select().where((AuthSession.user == current_user.id)
                                           & (AuthSession.id != current_user.auth_session.id))
                .order_by(AuthSession.created_at.desc()).first())
    return render("employer/dashboard.html", previous_login=previous.created_at if previous else None)
