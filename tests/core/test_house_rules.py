"""Rules of the house that import-linter does not check (issue #14, item 4): no module of
the product or the benchmarks imports a private name (`_name`) from another module, and
no product module is much over the ~400 lines a newcomer can read at one sitting."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("gis", "core", "layers", "addresses", "reports", "coverage", "maps", "ops")
MAX_LINES = 420  # "~400": a module past this is to be split


def modules(packages):
    """The .py files of `packages`, migrations and virtualenvs left out."""
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or any(part.startswith(".venv") for part in parts):
                continue
            yield path


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """`from x import _name` of a product module `x` in the file (a dunder is public)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if node.module.split(".")[0] not in PRODUCT:
            continue
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.module}.{alias.name}")
    return found


def test_no_module_imports_a_private_name_of_another():
    found = [hit for path in modules((*PRODUCT, "bench")) for hit in private_imports(path)]
    assert found == []


def test_the_rule_sees_a_private_import(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("from reports.services.filing import _x, __all__\nfrom os import _exit\n")
    hits = [hit.split(" ")[1] for hit in private_imports(source, tmp_path)]
    assert hits == ["reports.services.filing._x"]


def test_no_product_module_is_much_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {count}"
        for path in modules(PRODUCT)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []
