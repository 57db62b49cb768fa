import nacl.secret, nacl.signing, nacl.hash, nacl.encoding, nacl.pwhash
box = nacl.secret.SecretBox(bytes(32))
ct = box.encrypt(b"attack at dawn", bytes(24))
print(ct.hex())
print(box.decrypt(ct))
sk = nacl.signing.SigningKey(bytes(range(32)))
print(sk.verify_key.encode(nacl.encoding.HexEncoder))
print(nacl.hash.sha256(b"x", encoder=nacl.encoding.HexEncoder))
print(nacl.pwhash.argon2id.kdf(32, b"pw", b"s" * 16, opslimit=2, memlimit=8192 * 1024).hex())
