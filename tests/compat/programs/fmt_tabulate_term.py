from tabulate import tabulate
import colorama, termcolor, humanize, datetime
rows = [["apple", 3, 1.5], ["kiwi", 12, 0.25], ["fig", None, 10]]
for fmt in ("plain", "grid", "github", "latex", "html", "rst"):
    print(tabulate(rows, headers=["fruit", "n", "price"], tablefmt=fmt, floatfmt=".2f", missingval="-"))
colorama.init(strip=False)
print(repr(colorama.Fore.RED + "red" + colorama.Style.RESET_ALL), repr(termcolor.colored("x", "green", attrs=["bold"])))
print(humanize.naturalsize(123456789), humanize.intcomma(1234567), humanize.naturaldelta(datetime.timedelta(hours=3)), humanize.ordinal(22))
print(humanize.precisedelta(datetime.timedelta(seconds=3725)), humanize.scientific(0.00012))
