"""Records of the domain (pydantic): jurisdictions, bodies and officials, businesses, cadres,
pairing assignments, pledges, visits and routine records.

Every record validates on construction and raises
:class:`~foodsafety.errors.RecordValidationError` naming the record, field and value.
"""

from foodsafety.models.bodies import Body, Governance, Official, body_id, standard_bodies
from foodsafety.models.jurisdiction import ZONE_CODE_PATTERN, Jurisdiction, JurisdictionTree

__all__ = [
    "ZONE_CODE_PATTERN",
    "Body",
    "Governance",
    "Jurisdiction",
    "JurisdictionTree",
    "Official",
    "body_id",
    "standard_bodies",
]
