"""exposure-scan: audit a school's published photos for pupil-image exposure risks."""

__version__ = "0.1.0"
