"""The names of party work's counters: assessment's party indicators are formulas over them
(``assessment.formulas.PARTY_NAMES``); ``selectors.work_counters`` counts them. A module of names only, so
that reading them loads nothing else."""

# As they are now: members, in_service, registered, confirmed, centrals, households, covered.
# In the period: claims (taken), claims_done, claims_done_on_time (done by the item's due day, or it had
# none), hours (service hours of the claims done, whole), members_reporting (current members who reported
# a case from their own account).
STOCK_COUNTERS = (
    "branches", "members", "in_service", "registered", "confirmed", "centrals", "households", "covered",
)  # fmt: skip
PARTY_COUNTERS = STOCK_COUNTERS + (
    "claims", "claims_done", "claims_done_on_time", "hours", "members_reporting",
)  # fmt: skip
