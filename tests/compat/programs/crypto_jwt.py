import jwt, datetime
tok = jwt.encode({"sub": "me", "n": 1, "exp": datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)}, "k", algorithm="HS256")
print(tok)
print(jwt.decode(tok, "k", algorithms=["HS256"]))
try:
    jwt.decode(tok, "bad", algorithms=["HS256"])
except jwt.InvalidSignatureError as e:
    print("invalid:", e)
from cryptography.hazmat.primitives.asymmetric import ec
k = ec.derive_private_key(7, ec.SECP256R1())
t = jwt.encode({"a": 1}, k, algorithm="ES256")
print(jwt.decode(t, k.public_key(), algorithms=["ES256"]))
