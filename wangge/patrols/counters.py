"""The names of the counters of patrols and visits: assessment's patrol indicators are formulas over them
(``assessment.formulas.PATROL_NAMES``); ``selectors.work_counters`` counts them. A module of names only, so
that reading them loads nothing else.

In the period: patrols (started, on foot and in patrol cars), patrol_hours (of those patrols, whole),
patrol_km (of the patrols on foot or by bicycle, whole), car_trips and car_km (the patrols driven in a patrol
car and their kilometres, whole: kept apart so that a car's tens of kilometres do not read as walking),
workers_patrolling (grid workers with a patrol), cells_covered (micro-grids, or grids without micro-grids,
passed by a patrol), visits. As they are now: workers (active grid workers), cells, households (in the ledger), and at the end of
the period households_visited_on_time (visited within their interval: ``VISIT_EVERY_DAYS``, stricter for
labelled members).
"""

PATROL_COUNTERS = (
    "patrols", "patrol_hours", "patrol_km", "car_trips", "car_km", "workers", "workers_patrolling", "cells",
    "cells_covered", "visits", "households", "households_visited_on_time",
)  # fmt: skip
