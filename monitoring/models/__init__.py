"""Models of the monitoring app, one module per part of the domain."""

from monitoring.models.results import Assessment, EgeMinScore, ResultImport, SchoolStat, StudentResult

__all__ = ["Assessment", "EgeMinScore", "ResultImport", "SchoolStat", "StudentResult"]
