"""Messages of the pure parsers (addresses.compute) in the active language."""

from django.utils.translation import gettext

from addresses.compute import MessageError


def message_of(error: Exception) -> str:
    """Return the error's message in the active language: a MessageError's template
    translated and filled with its parameters; any other error as str()."""
    if not isinstance(error, MessageError):
        return str(error)
    template = gettext(error.template)
    return template % error.params if error.params else template
