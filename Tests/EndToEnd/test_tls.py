"""HTTPS with `--tls-cert`/`--tls-key`: certificates made here by openssl, clients verifying with a CA file,
TLS 1.2 as the floor, a rotation while a connection stays open, and plain HTTP to the TLS port."""
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import time

import pytest

from conftest import BINARY, KEY, REPO, Server, scrape, wait_until


def openssl(*arguments, cwd):
    subprocess.run(["openssl", *arguments], cwd=cwd, check=True, capture_output=True)


def make_ca(folder):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=wokmanager test CA", cwd=folder)
    return folder / "ca.pem"


def make_certificate(folder, name, days):
    """A key and a certificate for 127.0.0.1 signed by the CA in `folder`: NAME.key and NAME.pem."""
    (folder / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
        "extendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid,issuer\nsubjectKeyIdentifier=hash\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", f"{name}.key",
            "-out", f"{name}.csr", "-subj", "/CN=127.0.0.1", cwd=folder)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", f"{name}.pem",
            "-days", str(days), "-extfile", "server.ext", cwd=folder)
    return folder / f"{name}.pem", folder / f"{name}.key"


class TLSServer(Server):
    def url(self, path):
        return f"https://127.0.0.1:{self.port}{path}"


@pytest.fixture
def pki(tmp_path):
    folder = tmp_path / "pki"
    folder.mkdir()
    ca = make_ca(folder)
    return folder, ca


@pytest.fixture
def tls_server(tmp_path, pki, monkeypatch):
    folder, ca = pki
    certificate, key = make_certificate(folder, "first", days=2)
    # The live files, replaced in place by the rotation test, as certbot replaces its links' targets.
    live_certificate, live_key = folder / "live.pem", folder / "live.key"
    live_certificate.write_bytes(certificate.read_bytes())
    live_key.write_bytes(key.read_bytes())
    # The harness's own readiness check and requests verify with the test CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    server = TLSServer(tmp_path / "server", args=["--tls-cert", live_certificate, "--tls-key", live_key])
    server.start()
    yield server
    server.stop()


def connection(server, ca, **context_options):
    context = ssl.create_default_context(cafile=str(ca))
    for name, value in context_options.items():
        setattr(context, name, value)
    return http.client.HTTPSConnection("127.0.0.1", server.port, context=context, timeout=10)


def serial_and_status(conn, path="/healthz"):
    conn.request("GET", path)
    answer = conn.getresponse()
    answer.read()
    return conn.sock.getpeercert()["serialNumber"], answer.status


def test_clients_verify_the_server_with_a_ca_file(tls_server, pki):
    _, ca = pki
    event = {"id": "tls-1", "group": "secure.jobs", "event": "started"}
    curl = subprocess.run(["curl", "-sS", "--cacert", str(ca), "-H", f"X-API-Key: {KEY}", "-H", "Content-Type: application/json",
                           "-d", json.dumps(event), tls_server.url("/worker/state")], capture_output=True, text=True)
    assert curl.returncode == 0 and json.loads(curl.stdout)["status"] == "running", curl.stderr

    cli = [str(BINARY), "workers", "--url", tls_server.url(""), "--status", "running"]
    verified = subprocess.run(cli + ["--cacert", str(ca)], capture_output=True, text=True, timeout=30)
    assert verified.returncode == 0 and "tls-1" in verified.stdout, verified.stderr
    environment = {key: value for key, value in os.environ.items() if key != "SSL_CERT_FILE"}
    unverified = subprocess.run(cli, capture_output=True, text=True, timeout=30, env=environment)
    assert unverified.returncode != 0 and "cannot reach" in unverified.stderr

    script = [sys.executable, str(REPO / "clients/python/wokmanager.py"), "--url", tls_server.url(""), "--id", "*"]
    listed = subprocess.run(script + ["--cacert", str(ca)], capture_output=True, text=True, timeout=30, env=environment)
    assert listed.returncode == 0 and "Id: tls-1, group: secure.jobs" in listed.stdout, listed.stderr
    refused = subprocess.run(script, capture_output=True, text=True, timeout=30, env=environment)
    assert refused.returncode == 1 and "CERTIFICATE_VERIFY_FAILED" in refused.stderr

    sys.path.insert(0, str(REPO / "clients/python"))
    import wokmanager
    client = wokmanager.Client(tls_server.url(""), KEY, ca_file=str(ca))
    client.send("stopped", "tls-1", "secure.jobs")
    assert client.workers(id="tls-1", status="stopped")[0]["id"] == "tls-1"


def test_tls_1_2_is_the_oldest_version_served(tls_server, pki):
    _, ca = pki
    newest = connection(tls_server, ca)
    assert serial_and_status(newest)[1] == 200
    assert newest.sock.version() == "TLSv1.3"
    capped = connection(tls_server, ca, maximum_version=ssl.TLSVersion.TLSv1_2)
    assert serial_and_status(capped)[1] == 200
    assert capped.sock.version() == "TLSv1.2"
    # A TLS 1.1 client (allowed every cipher, so that only the server can refuse it) gets the server's alert.
    old = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{tls_server.port}", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
                         input="", capture_output=True, text=True, timeout=30)
    assert old.returncode != 0
    assert "alert protocol version" in old.stdout + old.stderr, old.stdout + old.stderr


def test_plain_http_to_the_tls_port_is_refused_and_the_server_goes_on(tls_server, pki):
    _, ca = pki
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=10) as plain:
        plain.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while chunk := plain.recv(4096):
            received += chunk
    # No HTTP answer: the connection ends (at most with a TLS alert record, content type 21).
    assert not received.startswith(b"HTTP/"), received
    assert received == b"" or received[0] == 21, received
    assert serial_and_status(connection(tls_server, ca))[1] == 200


def test_a_rotated_certificate_is_served_to_new_connections_while_open_ones_go_on(tls_server, pki):
    folder, ca = pki
    held = connection(tls_server, ca)
    first_serial, status = serial_and_status(held)
    assert status == 200
    first_expiry = float(metric(scrape(tls_server), "wokmanager_tls_certificate_expiry_timestamp_seconds"))
    assert abs(first_expiry - (time.time() + 2 * 86400)) < 120

    certificate, key = make_certificate(folder, "second", days=5)
    # Halfway through a rotation the new key does not match the old certificate: the old pair stays.
    replace(folder / "live.key", key)
    wait_until(lambda: "TLS certificate not reloaded" in tls_server.output(), timeout=10)
    assert serial_and_status(connection(tls_server, ca))[0] == first_serial
    replace(folder / "live.pem", certificate)
    wait_until(lambda: serial_and_status(connection(tls_server, ca))[0] != first_serial, timeout=10)

    assert serial_and_status(held) == (first_serial, 200)  # the open connection keeps its session
    assert tls_server.output().count("TLS certificate not reloaded") == 1  # logged once, not at every look
    assert "TLS certificate changed" in tls_server.output()
    second_expiry = float(metric(scrape(tls_server), "wokmanager_tls_certificate_expiry_timestamp_seconds"))
    assert abs(second_expiry - (time.time() + 5 * 86400)) < 120


def test_a_kubernetes_style_secret_swap_behind_symbolic_links_is_seen(tmp_path, pki, monkeypatch):
    """A secret mount: tls.crt and tls.key are links into `..data`, itself a link swapped to a new folder at once."""
    folder, ca = pki
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    for name, days in (("v1", 2), ("v2", 3)):
        certificate, key = make_certificate(folder, name, days)
        (folder / name).mkdir()
        certificate.rename(folder / name / "tls.crt")
        key.rename(folder / name / "tls.key")
    mount = folder / "mount"
    mount.mkdir()
    (mount / "..data").symlink_to(folder / "v1")
    for file in ("tls.crt", "tls.key"):
        (mount / file).symlink_to(mount / "..data" / file)
    server = TLSServer(tmp_path / "server", args=["--tls-cert", mount / "tls.crt", "--tls-key", mount / "tls.key"])
    server.start()
    try:
        first, _ = serial_and_status(connection(server, ca))
        (mount / "..data_tmp").symlink_to(folder / "v2")
        os.replace(mount / "..data_tmp", mount / "..data")
        wait_until(lambda: serial_and_status(connection(server, ca))[0] != first, timeout=10)
        assert "TLS certificate not reloaded" not in server.output()
    finally:
        server.stop()


def test_a_key_that_is_not_the_certificates_stops_the_server(tmp_path, pki):
    folder, _ = pki
    certificate, _ = make_certificate(folder, "one", days=2)
    _, other_key = make_certificate(folder, "two", days=2)
    done = subprocess.run([str(BINARY), "serve", "--database", str(tmp_path / "db.sqlite"), "--api-key", KEY,
                           "--tls-cert", str(certificate), "--tls-key", str(other_key)], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert f"{other_key} is not the key of the certificate in {certificate}" in done.stderr + done.stdout


def test_config_check_reads_the_certificate_and_key(tmp_path, pki):
    folder, _ = pki
    certificate, key = make_certificate(folder, "one", days=2)
    _, other_key = make_certificate(folder, "two", days=2)
    config = tmp_path / "wokmanager.yaml"
    config.write_text(f"port: 5443\ntls-cert: {certificate}\ntls-key: {key}\n")
    good = subprocess.run([str(BINARY), "config", "check", str(config)], capture_output=True, text=True, timeout=30)
    assert good.returncode == 0, good.stderr
    config.write_text(f"port: 5443\ntls-cert: {certificate}\ntls-key: {other_key}\n")
    bad = subprocess.run([str(BINARY), "config", "check", str(config)], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 1 and f"{config}:2: tls-cert: {other_key} is not the key of the certificate" in bad.stderr, bad.stderr


def replace(live, source):
    """Puts `source` in place of `live` at once (a new file renamed over it), as certbot and cert-manager do."""
    staged = live.with_suffix(".staged")
    staged.write_bytes(source.read_bytes())
    os.replace(staged, live)


def metric(text, name):
    return next(line.split()[-1] for line in text.splitlines() if line.startswith(name + " "))
