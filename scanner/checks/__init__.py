"""Checks, one module each. Importing a module registers its check: one line per check."""

from scanner.checks.interface import REGISTRY, Check, CheckContext, Hit, check

from scanner.checks import name_with_image  # noqa: E402,F401  isort: skip
from scanner.checks import name_in_file  # noqa: E402,F401  isort: skip
from scanner.checks import location_in_metadata  # noqa: E402,F401  isort: skip
from scanner.checks import identifying_metadata  # noqa: E402,F401  isort: skip
from scanner.checks import high_resolution  # noqa: E402,F401  isort: skip
from scanner.checks import camera_original  # noqa: E402,F401  isort: skip
from scanner.checks import original_exposed  # noqa: E402,F401  isort: skip
from scanner.checks import public_audience  # noqa: E402,F401  isort: skip
from scanner.checks import place_checkin  # noqa: E402,F401  isort: skip
from scanner.checks import people_tagged  # noqa: E402,F401  isort: skip
from scanner.checks import old_post  # noqa: E402,F401  isort: skip
from scanner.checks import linked_name  # noqa: E402,F401  isort: skip
from scanner.checks import larger_copy_elsewhere  # noqa: E402,F401  isort: skip
from scanner.checks import no_consent_name  # noqa: E402,F401  isort: skip
from scanner.checks import identifiable_faces  # noqa: E402,F401  isort: skip

__all__ = ["REGISTRY", "Check", "CheckContext", "Hit", "check"]
