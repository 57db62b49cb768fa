from packaging.version import Version, parse
from packaging.specifiers import SpecifierSet
from packaging.requirements import Requirement
from packaging.markers import Marker
from packaging import tags
print(sorted([Version("1.10"), Version("1.2"), parse("1.0rc1")]))
print(list(SpecifierSet(">=1.0,!=1.5").filter(["0.9", "1.0", "1.5", "2.0"])))
r = Requirement('requests[socks]>=2.0; python_version>"3.6"'); print(r.name, r.extras, r.specifier, r.marker.evaluate())
print(Marker("os_name == 'posix'").evaluate(), next(tags.sys_tags()).interpreter)
