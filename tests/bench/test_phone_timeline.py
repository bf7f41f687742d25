"""The rural-phone benchmark's timeline, without a browser: merging and naming events."""

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
            "url": "http://h/static/vendor/maplibre-gl/maplibre-gl.0123456789ab.js",
            "type": "script",
            "start": 450,
            "end": 1600,
            "bytes": 225_000,
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
            "style": 2300,
            "load": 3300,
            "idles": [3500, 4000],
            "sources": {"basemap": {"asked": 2400, "drawn": 3000, "tiles": 2}},
        }
    ],
    "frames": [
        {
            "start": 1600,
            "duration": 300,
            "blocking": 250,
            "scripts": [
                {
                    "url": "http://h/static/vendor/maplibre-gl/maplibre-gl.0123456789ab.js",
                    "invoker": "http://h/static/vendor/maplibre-gl/maplibre-gl.0123456789ab.js",
                    "type": "classic-script",
                    "start": 1605,
                    "duration": 280,
                }
            ],
        }
    ],
}


def test_a_static_file_is_named_without_its_hash():
    assert short("http://h/static/vendor/maplibre-gl/maplibre-gl.0123456789ab.js") == (
        "maplibre-gl.js"
    )
    assert short("http://h/tiles/style.json") == "style.json"


def test_the_timeline_is_in_time_order_with_scripts_tiles_and_map_events():
    events = timeline(DATA)
    assert [ms for ms, _ in events] == sorted(ms for ms, _ in events)
    texts = {text: ms for ms, text in events}
    assert texts["maplibre-gl.js: evaluated, 280 ms"] == 1605
    assert texts["basemap tiles: first asked (2 requests, 20.0 kB)"] == 2500
    assert texts["basemap tiles: last arrived"] == 3100
    assert texts["map: first 'idle'"] == 3500
    assert texts["map: source basemap first data (2 tiles)"] == 3000
    assert any(text.startswith("style.json: asked at 460") for text in texts)


def test_long_frames_name_their_scripts_and_stop_at_the_usable_map():
    assert long_tasks(DATA["frames"])[0].split()[:4] == ["1600", "+", "300", "ms"]
    assert "maplibre-gl.js classic-script" in long_tasks(DATA["frames"])[0]
    assert long_tasks(DATA["frames"], until=1000) == []
    assert long_tasks(None) == ["(no long-animation-frame API in this browser)"]
    assert "300 ms in all" in report(DATA, 5000)
