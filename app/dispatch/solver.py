"""The OR-Tools routing model of FORMAT.md's rules and its search.

The only module that imports ortools. One small ``add_*`` function per rule, in the style of
Google's routing samples. Every callback is a registered matrix or vector, so the search never
calls back into Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import ortools
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util.optional_boolean_pb2 import BOOL_FALSE

from . import progress
from .problem import Problem

SOLVER_NAME = f"ortools {ortools.__version__}"
DIMENSION_SLACK = 10**6  # waiting allowed at one stop: longer than any day


@dataclass(frozen=True)
class Search:
    """One search's settings. The two parallel searches differ so they explore differently."""

    first_solution: str = "LOCAL_CHEAPEST_INSERTION"
    method: str = "ils"  # "ils": ruin-and-recreate iterated local search; "gls": guided local search
    # simulated-annealing acceptance of the ILS: None lets OR-Tools pick temperatures from the costs
    temperatures: tuple[float, float] | None = None
    ruin_visits: int = 10  # SISR: average number of visits removed per ruin
    lean: bool = True  # switch off operators that measured as wasted time here
    gls_lambda: float = 0.1
    sort_by_penalty: bool = True  # insert high-priority jobs first when (re)creating
    python_only: bool = False  # no OR-Tools: the compiled SISR (strings.improve) from an empty plan
    seed: int = 1  # of the SISR's random choices
    # strings.improve's annealing, from the first to the last iteration (travel seconds)
    sisr_temperatures: tuple[float, float] = (300.0, 3.0)


@dataclass
class Outcome:
    """A search's answer in problem terms, cheap to pickle between processes."""

    routes: dict[str, list[str]]
    starts: dict[str, list[int]]
    break_starts: dict[str, list[int]]
    objective: int


@dataclass
class Model:
    problem: Problem
    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    jobs: list  # job of each job node, node = len(depots) + position
    depots: list[str]
    node_location: list[int]
    vehicles: list  # technicians, in vehicle order
    travel_nodes: list[list[int]]
    dims: dict = field(default_factory=dict)
    breaks: dict = field(default_factory=dict)
    penalty_unit: int = 0

    def index(self, job_position: int) -> int:
        return self.manager.NodeToIndex(len(self.depots) + job_position)


def build(problem: Problem, matrix, eligible: dict[str, list[int]], penalty_unit: int, balance_weight: int = 0) -> Model:
    """The routing model of the jobs in ``eligible`` (job id -> vehicles allowed to serve it)."""
    loc = problem.location_index()
    depots = sorted({t.start for t in problem.technicians} | {t.end for t in problem.technicians})
    depot_node = {d: i for i, d in enumerate(depots)}
    jobs = [j for j in problem.jobs if j.id in eligible]
    node_location = [loc[d] for d in depots] + [loc[j.location] for j in jobs]
    manager = pywrapcp.RoutingIndexManager(
        len(node_location),
        len(problem.technicians),
        [depot_node[t.start] for t in problem.technicians],
        [depot_node[t.end] for t in problem.technicians],
    )
    routing = pywrapcp.RoutingModel(manager)
    sub = matrix[node_location][:, node_location]
    model = Model(problem, manager, routing, jobs, depots, node_location, list(problem.technicians), sub.tolist())
    add_travel_cost(model)
    add_time(model)
    add_shifts(model)
    add_time_windows(model)
    add_skills(model, eligible)
    add_pins_and_fixed_starts(model)
    add_breaks(model)
    add_capacity(model)
    add_max_jobs(model, balance_weight)
    add_drop_penalties(model, penalty_unit)
    add_response_cost(model)
    add_workload_balance(model, balance_weight)
    return model


def add_travel_cost(model: Model) -> None:
    transit = model.routing.RegisterTransitMatrix(model.travel_nodes)
    model.routing.SetArcCostEvaluatorOfAllVehicles(transit)


def _service_by_node(model: Model) -> list[int]:
    return [0] * len(model.depots) + [j.service for j in model.jobs]


def add_time(model: Model) -> None:
    """Time = service at the node left + travel; cumul = the moment service starts."""
    service = _service_by_node(model)
    time_nodes = [[service[a] + t for t in row] for a, row in enumerate(model.travel_nodes)]
    transit = model.routing.RegisterTransitMatrix(time_nodes)
    horizon = max(t.shift.end for t in model.vehicles)
    model.routing.AddDimension(transit, DIMENSION_SLACK, horizon, False, "time")
    model.dims["time"] = model.routing.GetDimensionOrDie("time")


def add_shifts(model: Model) -> None:
    time = model.dims["time"]
    for v, tech in enumerate(model.vehicles):
        time.CumulVar(model.routing.Start(v)).SetRange(tech.shift.start, tech.shift.end)
        time.CumulVar(model.routing.End(v)).SetRange(tech.shift.start, tech.shift.end)
    for v in range(len(model.vehicles)):
        # earliest departure, latest return: keeps reported times tight
        model.routing.AddVariableMinimizedByFinalizer(time.CumulVar(model.routing.Start(v)))
        model.routing.AddVariableMinimizedByFinalizer(time.CumulVar(model.routing.End(v)))


def add_time_windows(model: Model) -> None:
    """Several windows per job: the cumul spans them all and the gaps are removed."""
    time = model.dims["time"]
    for p, job in enumerate(model.jobs):
        if not job.windows:
            continue
        cumul = time.CumulVar(model.index(p))
        cumul.SetRange(job.windows[0][0], max(c for _, c in job.windows))
        for (_, close), (next_open, _) in zip(job.windows, job.windows[1:]):
            if next_open > close + 1:
                cumul.RemoveInterval(close + 1, next_open - 1)


def add_skills(model: Model, eligible: dict[str, list[int]]) -> None:
    # SetAllowedVehiclesForIndex raises TypeError on a Python list in 9.15; VehicleVar works
    everyone = len(model.vehicles)
    for p, job in enumerate(model.jobs):
        allowed = eligible[job.id]
        if len(allowed) < everyone:
            model.routing.VehicleVar(model.index(p)).SetValues([-1, *allowed])


def add_pins_and_fixed_starts(model: Model) -> None:
    time = model.dims["time"]
    for p, job in enumerate(model.jobs):
        if job.fixed_start is not None:
            time.CumulVar(model.index(p)).SetValue(job.fixed_start)


def add_breaks(model: Model) -> None:
    """Breaks never overlap a service; OR-Tools may put one inside a travel leg (reported as a
    pause on the way)."""
    if not any(t.breaks for t in model.vehicles):
        return
    solver = model.routing.solver()
    time = model.dims["time"]
    service = _service_by_node(model)
    visit = [service[model.manager.IndexToNode(i)] for i in range(model.routing.Size())]
    for v, tech in enumerate(model.vehicles):
        intervals = []
        for k, b in enumerate(tech.breaks):
            earliest, latest = max(b.earliest, tech.shift.start), min(b.latest, tech.shift.end - b.duration)
            intervals.append(solver.FixedDurationIntervalVar(earliest, latest, b.duration, False, f"break {tech.id} {k}"))
        if intervals:
            time.SetBreakIntervalsOfVehicle(intervals, v, visit)
            for interval in intervals:
                model.routing.AddIntervalToAssignment(interval)
            model.breaks[v] = intervals


def add_capacity(model: Model) -> None:
    if not any(t.capacity is not None for t in model.vehicles):
        return
    demand = model.routing.RegisterUnaryTransitVector([0] * len(model.depots) + [j.demand for j in model.jobs])
    total = sum(j.demand for j in model.jobs)
    caps = [total if t.capacity is None else t.capacity for t in model.vehicles]
    model.routing.AddDimensionWithVehicleCapacity(demand, 0, caps, True, "load")


def add_max_jobs(model: Model, balance_weight: int) -> None:
    """A stop counter, only when needed: every dimension slows each move of the search."""
    if balance_weight <= 0 and all(t.max_jobs is None for t in model.vehicles):
        return
    ones = model.routing.RegisterUnaryTransitVector([0] * len(model.depots) + [1] * len(model.jobs))
    n = len(model.jobs)
    caps = [n if t.max_jobs is None else t.max_jobs for t in model.vehicles]
    model.routing.AddDimensionWithVehicleCapacity(ones, 0, caps, True, "count")
    model.dims["count"] = model.routing.GetDimensionOrDie("count")


def add_drop_penalties(model: Model, unit: int) -> None:
    """A plan always exists: each job may be dropped at its priority weight x ``unit``. Pinned jobs
    cost far more than anything else, so they are dropped only when impossible."""
    model.penalty_unit = unit
    never = unit * 10**6
    for p, job in enumerate(model.jobs):
        penalty = never if job.pinned_to else job.weight * unit
        model.routing.AddDisjunction([model.index(p)], penalty)


def add_response_cost(model: Model) -> None:
    """Each second an emergency or urgent job waits after its window opens costs travel seconds."""
    time = model.dims["time"]
    for p, job in enumerate(model.jobs):
        per_s = model.problem.response_cost_per_s(job)
        if per_s:
            time.SetCumulVarSoftUpperBound(model.index(p), job.windows[0][0], per_s)


def add_workload_balance(model: Model, weight: int) -> None:
    """Soft: each job above the fair share of a technician costs ``weight`` travel seconds."""
    if weight <= 0:
        return
    count = model.dims["count"]
    fair = -(-len(model.jobs) // max(1, len(model.vehicles)))
    for v in range(len(model.vehicles)):
        count.SetCumulVarSoftUpperBound(model.routing.End(v), fair, weight)


def parameters(search: Search, time_limit_s: float, n_jobs: int):
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, search.first_solution)
    if search.sort_by_penalty:
        params.local_cheapest_insertion_parameters.insertion_sorting_properties.append(
            params.local_cheapest_insertion_parameters.SORTING_PROPERTY_PENALTY)
        params.local_cheapest_insertion_parameters.insertion_sorting_properties.append(
            params.local_cheapest_insertion_parameters.SORTING_PROPERTY_ALLOWED_VEHICLES)
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    # the per-route LP that prices soft bounds exactly (response cost) made each move of the search
    # so slow that a 300-job day never left its first descent in 10 s; propagation prices them well
    # enough and the plan's times are recomputed afterwards (measured: day-300-s1 travel 204k -> 186k)
    params.disable_scheduling_beware_this_may_degrade_performance = True
    ops = params.local_search_operators
    if search.lean:
        for name in ("use_relocate_pair", "use_light_relocate_pair", "use_exchange_pair", "use_relocate_subtrip",
                     "use_exchange_subtrip", "use_lin_kernighan", "use_global_cheapest_insertion_path_lns",
                     "use_local_cheapest_insertion_path_lns", "use_relocate_path_global_cheapest_insertion_insert_unperformed",
                     "use_global_cheapest_insertion_visit_types_lns", "use_local_cheapest_insertion_visit_types_lns",
                     "use_shortest_path_swap_active", "use_shortest_path_two_opt"):
            setattr(ops, name, BOOL_FALSE)
    if search.method == "gls":
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        params.guided_local_search_lambda_coefficient = search.gls_lambda
        return params
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    ils = params.iterated_local_search_parameters
    rr = ils.ruin_recreate_parameters
    ruin = rr.ruin_strategies.add()
    # SISR loops forever when asked to remove more visits than the model has
    ruin.sisr.max_removed_sequence_size = max(1, min(10, n_jobs // 2))
    ruin.sisr.avg_num_removed_visits = max(1, min(search.ruin_visits, n_jobs // 2))
    ruin.sisr.bypass_factor = 0.01
    rr.recreate_strategy.heuristic = routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    if search.sort_by_penalty:
        sorting = rr.recreate_strategy.parameters.local_cheapest_insertion.insertion_sorting_properties
        sorting.append(params.local_cheapest_insertion_parameters.SORTING_PROPERTY_PENALTY)
    sa = ils.reference_solution_acceptance_strategy.simulated_annealing
    if search.temperatures is None:
        sa.automatic_temperatures = True
    else:
        sa.automatic_temperatures = False
        sa.initial_temperature, sa.final_temperature = search.temperatures
    return params


ILS_MIN_JOBS = 10  # SISR ruin never returns on a model with a single job; tiny days gain nothing from it


def run(model: Model, search: Search, time_limit_s: float) -> Outcome | None:
    if search.method == "ils" and len(model.jobs) < ILS_MIN_JOBS:
        search = replace(search, method="gls")
    params = parameters(search, time_limit_s, len(model.jobs))
    routing = model.routing
    add_progress_report(model)
    if search.method == "ils":
        solution = routing.SolveWithIteratedLocalSearch(params)
    else:
        solution = routing.SolveWithParameters(params)
    return _outcome(model, solution)


def add_progress_report(model: Model) -> None:
    """Each solution the search finds, summarised for whoever watches (throttled by progress.py).
    The only call back into Python during the search, once per solution found, not per move."""
    if not progress.listening():
        return
    routing, manager = model.routing, model.manager
    first_job_node = len(model.depots)

    def found() -> None:
        if not progress.due():
            return
        served = weight = travel = 0
        for v in range(len(model.vehicles)):
            index = routing.Start(v)
            while not routing.IsEnd(index):
                after = routing.NextVar(index).Value()
                node, next_node = manager.IndexToNode(index), manager.IndexToNode(after)
                travel += model.travel_nodes[node][next_node]
                if next_node >= first_job_node and not routing.IsEnd(after):
                    served += 1
                    weight += model.jobs[next_node - first_job_node].weight
                index = after
        # the objective less the drop penalties: travel and response cost, as the Python searches price it
        left_out = sum(job.weight for job in model.jobs) - weight
        cost = routing.CostVar().Max() - left_out * model.penalty_unit
        progress.report(progress.summary(served, len(model.problem.jobs), weight, travel, cost))

    routing.AddAtSolutionCallback(found)


def _outcome(model: Model, solution) -> Outcome | None:
    if solution is None:
        return None
    routing, time = model.routing, model.dims["time"]
    routes, starts, break_starts = {}, {}, {}
    first_job_node = len(model.depots)
    for v, tech in enumerate(model.vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        jobs, times = [], []
        while not routing.IsEnd(index):
            jobs.append(model.jobs[model.manager.IndexToNode(index) - first_job_node].id)
            times.append(solution.Min(time.CumulVar(index)))
            index = solution.Value(routing.NextVar(index))
        if jobs:
            routes[tech.id], starts[tech.id] = jobs, times
            break_starts[tech.id] = [solution.StartValue(b) for b in model.breaks.get(v, [])]
    return Outcome(routes, starts, break_starts, solution.ObjectiveValue())
