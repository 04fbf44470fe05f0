"""Use cases: each public function is one transaction; they raise core.errors exceptions."""
