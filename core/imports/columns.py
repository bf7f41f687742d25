"""Map-columns step: find each role's column in a file's header."""

from collections.abc import Iterable, Mapping

SHAPEFILE_NAME_LENGTH = 10  # DBF truncates column names to 10 characters


def map_columns(
    header: Iterable[str], roles: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, str], list[str]]:
    """Return ({role: column}, columns no role uses) for a lower-cased header.

    A role takes the first of its names present. A 10-character column that starts
    exactly one role's name is taken as that name cut by the Shapefile format
    ("territory_" → "territory_katottg").
    """
    header = list(header)
    present = set(header)
    found = {}
    for role, names in roles.items():
        column = next((name for name in names if name in present), None)
        if column is not None:
            found[role] = column
    used = set(found.values())
    for column in header:
        if column in used or len(column) != SHAPEFILE_NAME_LENGTH:
            continue
        matches = [role for role in roles if role.startswith(column)]
        if len(matches) == 1 and matches[0] not in found:
            found[matches[0]] = column
            used.add(column)
    return found, [column for column in header if column not in used]
