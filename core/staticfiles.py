"""Static files: the front-end packages' directories without what no page loads.

The packages' `dist` folders also hold builds for bundlers (protomaps-leaflet's `esm/`
and `cjs/`, Leaflet's ES module source), development builds and type declarations, which
collectstatic would hash and compress (gzip and brotli) at every set-up. They are left out
of collectstatic's listing here, in a finder, rather than by replacing the staticfiles app's
config: django.contrib.staticfiles stays in INSTALLED_APPS under its own name, which other
tools look for (pytest-django's live server serves static files only then).
"""

from django.contrib.staticfiles.finders import FileSystemFinder as BaseFileSystemFinder

UNUSED_BUILDS = ["*-dev.js", "*-dev.js.map", "*.d.ts", "*.d.cts", "esm", "cjs", "*-src.esm.js*"]


class FileSystemFinder(BaseFileSystemFinder):
    """STATICFILES_DIRS, listed for collectstatic without UNUSED_BUILDS. Source maps of
    the files kept stay: the manifest storage checks their references."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *UNUSED_BUILDS])
