import keyring, keyring.backend
from keyring.backends import null, fail, chainer
class Mem(keyring.backend.KeyringBackend):
    priority = 1
    def __init__(self): self.d = {}
    def set_password(self, s, u, p): self.d[s, u] = p
    def get_password(self, s, u): return self.d.get((s, u))
    def delete_password(self, s, u): del self.d[s, u]
names = sorted(type(k).__module__ + "." + type(k).__name__ for k in keyring.backend.get_all_keyring())
print(names)
print(type(keyring.get_keyring()).__name__)
keyring.set_keyring(Mem()); keyring.set_password("svc", "me", "s3cret")
print(keyring.get_password("svc", "me"), keyring.get_credential("svc", "me").password)
print(sorted(ep.name for ep in keyring.backend._load_plugins.__globals__["metadata"].entry_points(group="keyring.backends")) if hasattr(keyring.backend, "_load_plugins") else "-")
