"""Instructions a small-bbox request costs in our Python, counted by callgrind (not timed).

Time on a shared machine moves by a third within minutes; an instruction count does not (the
same to within 0.3 % from run to run). Run by hand, against the bench database:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python -m bench.instructions [lane|bare]
    callgrind_annotate /tmp/cg.out | grep "PROGRAM TOTALS"    # ÷ REQUESTS

with the Makefile's LOCAL_ENV, DATABASE_URL of the bench database and DJANGO_ALLOWED_HOSTS set
(`bare` also with DJANGO_SETTINGS_MODULE=bench.bare_settings and CBS_BENCH_BARE_SQL, as
bench/http.py starts it). The requests go through the lane's WSGI handler after a warm-up and
`gc.freeze()`, as cbs.wsgi serves them (without the freeze a full collection lands in some
counting windows and not others); instrumentation is switched on only around them.
"""

import gc
import io
import os
import subprocess
import sys

REQUESTS = 100
QUERY = "bbox=28.9,41.0,28.902,41.001&f=json"  # bench.http's small bbox


def _environ(path: str) -> dict:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": QUERY, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "SCRIPT_NAME": "",
            "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0),
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False}


def main(kind: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cbs.settings")
    import django

    django.setup()
    if kind == "bare":
        from django.core.wsgi import get_wsgi_application

        application, path = get_wsgi_application(), "/items"
    else:
        from cbs.fast_lane import LaneHandler

        application, path = LaneHandler(), "/ogc/collections/bi-bina/items"

    def one() -> None:
        status = []
        body = application(_environ(path), lambda s, h, e=None: status.append(s))
        b"".join(body)
        body.close()
        assert status[0].startswith("200"), status

    for _ in range(60):
        one()
    gc.collect()
    gc.freeze()
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True, check=False)
    for _ in range(REQUESTS):
        one()
    subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], capture_output=True, check=False)
    print(f"{REQUESTS} {kind} requests counted")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lane")
