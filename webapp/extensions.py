"""Flask extensions, instantiated here and bound to the app in create_app (cookiecutter-flask style)."""

from flask_babel import Babel
from flask_compress import Compress
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

babel = Babel()
compress = Compress()
csrf = CSRFProtect()
htmx = HTMX()
login_manager = LoginManager()
