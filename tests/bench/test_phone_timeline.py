"""The rural-phone benchmark's timeline, without a browser: merging and naming events.
DATA is what TIMELINE_JS and COLLECT_JS record of a Leaflet page (layers/map.js): the
map's tile layers named by their class; MAPLIBRE_MAP a MapLibre map of the floor runs."""

from bench.phone_timeline import long_tasks, report, short, timeline

DATA = {
    "navigation": {
        "responseStart": 300,
        "responseEnd": 420,
        "domContentLoaded": 2000,
        "load": 2100,
        "bytes": 8000,
    },
    "fcp": 900,
    "resources": [
        {
            "url": "http://h/static/vendor/leaflet/leaflet.0123456789ab.js",
            "type": "script",
            "start": 450,
            "end": 1600,
            "bytes": 45_000,
            "blocking": "",
        },
        {
            "url": "http://h/tiles/settlements/9/301/176.pbf",
            "type": "fetch",
            "start": 2450,
            "end": 2800,
            "bytes": 3_000,
            "blocking": "",
        },
        {
            "url": "http://h/basemap/9/1/2.png",
            "type": "img",
            "start": 2500,
            "end": 2900,
            "bytes": 10_000,
            "blocking": "",
        },
        {
            "url": "http://h/basemap/9/1/3.png",
            "type": "img",
            "start": 2510,
            "end": 3100,
            "bytes": 10_000,
            "blocking": "",
        },
        {
            "url": "http://h/tiles/style.json",
            "type": "fetch",
            "start": 460,
            "end": 700,
            "bytes": 5_800,
            "blocking": "",
        },
    ],
    "maps": [
        {
            "made": 2200,
            "style": None,  # MapLibre's "styledata": a Leaflet map has none
            "load": 2300,
            "idles": [3500, 4000],
            "sources": {
                "hromada-basemap": {"asked": 2400, "drawn": 3000, "tiles": 0},
                "hromada-vector": {"asked": 2420, "drawn": 3200, "tiles": 0},
            },
        }
    ],
    "frames": [
        {
            "start": 1600,
            "duration": 300,
            "blocking": 250,
            "scripts": [
                {
                    "url": "http://h/static/vendor/leaflet/leaflet.0123456789ab.js",
                    "invoker": "http://h/static/vendor/leaflet/leaflet.0123456789ab.js",
                    "type": "classic-script",
                    "start": 1605,
                    "duration": 280,
                }
            ],
        }
    ],
}


def test_a_static_file_is_named_without_its_hash():
    assert short("http://h/static/vendor/leaflet/leaflet.0123456789ab.js") == "leaflet.js"
    assert short("http://h/static/vendor/protomaps-leaflet/protomaps-leaflet.0123456789ab.js") == (
        "protomaps-leaflet.js"
    )
    assert short("http://h/static/layers/map.js") == "map.js"  # no hash: kept whole
    assert short("http://h/tiles/style.json") == "style.json"


def test_the_timeline_is_in_time_order_with_scripts_tiles_and_map_events():
    events = timeline(DATA)
    assert [ms for ms, _ in events] == sorted(ms for ms, _ in events)
    texts = {text: ms for ms, text in events}
    assert texts["leaflet.js: evaluated, 280 ms"] == 1605
    assert texts["basemap tiles: first asked (2 requests, 20.0 kB)"] == 2500
    assert texts["basemap tiles: last arrived"] == 3100
    assert texts["vector tiles: first asked (1 requests, 3.0 kB)"] == 2450
    assert texts["map: constructed (the map object returned)"] == 2200
    assert texts["map: 'load'"] == 2300
    assert texts["map: first 'idle'"] == 3500
    assert texts["map: last 'idle' (2 in all)"] == 4000
    assert texts["map: source hromada-basemap first asked"] == 2400
    assert texts["map: source hromada-vector first asked"] == 2420
    drawn = {ms: text for text, ms in texts.items() if "first data" in text}
    assert drawn[3000].startswith("map: source hromada-basemap first data")
    assert drawn[3200].startswith("map: source hromada-vector first data")
    assert not any("style loaded" in text for text in texts)  # no such event in Leaflet
    assert any(text.startswith("style.json: asked at 460") for text in texts)
    # The tiles are summed per group, not listed one by one.
    assert not any(text.startswith(("176.pbf", "2.png")) for text in texts)


MAPLIBRE_MAP = {
    "made": 2200,
    "style": 2300,
    "load": 3300,
    "idles": [3500],
    "sources": {"basemap": {"asked": 2400, "drawn": 3000, "tiles": 2}},
}


def test_a_maplibre_map_of_the_floor_runs_is_still_read_per_source():
    texts = {text: ms for ms, text in timeline({**DATA, "maps": [MAPLIBRE_MAP]})}
    assert texts["map: style loaded"] == 2300
    assert texts["map: 'load'"] == 3300
    assert texts["map: source basemap first data (2 tiles)"] == 3000
    assert not any("last 'idle'" in text for text in texts)


def test_two_maps_are_numbered():
    texts = [text for _, text in timeline({**DATA, "maps": [DATA["maps"][0], MAPLIBRE_MAP]})]
    assert "map 1: 'load'" in texts and "map 2: style loaded" in texts


def test_long_frames_name_their_scripts_and_stop_at_the_usable_map():
    assert long_tasks(DATA["frames"])[0].split()[:4] == ["1600", "+", "300", "ms"]
    assert "leaflet.js classic-script" in long_tasks(DATA["frames"])[0]
    assert long_tasks(DATA["frames"], until=1000) == []
    assert long_tasks(None) == ["(no long-animation-frame API in this browser)"]
    assert "300 ms in all" in report(DATA, 5000)
