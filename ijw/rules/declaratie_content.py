"""Level-2 rules (bericht inhoud) on a received JW323 declaratie. All give retourcode 0001."""

from __future__ import annotations
