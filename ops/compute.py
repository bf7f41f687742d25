"""Pure helpers for backups: manifests, checksums, rotation. No ORM, no settings."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
BACKUP_PREFIX = "hromada-"
ENCRYPTED_NAME = "backup.tar.gpg"


@dataclass
class Manifest:
    """What a backup folder holds: file names with SHA-256 sums and sizes, and versions."""

    created_at: str
    database: str
    files: dict[str, dict] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    format: int = 1
    # "gpg" when the dump and media are in ENCRYPTED_NAME, encrypted to a public key.
    encrypted: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        return cls(**data)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def describe_files(folder: Path, names: list[str]) -> dict[str, dict]:
    """Return {name: {"sha256", "bytes"}} for the named files of a folder."""
    return {
        name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
        for name in names
    }


def verify(folder: Path, manifest: Manifest) -> list[str]:
    """Return the problems found checking a backup folder against its manifest (none = ok)."""
    problems = []
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != expected["sha256"]:
            problems.append(f"{name}: SHA-256 does not match the manifest")
    return problems


def backups_to_remove(names: list[str], keep: int) -> list[str]:
    """Return the backup folder names beyond the newest `keep` (names sort by time)."""
    ours = sorted(n for n in names if n.startswith(BACKUP_PREFIX))
    return ours[:-keep] if keep > 0 else ours
