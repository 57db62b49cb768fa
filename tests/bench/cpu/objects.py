"""cpu/objects: small objects made and dropped (classes, __slots__,
dataclasses, tuples, lists), attribute access and the garbage collector."""
import dataclasses
import sys


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


@dataclasses.dataclass
class Item:
    name: str
    qty: int
    price: float


class Node:
    def __init__(self, parent):
        self.parent = parent
        self.children = []


def work(scale):
    total = 0
    for i in range(scale):
        pts = [Point(j, j * 2) for j in range(300)]
        total += sum(p.x + p.y for p in pts)
        items = [Item(str(j), j, j * 0.5) for j in range(200)]
        total += sum(it.qty for it in items if it.price > 10)
        root = Node(None)
        for j in range(200):  # reference cycles for the collector
            child = Node(root)
            root.children.append(child)
        total += len(root.children) + len(tuple(zip(pts, items)))
    return total


print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 1500))
