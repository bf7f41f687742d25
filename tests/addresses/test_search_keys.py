"""The distinct street search keys (StreetKey) that search scores: kept right by the
database however streets are written, renamed or deleted."""

from addresses.models import Street, StreetKey


def _keys():
    return set(StreetKey.objects.values_list("search_name", "search_latin"))


def test_a_new_street_adds_its_keys_once_however_many_villages_share_the_name(settlement, village):
    Street.objects.create(settlement=settlement, name="Шевченка")
    Street.objects.bulk_create([Street(settlement=village, name="Шевченка")])
    assert _keys() == {("шевченка", "sevcenka")}


def test_a_renamed_street_swaps_its_key_and_the_old_one_goes_when_unused(settlement, village):
    first = Street.objects.create(settlement=settlement, name="Садова")
    second = Street.objects.create(settlement=village, name="Садова")
    first.name = "Квіткова"
    first.save()
    assert _keys() == {("садова", "sadova"), ("квіткова", "kvitkova")}
    Street.objects.filter(pk=second.pk).update(name="Лугова", search_latin="lugova")
    assert _keys() == {("квіткова", "kvitkova"), ("лугова", "lugova")}


def test_a_deleted_street_takes_its_key_along_when_no_other_street_has_it(settlement, village):
    kept = Street.objects.create(settlement=settlement, name="Миру")
    gone = Street.objects.create(settlement=village, name="Миру")
    lone = Street.objects.create(settlement=village, name="Зелена")
    Street.objects.filter(pk__in=[gone.pk, lone.pk]).delete()
    assert _keys() == {(kept.search_name, kept.search_latin)}
