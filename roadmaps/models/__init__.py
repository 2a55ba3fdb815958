"""Models of the roadmaps app, one module per part of the domain."""

from roadmaps.models.approval import ApprovedByOrder
from roadmaps.models.catalogue import (
    CatalogueModel,
    CycleStage,
    Direction,
    DirectionGroup,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    StageRequirement,
    StageRule,
    StepTemplate,
    Track,
)
from roadmaps.models.execution import Assignment, Evidence, ReviewDecision
from roadmaps.models.notifications import DEFAULT_DELIVERY, Delivery, Notification, NotificationPreference
from roadmaps.models.orders import Order, OrderItem, OrderPerson, OrderRoadmap
from roadmaps.models.plans import Measure, MeasureExecutor, Roadmap, Section

__all__ = [
    "ApprovedByOrder",
    "Assignment",
    "CatalogueModel",
    "CycleStage",
    "Direction",
    "DirectionGroup",
    "Evidence",
    "EvidenceKind",
    "ExecutorKind",
    "FunctionType",
    "StageRequirement",
    "StageRule",
    "Measure",
    "MeasureExecutor",
    "Notification",
    "NotificationPreference",
    "Delivery",
    "DEFAULT_DELIVERY",
    "ReviewDecision",
    "Roadmap",
    "Section",
    "StepTemplate",
    "Track",
    "Order",
    "OrderItem",
    "OrderPerson",
    "OrderRoadmap",
]
