"""Payload formats compared on the environment's own event schemas (practice 1.5): JSON, XML, Avro and Protobuf.

`python -m scripts.bench.formats` reads every event schema under `schemas/` (the files `hybrid schemas check`
judges), derives the formats an event has no schema in (derive.py, documented rules), generates sample events
from a fixed seed (samples.py), checks that each format gives back what it was given, then times encode and
decode (measure.py). Figures are reported, never asserted: they depend on the machine.
"""
