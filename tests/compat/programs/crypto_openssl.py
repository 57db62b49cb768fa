from OpenSSL import crypto, SSL
k = crypto.PKey(); k.generate_key(crypto.TYPE_RSA, 1024)
req = crypto.X509Req(); req.get_subject().CN = "frozen"; req.set_pubkey(k); req.sign(k, "sha256")
print(req.get_subject().CN, req.verify(k), k.bits())
ctx = SSL.Context(SSL.TLS_METHOD)
print(type(ctx).__name__, SSL.OPENSSL_VERSION_NUMBER > 0)
