"""`daftar sync` through a TLS proxy, as a deployment puts one in front of the
server (docs/deployment.md): a proxy here (Python's ssl, a certificate of a
programme's own CA made with `cryptography`) forwards to the real server. The
CLI syncs over HTTPS when told the CA, refuses a certificate it cannot trust,
and never sends a book in plain HTTP to another machine."""

import datetime
import http.server
import ipaddress
import ssl
import subprocess
import threading
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import DAFTAR


def programme_ca_and_proxy_certificate(directory):
    """A programme's own CA, and the proxy's certificate for localhost signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)

    def certificate(subject, key, issuer, issuer_key, ca):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(days=1))
             .not_valid_after(now + datetime.timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            b = b.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "daftar programme CA")])
    ca = certificate(ca_name, ca_key, ca_name, ca_key, True)
    leaf = certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]), leaf_key, ca_name, ca_key, False)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)
    paths = {name: f"{directory}/{name}" for name in ("ca.pem", "proxy.pem", "proxy.key")}
    with open(paths["ca.pem"], "wb") as f:
        f.write(pem(ca))
    with open(paths["proxy.pem"], "wb") as f:
        f.write(pem(leaf))
    with open(paths["proxy.key"], "wb") as f:
        f.write(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return paths["ca.pem"], paths["proxy.pem"], paths["proxy.key"]


def tls_proxy(upstream, cert, key):
    """HTTPS on a loopback port, each request forwarded to `upstream` as it came."""
    class Forward(http.server.BaseHTTPRequestHandler):
        def forward(self):
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            req = urllib.request.Request(upstream + self.path, data=body if self.command == "POST" else None,
                                         headers=headers, method=self.command)
            try:
                answer = urllib.request.urlopen(req)
            except urllib.error.HTTPError as e:
                answer = e
            data = answer.read()
            self.send_response(answer.status)
            for k, v in answer.headers.items():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = forward

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def sync(book, server, *more):
    return subprocess.run([DAFTAR, "sync", "--db", book, "--server", server, "--actor", "asha", *more],
                          capture_output=True, text=True)


def test_the_cli_syncs_through_a_tls_proxy_and_refuses_what_it_cannot_trust(world, tmp_path):
    ca, cert, key = programme_ca_and_proxy_certificate(tmp_path)
    proxy = tls_proxy(world.url, cert, key)
    try:
        url = f"https://localhost:{proxy.server_address[1]}"
        # Mozilla's roots do not know the programme's own CA: refused, nothing sent.
        untrusted = sync(world.demo, url)
        assert untrusted.returncode != 0, untrusted.stdout
        assert "certificate" in untrusted.stderr, untrusted.stderr
        # Told the CA, the book's whole sync (registration, heads, pulls) goes through it.
        trusted = sync(world.demo, url, "--server-ca", ca)
        assert trusted.returncode == 0, trusted.stderr
        assert f"registered with {url}" in trusted.stdout, trusted.stdout
        assert trusted.stdout.count("server head seq") == 3, trusted.stdout
    finally:
        proxy.shutdown()
    # Plain HTTP to another machine is refused before anything is sent.
    plain = sync(world.demo, "http://192.0.2.7:8080")
    assert plain.returncode != 0 and "https://" in plain.stderr, plain.stderr
