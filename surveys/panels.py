"""The sections surveys adds to other apps' pages (core.panels): filled by the results work."""


def register() -> None:
    """Register the panels (called once from SurveysConfig.ready)."""
