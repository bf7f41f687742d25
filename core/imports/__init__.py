"""The one import engine: read → map columns → validate rows → plan → write → report.

Every import of the service (layers, addresses, coverage areas) is a `Kind` declared in
its app's `imports.py` and run by `run_import`. The engine knows files, CRSs, encodings,
row numbers, transactions and COPY; the kinds know their columns, checks and matching.
`core` imports no app: the apps hand their kinds in.
"""

from core.imports.engine import run_import
from core.imports.kinds import Checked, Kind, RawRow
from core.imports.plan import Plan, Planned, match_stored
from core.imports.report import Issue, Outcome, Report

__all__ = [
    "Checked",
    "Issue",
    "Kind",
    "Outcome",
    "Plan",
    "Planned",
    "RawRow",
    "Report",
    "match_stored",
    "run_import",
]
