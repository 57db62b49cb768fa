from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa, padding
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
import base64
kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b"s" * 16, iterations=1000)
key = base64.urlsafe_b64encode(kdf.derive(b"password"))
print(key)
f = Fernet(key)
print(f.decrypt(f.encrypt(b"secret")))
sk = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
print(sk.sign(b"msg").hex())
k = rsa.generate_private_key(public_exponent=65537, key_size=1024)
sig = k.sign(b"m", padding.PKCS1v15(), hashes.SHA256())
k.public_key().verify(sig, b"m", padding.PKCS1v15(), hashes.SHA256())
print("rsa ok", k.key_size)
print(sk.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
