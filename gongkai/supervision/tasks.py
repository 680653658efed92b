from django_tasks import task


@task()
def check_batch_task(batch_id: int) -> None:
    """Large checker batches run here so the upload request returns at once (progress is
    CheckBatch.done / total)."""
    from .checking import run_batch

    run_batch(batch_id)
