# Differs by design today (tests/compat/differs): shapely 1.8 sees sys.frozen and looks
# for libgeos_c-*.so.* in sys.prefix (PyInstaller's layout, shapely/geos.py) instead of
# ctypes.util.find_library("geos_c"): no GEOS is loaded. It passes when sys.frozen is
# not set.
from shapely.geometry import Point, Polygon, LineString, MultiPoint, box
from shapely import wkt, ops, affinity
import shapely
a = Point(0, 0).buffer(1.0, 16); b = box(0, 0, 2, 2)
print(round(a.area, 6), round(a.intersection(b).area, 6), a.intersects(b), b.contains(Point(1, 1)))
l = LineString([(0, 0), (1, 1), (2, 0)]); print(round(l.length, 6), l.simplify(2).wkt, l.centroid.wkt)
u = ops.unary_union([box(0, 0, 1, 1), box(0.5, 0, 1.5, 1)]); print(u.wkt, u.bounds)
print(wkt.loads("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))").convex_hull.area, MultiPoint([(0, 0), (2, 2), (2, 0)]).convex_hull.wkt)
print(affinity.rotate(LineString([(0, 0), (1, 0)]), 90, origin=(0, 0)).wkt)
print(shapely.__version__.split(".")[0], shapely.geos_version >= (3, 0, 0) if hasattr(shapely, "geos_version") else True)
