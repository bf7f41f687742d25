"""core.geometry: why a geometry is refused, said so that the person who drew it understands."""


def test_geos_reasons_are_said_in_the_page_language_with_their_place():
    from django.utils import translation

    from core.geometry import readable_reason

    reason = "Too few points in geometry component[32.65 48.88]"
    with translation.override("en"):
        assert readable_reason(reason) == (
            "a part has fewer than three corners (close the shape with one click on its first "
            "corner) (32.65 48.88)"
        )
        assert readable_reason("Something new[1 2]") == "Something new[1 2]"
    with translation.override("uk"):
        assert readable_reason("Self-intersection[32.7 48.8]") == (
            "контур перетинає сам себе (32.7 48.8)"
        )
