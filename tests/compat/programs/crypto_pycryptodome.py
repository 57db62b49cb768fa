from Cryptodome.Cipher import AES, ChaCha20_Poly1305
from Cryptodome.Hash import SHA256, SHA3_256, HMAC, BLAKE2b
from Cryptodome.PublicKey import RSA, ECC
from Cryptodome.Signature import pss, DSS
from Cryptodome.Protocol.KDF import PBKDF2, scrypt
from Cryptodome.Util.Padding import pad, unpad
key = bytes(range(16)); iv = bytes(16)
ct = AES.new(key, AES.MODE_CBC, iv).encrypt(pad(b"secret message", 16)); print(ct.hex())
print(unpad(AES.new(key, AES.MODE_CBC, iv).decrypt(ct), 16))
c = AES.new(key, AES.MODE_GCM, nonce=bytes(12)); c.update(b"hdr"); ct, tag = c.encrypt_and_digest(b"gcm"); print(ct.hex(), tag.hex())
cc = ChaCha20_Poly1305.new(key=bytes(32), nonce=bytes(12)); print(cc.encrypt_and_digest(b"x")[1].hex())
print(SHA256.new(b"a").hexdigest(), SHA3_256.new(b"a").hexdigest()[:16], HMAC.new(b"k", b"m", SHA256).hexdigest()[:16], BLAKE2b.new(digest_bits=128, data=b"a").hexdigest())
print(PBKDF2("pw", b"salt", 16, count=1000, hmac_hash_module=SHA256).hex(), scrypt("pw", b"salt", 16, N=2**10, r=8, p=1).hex())
k = RSA.generate(1024); h = SHA256.new(b"msg"); s = pss.new(k).sign(h); pss.new(k.publickey()).verify(h, s); print("rsa ok", k.size_in_bits())
e = ECC.generate(curve="P-256"); s = DSS.new(e, "fips-186-3").sign(h); DSS.new(e.public_key(), "fips-186-3").verify(h, s); print("ecc ok", e.curve)
