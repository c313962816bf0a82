"""The Redis servers the tests talk to: the machine's own on 127.0.0.1:6379, and a private one.

The machine's server is started by the host's `scripts/services` (and by CI) with `MAIN_COMMAND`;
the restart test stops it and starts it again with exactly that command. The private server is
this test session's own (TLS, passwords, an ACL user), on free ports, stopped at the end.
"""
from __future__ import annotations

import datetime
import ipaddress
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAIN_HOST, MAIN_PORT = "127.0.0.1", 6379
MAIN_ADDRESS = f"{MAIN_HOST}:{MAIN_PORT}"
MAIN_COMMAND = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
                "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]

PASSWORD = "s3cret pass/word"  # a space and a slash: they must survive URL quoting
ACL_USER, ACL_PASSWORD = "pipecd", "acl-pa55"


def answers(host: str, port: int, timeout: float = 0.3) -> bool:
    """True when a Redis server answers PING (or asks for a password) on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64)[:1] in (b"+", b"-")
    except OSError:
        return False


def wait_for(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting {seconds}s for {what}")
        time.sleep(0.05)


def start_main() -> None:
    """Start the machine's Redis with the host's own command unless it already answers."""
    if answers(MAIN_HOST, MAIN_PORT):
        return
    Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
    Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
    subprocess.run(MAIN_COMMAND, check=True, capture_output=True, timeout=30)
    wait_for(lambda: answers(MAIN_HOST, MAIN_PORT), 30, f"redis on {MAIN_ADDRESS}")


def stop_main() -> None:
    """Shut the machine's Redis down (without saving) and wait until it no longer answers."""
    subprocess.run(["redis-cli", "-h", MAIN_HOST, "-p", str(MAIN_PORT), "shutdown", "nosave"],
                   capture_output=True, timeout=30)
    wait_for(lambda: not answers(MAIN_HOST, MAIN_PORT), 30, f"redis on {MAIN_ADDRESS} to stop")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PrivateRedis:
    """A password-protected Redis with a plain port and a TLS port, for this session only."""

    folder: Path
    port: int = 0
    tls_port: int = 0
    ca_file: Path | None = None
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> "PrivateRedis":
        self.port, self.tls_port = free_port(), free_port()
        cert, key, self.ca_file = write_certificates(self.folder)
        cmd = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--tls-port", str(self.tls_port),
               "--tls-cert-file", str(cert), "--tls-key-file", str(key), "--tls-ca-cert-file", str(self.ca_file),
               "--tls-auth-clients", "no", "--requirepass", PASSWORD,
               "--user", ACL_USER, "on", f">{ACL_PASSWORD}", "~*", "&*", "+@all",
               "--save", "", "--appendonly", "no", "--dir", str(self.folder),
               "--logfile", str(self.folder / "redis.log")]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: answers("127.0.0.1", self.port), 30, f"the private redis on port {self.port}")
        return self

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
            self.proc = None


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 and localhost: (cert, key, ca)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def pem_key(k: ec.EllipticCurvePrivateKey) -> bytes:
        return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("pipecd-cp test CA")).issuer_name(name("pipecd-cp test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name("127.0.0.1")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "server.crt", folder / "server.key", folder / "ca.crt"
    paths[0].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(pem_key(key))
    paths[1].chmod(0o600)
    paths[2].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return paths
