class Conflict(Exception):
    """The request clashes with the current state (an illegal move, a stale form): HTTP 409."""
