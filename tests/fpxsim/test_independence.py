"""The exchange and the portal are independent programs: fpxsim never imports webapp or core (a bug in a
shared signer would be invisible), and nothing in webapp or core imports fpxsim (it is never mounted)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(source: str) -> set[str]:
    """Every module a Python source imports: import/from-import statements (relative ones resolved to
    nothing outside the package) and importlib.import_module / __import__ calls with a literal name."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in ("import_module", "__import__"):
                modules.add(node.args[0].value)
    return modules


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no Python files under {package}/"
    found = []
    for path in files:
        for module in imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


def test_the_import_reader_sees_every_kind_of_import():
    source = ("import core.fpx\nfrom webapp.models import X\nimport importlib\n"
              "importlib.import_module('fpxsim.keys')\n__import__('webapp')\nfrom . import sibling\n")
    assert imported_modules(source) == {"core.fpx", "webapp.models", "importlib", "fpxsim.keys", "webapp"}


def test_fpxsim_imports_neither_the_portal_nor_its_core():
    assert offending("fpxsim", ("webapp", "core", "tests", "wsgi")) == []


@pytest.mark.parametrize("package", ["webapp", "core"])
def test_the_portal_never_imports_the_simulator(package):
    assert offending(package, ("fpxsim",)) == []
