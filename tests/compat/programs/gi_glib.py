import gi
gi.require_version("GLib", "2.0"); gi.require_version("GObject", "2.0")
from gi.repository import GLib, GObject, Gio
class Counter(GObject.Object):
    __gsignals__ = {"changed": (GObject.SignalFlags.RUN_FIRST, None, (int,))}
    count = GObject.Property(type=int, default=0)
    def bump(self):
        self.count += 1; self.emit("changed", self.count)
c = Counter(); c.connect("changed", lambda o, n: print("changed", n)); c.connect("notify::count", lambda o, p: print("notify", p.name))
c.bump(); c.bump(); print(c.props.count, Counter.__gtype__.name)
v = GLib.Variant("a{sv}", {"x": GLib.Variant("i", 5), "s": GLib.Variant("s", "hé")})
print(v.print_(True), v.unpack())
print(GLib.markup_escape_text("<a & b>"), GLib.uri_escape_string("a b/c", None, False), GLib.compute_checksum_for_string(GLib.ChecksumType.SHA256, "abc", -1)[:16])
loop = GLib.MainLoop(); ticks = []
def tick():
    ticks.append(1)
    if len(ticks) == 3:
        loop.quit(); return False
    return True
GLib.timeout_add(5, tick); loop.run(); print("ticks", len(ticks))
f = Gio.File.new_for_path("/etc/hostname"); print(f.get_basename(), Gio.content_type_guess("x.png", None)[0])
print(GLib.DateTime.new_utc(2026, 12, 7, 10, 0, 0).format("%Y-%m-%d %H:%M"), gi.version_info >= (3, 0, 0))
