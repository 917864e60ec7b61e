"""Lab RADIUS server (emulators/radius): the switches' 802.1X / MAB back end."""

from .server import RadiusHandle, RadiusSpec, start_radius

__all__ = ["RadiusHandle", "RadiusSpec", "start_radius"]
