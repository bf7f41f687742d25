"""Tiles are the same bytes in every language: no `Vary: Accept-Language` on them.

Django's LocaleMiddleware adds `Vary: Accept-Language` to every answer, which splits a
shared cache's copy of a tile into one per browser language. A view marks an answer that
does not depend on the language (`response.language_independent = True`) and, when it
is the same for every visitor, on the cookie either (`response.visitor_independent`);
this middleware, outside LocaleMiddleware and SessionMiddleware, takes those out of Vary.
"""

from django.utils.cache import cc_delim_re


class LanguageIndependentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "language_independent", False) and response.has_header("Vary"):
            drop = {"accept-language"}
            if getattr(response, "visitor_independent", False):
                drop.add("cookie")
            kept = [v for v in cc_delim_re.split(response["Vary"]) if v.lower() not in drop]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
