import io
import pandas as pd
df = pd.read_csv(io.StringIO("k,v,d\na,1,2026-01-01\nb,2,2026-01-02\na,3,2026-01-03\n"), parse_dates=["d"])
print(df.groupby("k")["v"].agg(["sum", "mean"]))
print(df.pivot_table(index="k", values="v", aggfunc="max").to_dict())
print(df.set_index("d").resample("2D").sum(numeric_only=True))
buf = io.StringIO(); df.to_json(buf, orient="records", date_format="iso"); print(buf.getvalue())
print(pd.Series([1, None, 3]).interpolate().tolist(), pd.__version__)
print(df.to_markdown() if False else df.to_string())
print(pd.date_range("2026-03-28", periods=3, freq="D", tz="Europe/London"))
