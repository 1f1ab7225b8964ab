"""Rules as data: pairing policies, visit cadences, rubrics and conditions."""

from foodsafety.rules.pairing_policy import Cadence, PairingPolicy, load_pairing_policy

__all__ = ["Cadence", "PairingPolicy", "load_pairing_policy"]
