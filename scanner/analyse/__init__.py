"""Analyse stage: media bytes -> MediaFacts (pixels, metadata, fingerprints, faces)."""
