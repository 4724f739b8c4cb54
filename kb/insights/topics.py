"""Gap topics: failed questions grouped, kept stable from day to day.

DEFAULT_THRESHOLD was chosen by
`python -m benchmarks.insights clustering --part tuning --sweep`.
"""

from __future__ import annotations

DEFAULT_THRESHOLD = 0.19
