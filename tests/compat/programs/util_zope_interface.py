from zope.interface import Interface, Attribute, implementer, providedBy, directlyProvides, invariant
from zope.interface.verify import verifyObject
from zope.interface.registry import Components
from zope.interface.adapter import AdapterRegistry
import zope.interface, zope.event
class IShape(Interface):
    name = Attribute("name")
    def area(): "area"
class ISquare(IShape): pass
class IText(Interface): pass
@implementer(ISquare)
class Sq:
    name = "sq"
    def __init__(self, s): self.s = s
    def area(self): return self.s ** 2
q = Sq(3); print(verifyObject(ISquare, q), IShape.providedBy(q), [i.__name__ for i in providedBy(q)], ISquare.extends(IShape))
reg = Components()
reg.registerAdapter(lambda sh: "shape %s of %d" % (sh.name, sh.area()), (IShape,), IText)
print(reg.getAdapter(q, IText), reg.queryAdapter(object(), IText, default="none"))
reg.registerUtility(q, IShape, name="main"); print(reg.getUtility(IShape, "main").s, sorted(n for n, _ in reg.getUtilitiesFor(IShape)))
events = []; zope.event.subscribers.append(events.append); zope.event.notify("hello"); print(events)
print(zope.interface.ro.ro(ISquare)[:2] if hasattr(zope.interface, "ro") else "", type(providedBy(q)).__module__)
try:
    from zope.interface import _zope_interface_coptimizations as c; print("c", bool(c))
except ImportError:
    print("py")
