"""Where the time of a page load goes on the rural phone (bench/phone_bench.py).

An init script (TIMELINE_JS) records, in the page's own clock (milliseconds from
navigation start, the clock of the Resource Timing entries):

* every map as the page makes it (a setter on `window.hromadaMaps`, which layers/map.js
  assigns right after `L.map`), then per map its view set (Leaflet's `load`), every
  `idle`, and per tile layer (the basemap, the vector shapes, the vector labels: its
  class name) its first tiles asked for and all of them drawn; a MapLibre map (the
  floor of earlier runs) per source, as before;
* the long animation frames (`long-animation-frame`, 50 ms and more) with the scripts
  that ran in them (URL, how invoked, start, duration): script evaluation and long tasks.

COLLECT_JS then reads these, the navigation timing (HTML response end, DOMContentLoaded,
load) and every resource's timing (requested, response end, bytes). `timeline()` merges
them into one list of events in time order; `long_tasks()` lists the long frames.
Kept apart from the runner so the formatting is tested without a browser.
"""

from __future__ import annotations

from urllib.parse import urlsplit

TIMELINE_JS = """
(() => {
  const t = () => Math.round(performance.now());
  const tl = window.__hromadaTimeline = { maps: [], frames: [] };
  function watch(map) {
    const rec = { made: t(), style: null, load: null, idles: [], sources: {} };
    tl.maps.push(rec);
    const source = (id) => rec.sources[id]
      || (rec.sources[id] = { asked: null, drawn: null, tiles: 0 });
    map.once('styledata', () => { rec.style = t(); });
    map.once('load', () => { rec.load = t(); });
    map.on('idle', () => { rec.idles.push(t()); });
    map.on('layeradd', (e) => {  // Leaflet: a tile layer's first round of tiles
      const id = e.layer.options && e.layer.options.className;
      if (!id || !e.layer.isLoading) return;
      const s = source(id);
      e.layer.once('loading', () => { if (s.asked === null) s.asked = t(); });
      e.layer.once('load', () => { if (s.drawn === null) s.drawn = t(); });
      e.layer.on('tileload', () => { if (s.drawn === null) s.tiles += 1; });
    });
    map.on('dataloading', (e) => {
      if (e.dataType !== 'source' || !e.sourceId) return;
      const s = source(e.sourceId);
      if (s.asked === null) s.asked = t();
    });
    map.on('sourcedata', (e) => {
      if (!e.sourceId) return;
      const s = source(e.sourceId);
      if (e.tile) { s.tiles += 1; }
      if (s.asked === null) s.asked = t();
      if (s.drawn === null && (e.tile || (e.isSourceLoaded && e.sourceDataType !== 'metadata'))) {
        s.drawn = t();
      }
    });
  }
  let maps = [];
  Object.defineProperty(window, 'hromadaMaps', {
    configurable: true,
    get() { return maps; },
    set(value) {
      [].concat(value || []).forEach((map) => { if (maps.indexOf(map) < 0) watch(map); });
      maps = value;
    },
  });
  try {
    new PerformanceObserver((list) => list.getEntries().forEach((frame) => {
      tl.frames.push({
        start: Math.round(frame.startTime), duration: Math.round(frame.duration),
        blocking: Math.round(frame.blockingDuration || 0),
        scripts: (frame.scripts || []).map((s) => ({
          url: s.sourceURL || '', invoker: s.invoker || '', type: s.invokerType || '',
          start: Math.round(s.executionStart || s.startTime), duration: Math.round(s.duration),
        })),
      });
    })).observe({ type: 'long-animation-frame', buffered: true });
  } catch (error) { tl.frames = null; }  // a browser without the API
})();
"""

COLLECT_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const r = (v) => Math.round(v || 0);
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    navigation: { responseStart: r(nav.responseStart), responseEnd: r(nav.responseEnd),
      domContentLoaded: r(nav.domContentLoadedEventEnd), load: r(nav.loadEventEnd),
      bytes: nav.transferSize || 0 },
    fcp: fcp ? r(fcp.startTime) : null,
    resources: performance.getEntriesByType('resource').map((e) => ({
      url: e.name, type: e.initiatorType, start: r(e.startTime), end: r(e.responseEnd),
      bytes: e.transferSize || 0, blocking: e.renderBlockingStatus || '' })),
    maps: (window.__hromadaTimeline || {}).maps || [],
    frames: (window.__hromadaTimeline || {}).frames,
  };
}"""

# Requests named in the timeline one by one; the tiles and the API are summed per group.
GROUPS = (("/basemap/", "basemap tiles"), ("/tiles/", "vector tiles"), ("/api/", "API data"))


def short(url: str) -> str:
    """The last part of a URL's path, without a static file's hash: `leaflet.js`."""
    path = urlsplit(url).path.rstrip("/")
    name = path.rsplit("/", 1)[-1] or path or url
    stem, dot, ext = name.rpartition(".")
    if dot and "." in stem and len(stem.rsplit(".", 1)[1]) == 12:  # ManifestStaticFilesStorage
        name = f"{stem.rsplit('.', 1)[0]}.{ext}"
    return name


def group_of(url: str) -> str | None:
    path = urlsplit(url).path
    if path.endswith("style.json"):
        return None
    return next((name for prefix, name in GROUPS if path.startswith(prefix)), None)


def timeline(data: dict) -> list[tuple[int, str]]:
    """The load's events in time order: (ms from navigation start, what happened)."""
    events: list[tuple[int, str]] = []
    nav = data.get("navigation") or {}
    kb = nav.get("bytes", 0) / 1000
    events.append((nav.get("responseStart", 0), "HTML first byte"))
    events.append((nav.get("responseEnd", 0), f"HTML response end ({kb:.1f} kB)"))
    if data.get("fcp") is not None:
        events.append((data["fcp"], "first contentful paint"))
    events.append((nav.get("domContentLoaded", 0), "DOMContentLoaded"))
    events.append((nav.get("load", 0), "load event"))
    evaluated = script_runs(data.get("frames") or [])
    groups: dict[str, list[dict]] = {}
    for res in data.get("resources") or []:
        group = group_of(res["url"])
        if group:
            groups.setdefault(group, []).append(res)
            continue
        name = short(res["url"])
        blocking = " render-blocking" if res.get("blocking") == "blocking" else ""
        text = (
            f"{name}: asked at {res['start']}, arrived ({res['bytes'] / 1000:.1f} kB"
            f"{blocking}, {res['end'] - res['start']} ms)"
        )
        events.append((res["end"], text))
        for start, duration in evaluated.get(res["url"], []):
            events.append((start, f"{name}: evaluated, {duration} ms"))
    for group, items in groups.items():
        first = min(items, key=lambda item: item["start"])
        last = max(items, key=lambda item: item["end"])
        total = sum(item["bytes"] for item in items) / 1000
        what = f"{group}: first asked ({len(items)} requests, {total:.1f} kB)"
        events.append((first["start"], what))
        events.append((min(item["end"] for item in items), f"{group}: first arrived"))
        events.append((last["end"], f"{group}: last arrived"))
    for number, rec in enumerate(data.get("maps") or [], start=1):
        tag = f"map {number}" if len(data["maps"]) > 1 else "map"
        events.append((rec["made"], f"{tag}: constructed (the map object returned)"))
        for key, text in (("style", "style loaded"), ("load", "'load'")):
            if rec.get(key) is not None:
                events.append((rec[key], f"{tag}: {text}"))
        for source, times in sorted(rec.get("sources", {}).items()):
            if times.get("asked") is not None:
                events.append((times["asked"], f"{tag}: source {source} first asked"))
            if times.get("drawn") is not None:
                events.append(
                    (times["drawn"], f"{tag}: source {source} first data ({times['tiles']} tiles)")
                )
        idles = rec.get("idles") or []
        if idles:
            events.append((idles[0], f"{tag}: first 'idle'"))
        if len(idles) > 1:
            events.append((idles[-1], f"{tag}: last 'idle' ({len(idles)} in all)"))
    return sorted(events, key=lambda event: event[0])


def script_runs(frames: list[dict]) -> dict[str, list[tuple[int, int]]]:
    """Per script URL, its evaluations (start, ms) seen in long animation frames."""
    runs: dict[str, list[tuple[int, int]]] = {}
    for frame in frames:
        for script in frame.get("scripts", []):
            if script.get("type") == "classic-script" and script.get("url"):
                runs.setdefault(script["url"], []).append((script["start"], script["duration"]))
    return runs


def long_tasks(frames: list[dict] | None, until: float | None = None) -> list[str]:
    """The long animation frames (≥ 50 ms), with the scripts that took their time."""
    if frames is None:
        return ["(no long-animation-frame API in this browser)"]
    lines = []
    for frame in frames:
        if until is not None and frame["start"] > until:
            continue
        scripts = sorted(frame.get("scripts", []), key=lambda s: -s["duration"])
        what = "; ".join(
            f"{short(s['url']) or '?'} {s['type']} {s['invoker'][:40]} {s['duration']} ms"
            for s in scripts[:3]
            if s["duration"] >= 5
        )
        lines.append(f"{frame['start']:>6} +{frame['duration']:>4} ms  {what or '(rendering)'}")
    return lines


def busy_in_frames(frames: list[dict] | None, until: float) -> int:
    """Milliseconds of long frames started before `until`: the CPU's share of the wait."""
    return sum(frame["duration"] for frame in frames or [] if frame["start"] <= until)


def report(data: dict, usable_ms: float | None = None) -> str:
    """The timeline and the long frames as text, up to the usable map when given."""
    lines = [f"{ms:>6} ms  {text}" for ms, text in timeline(data)]
    frames = data.get("frames")
    lines.append(
        f"long animation frames (≥ 50 ms){' until usable' if usable_ms else ''}:"
        f" {busy_in_frames(frames, usable_ms or float('inf'))} ms in all"
    )
    lines.extend(f"  {line}" for line in long_tasks(frames, usable_ms))
    return "\n".join(lines)
