import arrow, datetime
from dateutil import rrule, relativedelta, tz, parser
a = arrow.get("2024-03-10T01:30:00", tzinfo="America/New_York")
print(a, a.shift(hours=1), a.to("Asia/Tokyo").format("YYYY-MM-DD HH:mm ZZ"))
print(a.humanize(arrow.get("2024-03-12T01:30:00-04:00")), a.humanize(a.shift(days=-400), locale="de"))
print(arrow.get("10/03/2024", "DD/MM/YYYY").date(), a.floor("week"), a.span("month")[1])
print([d.day for d in rrule.rrule(rrule.MONTHLY, count=4, bymonthday=31, dtstart=datetime.datetime(2024, 1, 1))])
print(datetime.date(2024, 1, 31) + relativedelta.relativedelta(months=1), parser.parse("Sat Mar 2 10:00 2024 +0100").isoformat())
print(datetime.datetime(2024, 7, 1, tzinfo=tz.gettz("Europe/Paris")).utcoffset())
