"""Request ids: random version-4 UUIDs, drawn from the kernel in batches (cbs.audit.request_ids)."""

import os
import subprocess
import sys
import threading
import uuid

from django.conf import settings

from cbs.audit import request_ids
from cbs.audit.request_ids import BATCH, new_request_id


def test_ids_are_version_4_uuids_and_unique():
    ids = [new_request_id() for _ in range(3 * BATCH)]
    assert len(set(ids)) == len(ids)
    for value in ids[:BATCH + 2]:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_one_draw_of_kernel_randomness_per_batch(monkeypatch):
    draws = []
    real = os.urandom
    monkeypatch.setattr(os, "urandom", lambda n: draws.append(n) or real(n))
    request_ids._forget_batches()
    for _ in range(BATCH + 1):
        new_request_id()
    assert draws == [16 * BATCH, 16 * BATCH]


def test_threads_draw_their_own_batches():
    seen: dict[str, list[str]] = {}

    def draw(name):
        seen[name] = [new_request_id() for _ in range(BATCH // 2)]

    workers = [threading.Thread(target=draw, args=(n,)) for n in "abcd"]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    everything = [i for ids in seen.values() for i in ids]
    assert len(everything) == 4 * (BATCH // 2) == len(set(everything))


def test_a_forked_child_does_not_reuse_its_parents_batch():
    """In a process of its own: pytest's has threads, and forking those is unsafe."""
    script = """
import os, uuid
from cbs.audit import request_ids
request_ids.new_request_id()  # the parent now holds a batch
left_in_parent = set(request_ids._local.ids)
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(read)
    os.write(write, request_ids.new_request_id().encode())
    os._exit(0)
os.close(write)
child_id = os.read(read, 100).decode()
os.waitpid(pid, 0)
uuid.UUID(child_id)
print("reused" if child_id in left_in_parent else "fresh")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "fresh", done.stderr[-2000:]
