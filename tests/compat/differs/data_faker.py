# Differs by design today (tests/compat/differs): faker 15 sees sys.frozen and lists its
# locales in os.path.dirname(sys.executable) + "/lib/faker/providers" (cx_Freeze's
# layout, faker/utils/loading.py get_path), which a pyfreeze program does not have: no
# locale is found. It passes when sys.frozen is not set.
from faker import Faker
from faker.config import AVAILABLE_LOCALES
print(len(AVAILABLE_LOCALES) > 50, "fr_FR" in AVAILABLE_LOCALES, "ja_JP" in AVAILABLE_LOCALES)
for loc in ("en_US", "fr_FR", "de_DE", "ja_JP", "ru_RU"):
    f = Faker(loc); f.seed_instance(1234)
    print(loc, f.name(), "|", f.city(), "|", f.phone_number(), "|", f.date(), "|", f.color_name())
f = Faker("it_IT"); f.seed_instance(7)
print(f.name(), f.address().replace("\n", " / "))
g = Faker(); g.seed_instance(5)
print(g.pyint(), g.ipv4(), g.uuid4(), g.sha1(), g.profile(fields=["job", "mail"]) is not None, g.isbn13())
