"""Translation checks, per turn (pure Python; the stored flags are in ``stored``).
"""
from .catalogue import BY_ID, CHECKS, Check
from .names import KnownNames
from .turns import Finding, TurnText, check_episode

__all__ = ["BY_ID", "CHECKS", "Check", "Finding", "KnownNames", "TurnText", "check_episode"]
