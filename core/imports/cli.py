"""Report step for commands: the lines an import command prints, and its exit."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.imports.report import Report


def print_report(command, report: Report, *, commit: bool) -> None:
    """Print notes, one line per issue and the summary; CommandError when a row is bad."""
    for note in report.notes:
        command.stdout.write(_("note: %(note)s") % {"note": note})
    for line in report.error_lines():
        command.stdout.write(line)
    command.stdout.write(report.summary())
    if not report.ok:
        raise CommandError(
            _("%(count)d rows have errors; nothing was written.") % {"count": len(report.errors)}
        )
    if not commit:
        command.stdout.write(_("Dry run: add --commit to write."))
    else:
        command.stdout.write(command.style.SUCCESS(_("Committed.")))
