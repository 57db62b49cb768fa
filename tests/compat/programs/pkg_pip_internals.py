from pip._internal.models.wheel import Wheel
from pip._internal.utils.misc import format_size
from pip._vendor.packaging.version import Version
from pip._vendor import tomli, rich
from pip._internal.req.constructors import install_req_from_line
w = Wheel("numpy-1.24.2-cp311-cp311-manylinux_2_17_x86_64.whl")
print(w.name, w.version, sorted(w.file_tags)[0], format_size(123456789))
print(install_req_from_line("requests>=2; python_version>'3'").req, Version("1.0") < Version("1.1"))
print(tomli.loads("a = 1"))
from pip._vendor.rich.console import Console
c = Console(width=40, force_terminal=False, color_system=None); c.print({"x": [1, 2]})
