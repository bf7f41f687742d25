"""Report step for commands: the lines an import command prints, and its exit."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.imports.report import Report


def print_report(command, report: Report, *, commit: bool, plan_out=None) -> None:
    """Print notes, the plan of a dry run (new and changed rows, old → new), one line per
    issue and the summary; write the whole plan to `plan_out` (CSV) when given.
    CommandError when a row is bad."""
    for note in report.notes:
        command.stdout.write(_("note: %(note)s") % {"note": note})
    if not commit:
        for line in report.plan_lines():
            command.stdout.write(line)
    for line in report.error_lines():
        command.stdout.write(line)
    if plan_out:
        count = report.write_plan_csv(plan_out)
        command.stdout.write(
            _("plan: %(count)d lines written to %(file)s") % {"count": count, "file": plan_out}
        )
    command.stdout.write(report.summary())
    if not report.ok:
        raise CommandError(
            _("%(count)d rows have errors; nothing was written.") % {"count": len(report.errors)}
        )
    if not commit:
        command.stdout.write(_("Dry run: add --commit to write."))
    else:
        command.stdout.write(command.style.SUCCESS(_("Committed.")))
