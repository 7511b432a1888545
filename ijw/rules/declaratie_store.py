"""Level-3 and level-4 rules on a received JW323 declaratie, against what the store knows."""

from __future__ import annotations
