"""Project-wide test settings: Hypothesis profiles, chosen by WINSMS_HYPOTHESIS_PROFILE.

``dev`` (default) is quick, ``ci`` is what .ci/run uses, ``thorough`` is for a
long run before a release.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("WINSMS_HYPOTHESIS_PROFILE", "dev"))

pytest_plugins = ["pytester"]
