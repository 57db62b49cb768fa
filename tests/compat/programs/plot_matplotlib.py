import hashlib, io, os, tempfile
os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp()
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
fig, (a, b) = plt.subplots(1, 2, figsize=(4, 2), dpi=40)
a.plot(np.linspace(0, 6, 50), np.sin(np.linspace(0, 6, 50)), label="sin"); a.legend(); a.set_title("T $\\alpha^2$")
b.bar(["x", "y"], [3, 1]); b.imshow(np.eye(3), cmap="viridis")
buf = io.BytesIO(); fig.savefig(buf, format="png"); print(hashlib.sha256(buf.getvalue()).hexdigest())
svg = io.BytesIO(); fig.savefig(svg, format="svg", metadata={"Date": None}); print(len(svg.getvalue()) > 1000)
print(matplotlib.rcParams["font.sans-serif"][:2], sorted(plt.style.available)[:3])
