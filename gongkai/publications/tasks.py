"""Background work (django-tasks; the worker runs ``gongkai db_worker``)."""

from django_tasks import task


@task()
def refresh_clock_task(years: list[int]) -> int:
    """Recompute due dates and late flags after a calendar change touching many records."""
    from . import services

    return services.refresh_clock(services.clock_window(years)) + services.refresh_change_clock(
        services.change_clock_window(years)
    )
