"""The dispatch engine: plans technicians' days. Python (its search compiled by numba) + OR-Tools; no web or
database imports.

    solve(problem, time_limit_s, previous=None) -> Plan
    retime_route(problem, technician_id, job_ids) -> Route   (violations listed, never refused)
    offer(problem, plan, job_id) -> Offers                    (appointment windows by insertion)
"""
from .engine import solve
from .fileio import FormatError, load_plan, load_problem, plan_from_dict, plan_to_dict, problem_from_dict, save_plan
from .problem import (
    Break,
    BreakSlot,
    Job,
    Location,
    Plan,
    Problem,
    Route,
    Shift,
    Stop,
    Technician,
    Travel,
    Unassigned,
)
from .schedule import Timetable
from .slots import Offer, Offers, capacity_offer, offer, offer_to_dict
from .travel import TravelProvider, travel_matrix


def retime_route(problem: Problem, technician_id: str, job_ids: list[str], provider: TravelProvider | None = None) -> Route:
    """Times along a dispatcher's order; ``Route.violations`` names each broken rule (trade,
    window, shift, break, capacity, pin) instead of refusing the move."""
    return Timetable(problem, travel_matrix(problem, provider)).retime(technician_id, job_ids)


__all__ = [
    "Break", "BreakSlot", "FormatError", "Job", "Location", "Offer", "Offers", "Plan", "Problem", "Route", "Shift", "Stop",
    "Technician", "Travel", "TravelProvider", "Unassigned", "load_plan", "load_problem", "plan_from_dict", "plan_to_dict",
    "capacity_offer", "offer", "offer_to_dict", "problem_from_dict", "retime_route", "save_plan", "solve", "travel_matrix",
]
