"""Imports only point down (DESIGN.md, Layers): a test reads every module's imports and fails on one that
points up. core/ is pure; models know no services; services know no views, forms or Flask; views read and
write through services, never the models or the store."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(*patterns: str) -> list[Path]:
    found = [path for pattern in patterns for path in ROOT.glob(pattern)]
    assert found, patterns  # a rule that checks nothing would pass for ever
    return found


RULES = [
    (("core/**/*.py",), ("flask", "flask_", "peewee", "playhouse", "wtforms", "werkzeug", "jinja2", "webapp",
                         "fpxsim", "waitress")),
    (("webapp/models.py", "webapp/payment_models.py", "webapp/mandate_models.py", "webapp/db.py", "webapp/clock.py"),
     ("webapp.services", "webapp.views", "webapp.forms", "flask")),
    (("webapp/services/*.py",), ("webapp.views", "webapp.forms", "webapp.rendering", "flask", "flask_")),
    (("webapp/views/*.py",), ("webapp.models", "webapp.payment_models", "webapp.mandate_models", "webapp.db", "peewee",
                              "playhouse")),
    (("webapp/**/*.py", "core/**/*.py"), ("fpxsim",)),
]
RULES += [  # issue 12: the bank counter's models
    (("webapp/counter_models.py",), ("webapp.services", "webapp.views", "webapp.forms", "flask")),
    (("webapp/views/*.py",), ("webapp.counter_models",)),
]


@pytest.mark.parametrize(("patterns", "forbidden"), RULES)
def test_imports_only_point_down(patterns, forbidden):
    upward = {}
    for path in modules(*patterns):
        bad = sorted(name for name in imports(path)
                     if any(name == f or name.startswith(f if f.endswith("_") else f + ".") for f in forbidden))
        if bad:
            upward[str(path.relative_to(ROOT))] = bad
    assert upward == {}


def test_the_rule_catches_an_upward_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from webapp.models import User\nimport flask\n")
    assert {"webapp.models", "flask"} <= imports(sneaky)
