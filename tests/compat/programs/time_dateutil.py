import datetime
from dateutil import parser, rrule, relativedelta, tz
import pytz
print(parser.parse("Sat Oct 11 17:13:46 UTC 2003"), parser.isoparse("2026-12-07T10:00:00+02:00"))
print(list(rrule.rrule(rrule.WEEKLY, count=3, dtstart=datetime.datetime(2026, 1, 1))))
print(datetime.date(2026, 1, 31) + relativedelta.relativedelta(months=1))
p = tz.gettz("Europe/Paris")
print(datetime.datetime(2026, 7, 1, tzinfo=p).utcoffset(), tz.tzutc())
ny = pytz.timezone("America/New_York")
print(ny.localize(datetime.datetime(2026, 3, 8, 12)).isoformat(), len(pytz.all_timezones) > 400)
