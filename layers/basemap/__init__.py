"""The basemap under every web map (DESIGN.md §5: no map is ever blank).

* Online: OpenStreetMap's tiles (or BASEMAP_URL's) through our caching proxy at
  `/basemap/{z}/{x}/{y}.png` (`services.basemap_tile`, `upstream`, `diskcache`).
* Offline: an imported OSM extract (`basemap_import`, `osm`, `models`) drawn from our
  own vector tiles at `/basemap/{z}/{x}/{y}.pbf`.
* Neither: the community's own data (territory, villages, addresses) as the basemap.

`selectors.basemap_choice()` says which one is shown; `style` declares how it looks in
the one style document (`layers.tiles.style`).
"""
