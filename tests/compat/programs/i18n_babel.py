import datetime, decimal
from babel import Locale, dates, numbers, units, lists
d = datetime.datetime(2026, 12, 7, 13, 5)
for loc in ("en_US", "fr_FR", "ja_JP", "ar_EG"):
    print(loc, dates.format_datetime(d, locale=loc, tzinfo=dates.get_timezone("UTC")), numbers.format_currency(decimal.Decimal("1234.5"), "EUR", locale=loc))
print(Locale.parse("de_CH").territories["JP"], units.format_unit(12, "length-meter", locale="ru"), lists.format_list(["a", "b", "c"], locale="es"))
print(dates.format_timedelta(datetime.timedelta(hours=3), locale="it"))
