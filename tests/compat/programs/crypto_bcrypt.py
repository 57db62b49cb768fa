import bcrypt
h = bcrypt.hashpw(b"hunter2", b"$2b$04$abcdefghijklmnopqrstuu")
print(h, bcrypt.checkpw(b"hunter2", h), bcrypt.checkpw(b"x", h))
print(bcrypt.kdf(b"pw", b"salt", 16, 4).hex())
