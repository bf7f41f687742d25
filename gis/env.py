"""Reading the environment for gis/settings.py: every value that varies between machines
comes from an environment variable; unset or blank means the setting's default."""

import os
import secrets
from pathlib import Path


def env_raw(name: str, default=None):
    """An environment variable; unset or blank (an env_file's `NAME=` line, as in
    .env.example) counts as unset, so the setting keeps its default."""
    value = os.environ.get(name)
    return default if value is None or not value.strip() else value


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """An integer from the environment; unset or empty (an env_file's `NAME=`) is `default`."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_str(name: str, default: str = "") -> str:
    """A string from the environment; unset or empty is `default`."""
    return os.environ.get(name, "").strip() or default


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list, dropping blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key(var_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in `var_dir`."""
    if key := env_raw("SECRET_KEY"):
        return key
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: of processes starting at
    # once (gunicorn workers, parallel test workers) one key wins and all read that one.
    key = secrets.token_urlsafe(50)
    draft = var_dir / f"secret_key.{os.getpid()}"
    draft.write_text(key)
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()
