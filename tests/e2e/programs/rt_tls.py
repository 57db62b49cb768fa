"""rt_tls: a TLS round trip inside one frozen program (roots.sh).

roots.sh makes, with the openssl CLI, a CA (ca.pem) and a server certificate
for localhost and 127.0.0.1 that it signed (server.pem, server.key), in the
working directory. A server thread on 127.0.0.1 (a free port) echoes what
each client sends; clients connect verifying the server against ca.pem, then
without the CA and with a wrong host name (both refused). Prints the facts
that do not depend on timing or on the library's build: the peer
certificate's subject, issuer and names, the protocol, ALPN, the bytes
echoed, and why verification failed. Every socket has a 20-second timeout.
"""
import hashlib
import socket
import ssl
import threading

PAYLOAD = bytes(range(256)) * 400  # 100 kB: several TLS records each way
ATTEMPTS = 4


def serve(listener, context, failures):
    for _ in range(ATTEMPTS):
        conn, _ = listener.accept()
        conn.settimeout(20)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                while True:
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    tls.sendall(chunk)
        except (ssl.SSLError, OSError) as exc:
            failures.append(type(exc).__name__)


def client(port, context, hostname, payload):
    """Returns the peer's certificate, the protocol, ALPN's choice, the echo."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with context.wrap_socket(raw, server_hostname=hostname) as tls:
            tls.sendall(payload)
            echoed = b""
            while len(echoed) < len(payload):
                chunk = tls.recv(65536)
                if not chunk:
                    break
                echoed += chunk
            return tls.getpeercert(), tls.version(), tls.selected_alpn_protocol(), echoed


def report_success(port, context, hostname):
    cert, version, alpn, echoed = client(port, context, hostname, PAYLOAD)
    print("connected to", hostname, version, alpn)
    print("  subject", cert["subject"])
    print("  issuer", cert["issuer"])
    print("  names", cert["subjectAltName"])
    print("  echoed", len(echoed), echoed == PAYLOAD, hashlib.sha256(echoed).hexdigest()[:16])


def report_refusal(port, context, hostname):
    try:
        client(port, context, hostname, b"never sent")
        print("connected to", hostname, "(should have been refused)")
    except ssl.SSLCertVerificationError as exc:
        print("refused", hostname, exc.verify_code, exc.verify_message)


def main():
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain("server.pem", "server.key")
    server.set_alpn_protocols(["pf/1"])
    trusting = ssl.create_default_context(cafile="ca.pem")
    trusting.set_alpn_protocols(["pf/1", "http/1.1"])
    strangers = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # trusts no CA at all
    failures = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(20)
        port = listener.getsockname()[1]
        thread = threading.Thread(target=serve, args=(listener, server, failures))
        thread.start()
        report_success(port, trusting, "localhost")
        report_success(port, trusting, "127.0.0.1")
        report_refusal(port, strangers, "localhost")
        report_refusal(port, trusting, "wrong.example")
        thread.join(60)
    print("server-side failures", failures)


main()
