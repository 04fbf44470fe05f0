"""Static files: content-hashed names, gzip and brotli copies made once, served by WhiteNoise for a year.

At start-up every file of webapp/static is copied to STATIC_BUILD_DIR as `name.<hash>.ext` next to its
`.gz` and `.br` copies (skipped when already there). Templates call `asset('css/app.css')`.
"""

import hashlib
import re
import shutil
from pathlib import Path

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

SOURCE = Path(__file__).parent / "static"
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
YEAR = 365 * 24 * 3600


def build(source: Path, target: Path) -> dict[str, str]:
    """Copy `source` into `target` under hashed names with compressed twins; returns logical -> hashed."""
    manifest = {}
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        logical = path.relative_to(source).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        hashed = f"{path.stem}.{digest}{path.suffix}"
        relative = path.relative_to(source).parent / hashed
        out = target / relative
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)
            if compressor.should_compress(out.name):
                compressor.compress(str(out))
        manifest[logical] = relative.as_posix()
    return manifest


def init_app(app) -> None:
    """Build the hashed copies, expose `asset()` to templates and serve /static/ with WhiteNoise."""
    target = Path(app.config["STATIC_BUILD_DIR"])
    manifest = build(SOURCE, target)

    def asset(logical: str) -> str:
        return f"/static/{manifest[logical]}"

    app.jinja_env.globals["asset"] = asset
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(target), prefix="/static/", max_age=YEAR,
                              immutable_file_test=lambda path, url: bool(HASHED.search(url)))
