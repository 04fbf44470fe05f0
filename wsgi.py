"""WSGI entry point: `waitress-serve wsgi:app`, `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from webapp import create_app

app = create_app()
