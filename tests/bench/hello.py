"""The baseline for the requests-per-second figure: a bare Flask "hello" page under the same waitress."""

import os
import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"


if __name__ == "__main__":
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(os.environ.get("THREADS", "8")), ident="")
