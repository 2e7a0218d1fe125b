"""Eight hand-built timelines through the real services, with every counter they must produce.

The test category's limits are accept 2h, sign 2h, handle 1 working day, verify 1 working day
(working hours 8:30–12:00 and 13:30–17:30). Monday 2026-03-02 to Thursday 2026-03-05 are working days
(a past week: cases other tests create at the real time do not fall into it).

A  on time all the way through a department, rated satisfied.
B  signed late (Thursday), extension approved, reworked once, closed; never rated.
C  handled late, closed, rated unsatisfied, reopened by the duty chief, then on time, rated satisfied.
D  dispatched to city management, returned, re-dispatched to the grid, handled by the grid worker.
E  accepted then parked (deferred).
F  rejected the next day (a late response).
G  merged into A before it was accepted.
H  reported by a grid worker on patrol and solved on the spot, verified by the grid chief.
"""

from tests.dashboard.helpers import GRID_1, sh

MON, TUE, WED, THU = 2, 3, 4, 5


def d(day, hour, minute=0):
    return sh(2026, 3, day, hour, minute)


def build(flow) -> dict:
    cases = {}
    a = flow.report(d(MON, 9))
    cases["A"] = flow.run(
        a,
        [
            ("accept", "operator", d(MON, 9, 10)),
            ("dispatch", "dispatcher", d(MON, 9, 20)),
            ("sign", "department1", d(MON, 9, 30)),
            ("feedback", "department1", d(MON, 10)),
            ("verify_pass", "gridworker1", d(MON, 10, 10)),
            ("close", "operator", d(MON, 10, 20)),
            ("rate", "resident1", d(MON, 10, 30)),
        ],
    )
    cases["B"] = flow.run(
        flow.report(d(MON, 9)),
        [
            ("accept", "operator", d(MON, 9, 5)),
            ("dispatch", "dispatcher", d(MON, 9, 10)),
            ("sign", "department1", d(THU, 9)),
            ("request_extension", "department1", d(THU, 9, 30)),
            ("approve_extension", "dutychief", d(THU, 9, 40)),
            ("feedback", "department1", d(THU, 10)),
            ("verify_fail", "gridworker1", d(THU, 10, 30)),
            ("feedback", "department1", d(THU, 11)),
            ("verify_pass", "gridworker1", d(THU, 11, 10)),
            ("close", "operator", d(THU, 11, 20)),
        ],
    )
    cases["C"] = flow.run(
        flow.report(d(MON, 9)),
        [
            ("accept", "operator", d(MON, 9, 10)),
            ("dispatch", "dispatcher", d(MON, 9, 20)),
            ("sign", "department1", d(MON, 9, 30)),
            ("feedback", "department1", d(WED, 16)),
            ("verify_pass", "gridworker1", d(WED, 16, 10)),
            ("close", "operator", d(WED, 16, 20)),
            ("rate", "resident1", d(WED, 16, 30), {"speed": 1, "result": 1}),
            ("reopen", "dutychief", d(WED, 16, 40)),
            ("sign", "department1", d(THU, 9)),
            ("feedback", "department1", d(THU, 9, 30)),
            ("verify_pass", "gridworker1", d(THU, 9, 40)),
            ("close", "operator", d(THU, 9, 50)),
            ("rate", "resident1", d(THU, 10)),
        ],
    )
    cases["D"] = flow.run(
        flow.report(d(MON, 9)),
        [
            ("accept", "operator", d(MON, 9, 10)),
            ("dispatch", "dispatcher", d(MON, 9, 20)),
            ("return", "department1", d(MON, 9, 30)),
            ("approve_return", "dutychief", d(MON, 9, 40)),
            ("dispatch", "dispatcher", d(MON, 9, 50), {"region": GRID_1}),
            ("sign", "gridworker1", d(MON, 10)),
            ("feedback", "gridworker1", d(MON, 10, 30)),
            ("verify_pass", "gridchief1", d(MON, 10, 40)),
            ("close", "operator", d(MON, 10, 50)),
        ],
    )
    cases["E"] = flow.run(
        flow.report(d(MON, 9)),
        [("accept", "operator", d(MON, 9, 10)), ("park", "dutychief", d(MON, 9, 20))],
    )
    cases["F"] = flow.run(flow.report(d(MON, 9)), [("reject", "operator", d(TUE, 9))])
    cases["G"] = flow.run(
        flow.report(d(MON, 9)), [("merge", "operator", d(MON, 9, 30), {"duplicate_of": cases["A"].number})]
    )
    cases["H"] = flow.run(
        flow.report(d(MON, 9), by="gridworker1", source="patrol"),
        [
            ("solve_on_spot", "gridworker1", d(MON, 9, 15)),
            ("verify_pass", "gridchief1", d(MON, 9, 30)),
            ("close", "operator", d(MON, 9, 40)),
        ],
    )
    return cases


# Every non-zero counter of the eight cases, Monday to Thursday, under street 1 (or the district).
EXPECTED = {
    "reported": 8,
    "accepted": 5,
    "on_spot": 1,
    "rejected": 1,
    "merged": 1,
    "dispatched": 5,
    "signed": 5,
    "signed_on_time": 4,
    "handled": 6,
    "handled_on_time": 5,
    "verified": 7,
    "reworked": 1,
    "extended": 1,
    "returned": 1,
    "closed": 6,
    "reopened": 1,
    "rated": 3,
    "satisfied": 2,
    "parked": 1,
    "responded": 8,
    "responded_on_time": 7,
    "st_rated": 2,
    "st_closed": 3,
    "st_parked": 1,
    "st_rejected": 1,
    "st_merged": 1,
    "due": 6,
    "deferred": 1,
    "finished": 5,
    "finished_on_time": 4,
    "late": 1,
    "resolved": 5,
}

# The same, credited to city management (department1's department).
EXPECTED_CITY_MANAGEMENT = {
    "dispatched": 4,
    "returned": 1,
    "signed": 4,
    "signed_on_time": 3,
    "handled": 5,
    "handled_on_time": 4,
    "verified": 5,
    "reworked": 1,
    "extended": 1,
    "closed": 4,
    "rated": 3,
    "satisfied": 2,
    "reopened": 1,
    "responded": 3,
    "responded_on_time": 3,
    "st_rated": 2,
    "st_closed": 1,
    "due": 3,
    "finished": 3,
    "finished_on_time": 2,
    "late": 1,
    "resolved": 3,
}

EXPECTED_PEOPLE = {
    "gridworker1": {
        "reports": 1,
        "valid_reports": 1,
        "on_spot": 1,
        "signed": 1,
        "signed_on_time": 1,
        "handled": 1,
        "handled_on_time": 1,
        "grid_handled": 1,
        "verifications": 5,
        "verifications_on_time": 5,
    },
    "department1": {"signed": 4, "signed_on_time": 3, "handled": 5, "handled_on_time": 4},
    "gridchief1": {"verifications": 2, "verifications_on_time": 2},
    "resident1": {"reports": 7, "valid_reports": 5},
}

# valid report +2, on the spot +3, timely verification +1, handled on time +2, rework −2, satisfied +1.
EXPECTED_POINTS = {"resident1": 10, "gridworker1": 12, "department1": 8, "gridchief1": 2}
