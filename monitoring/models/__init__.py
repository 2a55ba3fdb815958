"""Models of the monitoring app, one module per part of the domain."""

from monitoring.models.results import (
    Assessment,
    EgeMinScore,
    HeaderMapping,
    ResultImport,
    SchoolStat,
    StudentResult,
)

__all__ = ["Assessment", "EgeMinScore", "HeaderMapping", "ResultImport", "SchoolStat", "StudentResult"]
from monitoring.models.indicators import (
    Campaign,
    IndicatorDefinition,
    IndicatorValue,
    ReportedValue,
)
from monitoring.models.zoning import Colour, Zone, ZoningMethod, ZoningRule

__all__ += [
    "Campaign",
    "Colour",
    "IndicatorDefinition",
    "IndicatorValue",
    "ReportedValue",
    "Zone",
    "ZoningMethod",
    "ZoningRule",
]
from monitoring.models.targeting import Recommendation, TargetedMeasure

__all__ += ["Recommendation", "TargetedMeasure"]
