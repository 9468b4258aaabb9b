"""Replay of the last identical ``check`` (``play``, the light half) and its recording (``record``)."""
