"""Batches prepared ahead of their writer (base.prepared_batches): in order, a bounded number
in flight, errors of a worker raised in the caller."""

import pytest

from gongkai.search.backends.base import prepared_batches


@pytest.mark.parametrize("processes", [0, 1, 2])
def test_results_come_in_order_and_few_batches_are_read_ahead(processes):
    batches = [[i, 3 * i % 7, -i] for i in range(40)]
    assert list(prepared_batches(sorted, iter(batches), processes)) == [sorted(b) for b in batches]
    pulled = []

    def source():
        for b in batches:
            pulled.append(b)
            yield b

    stream = prepared_batches(sorted, source(), processes)
    assert next(stream) == sorted(batches[0])
    assert len(pulled) <= 2 + 2 * max(processes, 1)  # not the whole load in memory
    stream.close()


@pytest.mark.parametrize("processes", [0, 2])
def test_an_error_in_prepare_reaches_the_caller(processes):
    with pytest.raises(TypeError):
        list(prepared_batches(sorted, iter([[2, 1], [1, "一"], [3, 4]]), processes))
