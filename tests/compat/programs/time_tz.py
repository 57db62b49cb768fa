import datetime, pytz, tzlocal, zoneinfo, time
d = datetime.datetime(2026, 3, 29, 1, 30)
for name in ("Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"):
    tz = pytz.timezone(name)
    loc = tz.localize(d)
    print(name, loc.isoformat(), loc.tzname(), tz.normalize(loc + datetime.timedelta(hours=3)).isoformat())
print(len(pytz.all_timezones) > 400, pytz.country_timezones("nz"), pytz.country_names["fr"])
print(zoneinfo.ZoneInfo("Europe/Berlin").utcoffset(d), sorted(zoneinfo.available_timezones())[:3])
z = tzlocal.get_localzone()
print(type(z).__module__, str(tzlocal.get_localzone_name()) == str(z))
