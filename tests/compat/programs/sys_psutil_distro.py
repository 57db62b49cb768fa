import os, psutil, distro
p = psutil.Process(os.getpid())
print(p.pid == os.getpid(), p.status() in ("running", "sleeping"), psutil.cpu_count() >= 1, psutil.virtual_memory().total > 0)
print(distro.id(), distro.major_version(), distro.name())
print(type(psutil.disk_usage("/").percent).__name__, psutil.Process().name() == p.name())
