"""Records of the domain (pydantic): jurisdictions, bodies and officials, businesses, cadres,
pairing assignments, pledges, visits and routine records, township offices and titles,
campaigns, findings and their rectification.

Every record validates on construction and raises
:class:`~foodsafety.errors.RecordValidationError` naming the record, field and value.
"""

from foodsafety.models.bodies import Body, Governance, Official, body_id, standard_bodies
from foodsafety.models.business import LICENCE_PREFIX, Business
from foodsafety.models.cadre import Cadre
from foodsafety.models.campaign import (
    Campaign,
    CampaignFile,
    CampaignResult,
    CampaignRubric,
    EvidenceFeed,
    Inspection,
    InspectionGroup,
    InspectionProblem,
    Phase,
    SelfInspectionReport,
    SubjectResult,
)
from foodsafety.models.finding import (
    TRANSITIONS,
    Finding,
    FindingEvent,
    IllegalTransitionError,
    Rectification,
    replay,
)
from foodsafety.models.jurisdiction import ZONE_CODE_PATTERN, Jurisdiction, JurisdictionTree
from foodsafety.models.offices import DemonstrationTitle, StarRating, TownshipOffice, star_on
from foodsafety.models.pairing import PairingAssignment, PairingDocument
from foodsafety.models.routine import RoutineRecord, period_end
from foodsafety.models.visit import Visit

__all__ = [
    "LICENCE_PREFIX",
    "TRANSITIONS",
    "ZONE_CODE_PATTERN",
    "Body",
    "Business",
    "Cadre",
    "Campaign",
    "CampaignFile",
    "CampaignResult",
    "CampaignRubric",
    "DemonstrationTitle",
    "EvidenceFeed",
    "Finding",
    "FindingEvent",
    "Governance",
    "IllegalTransitionError",
    "Inspection",
    "InspectionGroup",
    "InspectionProblem",
    "Jurisdiction",
    "JurisdictionTree",
    "Official",
    "PairingAssignment",
    "PairingDocument",
    "Phase",
    "Rectification",
    "RoutineRecord",
    "SelfInspectionReport",
    "StarRating",
    "SubjectResult",
    "TownshipOffice",
    "Visit",
    "body_id",
    "period_end",
    "replay",
    "standard_bodies",
    "star_on",
]
