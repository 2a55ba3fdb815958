"""Models of the monitoring app, one module per part of the domain."""

from monitoring.models.clusters import Cluster, Clustering, ClusterMember
from monitoring.models.identification import (
    IdentificationCriterion,
    IdentificationEntry,
    IdentificationList,
    IdentificationMethod,
)
from monitoring.models.indicators import Campaign, IndicatorDefinition, IndicatorValue, ReportedValue
from monitoring.models.inschool import ClassTeacher, TaskStat
from monitoring.models.results import (
    Assessment,
    EgeMinScore,
    HeaderMapping,
    ResultImport,
    SchoolStat,
    StudentResult,
)
from monitoring.models.targeting import (
    Recommendation,
    RecommendationAddressee,
    RecommendationFile,
    TargetedMeasure,
)
from monitoring.models.zoning import Colour, Zone, ZoningMethod, ZoningRule

__all__ = [
    "Assessment",
    "Cluster",
    "ClusterMember",
    "Clustering",
    "Campaign",
    "ClassTeacher",
    "Colour",
    "EgeMinScore",
    "HeaderMapping",
    "IdentificationCriterion",
    "IdentificationEntry",
    "IdentificationList",
    "IdentificationMethod",
    "IndicatorDefinition",
    "IndicatorValue",
    "Recommendation",
    "RecommendationAddressee",
    "RecommendationFile",
    "ReportedValue",
    "ResultImport",
    "SchoolStat",
    "StudentResult",
    "TargetedMeasure",
    "TaskStat",
    "Zone",
    "ZoningMethod",
    "ZoningRule",
]
