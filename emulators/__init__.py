"""Emulated devices (MiVB controllers, LAN switches) and the lab runner that starts them."""
