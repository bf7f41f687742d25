"""Reads of the address register (DESIGN.md §2: selectors), split by use; import from here.

* `search`: search and geocoding, streets first, then house numbers;
* `reverse`: the nearest active address to a point;
* `verification`: counts per village and the likely problems to check.
"""

from addresses.selectors.detail import address_feature_geojson
from addresses.selectors.reverse import (
    REVERSE_MAX_M,
    address_nearest_id,
    address_reverse_geojson,
    address_reverse_sql,
)
from addresses.selectors.search import (
    ADDRESS_PROPERTIES,
    MAX_QUERY_LENGTH,
    MIN_QUERY_LENGTH,
    SEARCH_SETTINGS_SQL,
    WORD_SIMILARITY_THRESHOLD,
    GeocodedAddress,
    SearchRequest,
    address_geocode_best,
    address_geocode_geojson,
    address_located_get,
    address_search_geojson,
    address_search_sql,
    search_query_parse,
)
from addresses.selectors.verification import (
    PROBLEM_TITLES,
    PROBLEMS_LIMIT,
    address_problems_list,
    verification_overview,
)

__all__ = [
    "ADDRESS_PROPERTIES",
    "MAX_QUERY_LENGTH",
    "MIN_QUERY_LENGTH",
    "PROBLEMS_LIMIT",
    "PROBLEM_TITLES",
    "REVERSE_MAX_M",
    "SEARCH_SETTINGS_SQL",
    "WORD_SIMILARITY_THRESHOLD",
    "GeocodedAddress",
    "SearchRequest",
    "address_feature_geojson",
    "address_geocode_best",
    "address_geocode_geojson",
    "address_located_get",
    "address_nearest_id",
    "address_problems_list",
    "address_reverse_geojson",
    "address_reverse_sql",
    "address_search_geojson",
    "address_search_sql",
    "search_query_parse",
    "verification_overview",
]
