"""`make bench` is not run by CI, so a renamed import breaks it silently: import what it runs."""

import importlib


def test_make_bench_imports_every_module_it_runs():
    module = importlib.import_module("tests.bench.__main__")  # imports every measuring module
    assert callable(module.main)
