import sys, io
from tqdm import tqdm, trange
buf = io.StringIO()
s = 0
for i in tqdm(range(100), file=buf, mininterval=0, miniters=1, ncols=60, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt}"):
    s += i
print(s, buf.getvalue().split("\r")[-1].strip())
for _ in trange(3, file=io.StringIO()): pass
print(tqdm.format_sizeof(123456789), tqdm.format_interval(3725))
