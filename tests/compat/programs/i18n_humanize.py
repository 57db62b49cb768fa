import datetime, humanize
print(humanize.naturalsize(123456789), humanize.intcomma(1234567), humanize.intword(3400000), humanize.ordinal(23), humanize.apnumber(7))
print(humanize.naturaldelta(datetime.timedelta(seconds=4000)), humanize.precisedelta(datetime.timedelta(seconds=3725)), humanize.fractional(1.5), humanize.scientific(0.00042))
for loc in ("fr_FR", "de_DE", "ru_RU", "ja_JP", "pt_BR", "es_ES"):
    humanize.i18n.activate(loc)
    print(loc, humanize.naturaldelta(datetime.timedelta(days=3)), humanize.ordinal(2), humanize.intword(2300000), humanize.naturalday(datetime.date(2020, 1, 1)))
humanize.i18n.deactivate()
try:
    humanize.i18n.activate("xx_YY")
except FileNotFoundError as e:
    print("no locale", type(e).__name__)
