import os
import signal
import subprocess
import sys

import pytest

from crawler.crawl.lock import CrawlLock, CrawlLocked

HOLD = """
import sys, time
from crawler.crawl.lock import CrawlLock
CrawlLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(60)
"""


def _holder(db):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_lock_refused_while_first_process_lives(tmp_path):
    db = tmp_path / "news.db"
    proc = _holder(db)
    try:
        with pytest.raises(CrawlLocked) as info:
            CrawlLock(db).acquire()
        assert f"pid {proc.pid}" in str(info.value) and "try later" in str(info.value)
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_a_killed_process_does_not_block(tmp_path):
    db = tmp_path / "news.db"
    proc = _holder(db)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (tmp_path / "news.db.lock").exists()  # the file stays; the lock does not
    with CrawlLock(db):
        pass


def test_release_lets_the_next_one_in(tmp_path):
    lock = CrawlLock(tmp_path / "x.db").acquire()
    with pytest.raises(CrawlLocked):
        CrawlLock(tmp_path / "x.db").acquire()
    lock.release()
    with CrawlLock(tmp_path / "x.db"):
        pass
