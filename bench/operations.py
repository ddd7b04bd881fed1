#!/usr/bin/env python3
"""What the operator's kit costs, measured side by side on one build: HTTPS against plain HTTP, and an online
backup (`wokmanager backup`) taken while heartbeats arrive.

    python3 bench/operations.py --binary .build/release/wokmanager [--workers 100000] [--seconds 10]

Two servers filled alike, one plain and one with a certificate made here by openssl, each driven by wrk (its
connections kept alive, so a handshake per connection) in alternating rounds beside /healthz; then, on the plain
one, heartbeats for a while with a backup in the middle, against the same heartbeats without one.
"""
import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import KEY, Server, fill, resume_and_stop, side_by_side, wrk  # noqa: E402


class TLSServer(Server):
    def url(self, path):
        return f"https://127.0.0.1:{self.port}{path}"


def certificate(folder):
    """A CA and a certificate for 127.0.0.1 it signed: (ca.pem, server.pem, server.key)."""
    def openssl(*arguments):
        subprocess.run(["openssl", *arguments], cwd=folder, check=True, capture_output=True)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "1", "-subj", "/CN=bench CA")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (folder / "server.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
            "-days", "1", "-extfile", "server.ext")
    return folder / "ca.pem", folder / "server.pem", folder / "server.key"


def backup_under_load(server, binary, folder, workers, seconds):
    """Heartbeats for `seconds` with a backup started halfway, and the same heartbeats alone, in that order twice."""
    results = {"alone": [], "with a backup": []}
    backups = []
    for turn in range(2):
        results["alone"].append(wrk(server.url("/"), seconds, 64, "heartbeat.lua", env={"WORKERS": str(workers), "API_KEY": KEY})["rps"])
        target = folder / f"backup-{turn}.sqlite"
        started = {}

        def take_backup():
            time.sleep(seconds / 2)
            started["at"] = time.monotonic()
            done = subprocess.run([str(binary), "backup", "--database", str(server.database), str(target)], capture_output=True, text=True)
            started["seconds"] = time.monotonic() - started["at"]
            assert done.returncode == 0, done.stderr
            started["summary"] = done.stdout.strip()

        thread = threading.Thread(target=take_backup)
        thread.start()
        results["with a backup"].append(wrk(server.url("/"), seconds, 64, "heartbeat.lua", env={"WORKERS": str(workers), "API_KEY": KEY})["rps"])
        thread.join()
        backups.append((started["seconds"], target.stat().st_size, started["summary"]))
    return results, backups


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default="bench-build/release/wokmanager")
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    options = parser.parse_args()
    binary = Path(options.binary).resolve()
    with tempfile.TemporaryDirectory(prefix="wokmanager-ops-") as temporary, contextlib.ExitStack() as cleanup:
        folder = Path(temporary)
        ca, cert, key = certificate(folder)
        # The readiness check of the TLS server verifies with this CA.
        os.environ["SSL_CERT_FILE"] = str(ca)
        servers = {}
        for phase, kind, args in (("plain HTTP", Server, []), ("HTTPS", TLSServer, ["--tls-cert", str(cert), "--tls-key", str(key)])):
            server = kind(folder / phase.replace(" ", "-"), binary=binary, keys=[KEY], args=["--log-level", "warning", *args])
            cleanup.callback(resume_and_stop, server)
            server.start(timeout=60)
            fill(server, options.workers)
            servers[phase] = server

        results, backups = backup_under_load(servers["plain HTTP"], binary, folder, options.workers, options.seconds)
        for server in servers.values():
            server.process.send_signal(signal.SIGSTOP)
        measured = side_by_side(servers, [
            ("baseline GET /healthz", "/healthz", 64, options.workers, None),
            ("heartbeat ingest", "/", 64, options.workers, "heartbeat.lua"),
        ], options.seconds)

    print(f"\n{options.workers:,} workers, {options.seconds} s per round")
    print("| scenario | req/s | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for row in measured:
        print(f"| {row['name']} | {row['rps']:.0f} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['errors']} |")
    alone, during = (sorted(results[name])[-1] for name in ("alone", "with a backup"))
    print(f"\nheartbeats alone: {', '.join(f'{r:.0f}' for r in results['alone'])} req/s; "
          f"with a backup started halfway: {', '.join(f'{r:.0f}' for r in results['with a backup'])} req/s ({during / alone:.2f}x of the best alone)")
    for seconds, size, summary in backups:
        print(f"backup: {seconds:.2f} s, {size / 2**20:.1f} MiB ({summary})")


if __name__ == "__main__":
    main()
