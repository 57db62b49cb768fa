import pendulum
dt = pendulum.datetime(2026, 12, 7, 13, 5, tz="Europe/Paris")
print(dt.isoformat(), dt.in_tz("Asia/Tokyo").isoformat(), dt.day_of_week, dt.week_of_year)
for loc in ("en", "fr", "de", "ru", "pt_br", "es"):
    print(loc, dt.format("dddd D MMMM YYYY", locale=loc), "|", dt.subtract(days=3).diff_for_humans(dt, locale=loc))
p = pendulum.period(pendulum.date(2026, 1, 1), pendulum.date(2026, 3, 1)) if hasattr(pendulum, "period") else pendulum.interval(pendulum.date(2026, 1, 1), pendulum.date(2026, 3, 1))
print(p.in_days(), [d.to_date_string() for d in p.range("months")])
print(pendulum.parse("2026-03-29T02:30:00", tz="Europe/Berlin").isoformat(), pendulum.duration(hours=49).in_words(locale="fr"))
