"""Rules of the house that import-linter does not check (issue #14, item 4): no module of
the product or the benchmarks imports a private name (`_name`) from another module, and
no product module is much over the ~400 lines a newcomer can read at one sitting."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("gis", "core", "layers", "addresses", "reports", "coverage", "maps", "ops")
ROOTS = (*PRODUCT, "bench")  # whose private names stay in their own module
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
    """The private names (`_name`, not a dunder) the file takes from another module of
    the project: `from x import _name` (absolute or relative) and `x._name` where `x` is
    a module it imported (`import a.b as x`, `from a import b as x` with `b` in lower
    case, as module names are)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    modules, found = {}, []

    def hit(node, name: str) -> None:
        found.append(f"{path.relative_to(root)}:{node.lineno} {name}")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = absolute(node, package)
            if module.split(".")[0] not in ROOTS:
                continue
            for alias in node.names:
                if private(alias.name):
                    hit(node, f"{module}.{alias.name}")
                elif alias.name.islower():  # a module (a class is CapWords: Model._meta)
                    modules[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ROOTS:
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and private(node.attr)
        ):
            hit(node, f"{modules[node.value.id]}.{node.attr}")
    return found


def absolute(node: ast.ImportFrom, package: str) -> str:
    """The module a `from … import` names, a relative one resolved against `package`."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_a_private_name_of_another():
    found = [hit for path in modules((*PRODUCT, "bench")) for hit in private_imports(path)]
    assert found == []


def test_the_rule_sees_a_private_import_in_every_form(tmp_path):
    package = tmp_path / "reports" / "services"
    package.mkdir(parents=True)
    source = package / "m.py"
    source.write_text(
        "import reports.services.filing as f\n"
        "from reports.services import filing, __all__\n"
        "from .filing import _a\n"
        "from os import _exit\n"
        "import os\n"
        "from reports.services.filing import _b\n"
        "f._c, filing._d, filing.public, os._exit, self._e\n"
    )
    hits = sorted(hit.split(" ")[1] for hit in private_imports(source, tmp_path))
    assert hits == [
        "reports.services.filing._a",
        "reports.services.filing._b",
        "reports.services.filing._c",
        "reports.services.filing._d",
    ]


def test_no_product_module_is_much_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {count}"
        for path in modules(PRODUCT)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert long == []
