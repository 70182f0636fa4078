"""Capture: media sources → keyframe-aligned MPEG-TS segments in a hash-chained archive."""
