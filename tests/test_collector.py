"""The garbage collector during batch work: tuned for the block, then as it was."""
import gc

from service.collector import THRESHOLD, collecting_less


def test_collecting_less_lasts_for_the_block_only():
    before = gc.get_threshold()
    with collecting_less():
        assert gc.get_threshold()[0] == THRESHOLD != before[0]
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_collecting_less_restores_the_collector_after_an_error():
    before = gc.get_threshold()
    try:
        with collecting_less():
            raise RuntimeError("mid-ingest")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
