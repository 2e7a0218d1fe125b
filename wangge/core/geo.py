"""Small distances on the ground: metres between two points and the lon/lat box around a point."""

import math

EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE = 111_320  # of latitude; of longitude times cos(latitude)


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def box_around(lon: float, lat: float, radius_m: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """((lon_min, lon_max), (lat_min, lat_max)) holding every point within ``radius_m``: a cheap
    pre-filter for ``lon__range``/``lat__range`` before the exact distance."""
    d_lat = radius_m / METRES_PER_DEGREE
    d_lon = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return (lon - d_lon, lon + d_lon), (lat - d_lat, lat + d_lat)
