"""rt_ctypes: ctypes (libffi) in a frozen program (roots.sh): the root's own
C library and libm called through ctypes, find_library (ldconfig's cache of
the root), callbacks (libffi closures) called back from qsort, structures
with bit fields, unions, arrays, pointers and errno.
"""
import ctypes
import ctypes.util
import os

libc = ctypes.CDLL("libc.so.6", use_errno=True)
libm = ctypes.CDLL(ctypes.util.find_library("m"))
print("find_library", ctypes.util.find_library("c"), ctypes.util.find_library("m"),
      ctypes.util.find_library("no-such-library-here"))

libc.strlen.argtypes = [ctypes.c_char_p]
libc.strlen.restype = ctypes.c_size_t
print("strlen", libc.strlen(b"frozen in a root"))
libm.cos.argtypes = libm.pow.argtypes = None
libm.cos.restype = libm.pow.restype = ctypes.c_double
print("libm", libm.cos(ctypes.c_double(0.0)), libm.pow(ctypes.c_double(2.0), ctypes.c_double(10.0)))
print("getpid", libc.getpid() == os.getpid())

CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
calls = []


def compare(a, b):
    calls.append(1)
    return a[0] - b[0]


values = (ctypes.c_int * 8)(5, -3, 8, 0, 13, -21, 2, 1)
libc.qsort(values, len(values), ctypes.sizeof(ctypes.c_int), CMP(compare))
print("qsort", list(values), len(calls) > 0)


class Flags(ctypes.Structure):
    _fields_ = [("low", ctypes.c_uint, 3), ("high", ctypes.c_uint, 5), ("rest", ctypes.c_uint, 24)]


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double), ("tag", ctypes.c_char * 4)]


class Number(ctypes.Union):
    _fields_ = [("i", ctypes.c_uint32), ("f", ctypes.c_float)]


flags = Flags(5, 17, 1000)
print("bit fields", flags.low, flags.high, flags.rest, bytes(flags).hex())
point = Point(1.5, -2.25, b"pt")
print("structure", ctypes.sizeof(Point), point.x, point.y, point.tag, Point.y.offset)
print("union", hex(Number(f=1.0).i), Number(i=0x40490fdb).f)
buffer = ctypes.create_string_buffer(b"abcdef", 10)
ctypes.memmove(ctypes.byref(buffer, 2), b"XY", 2)
print("buffer", buffer.raw, ctypes.string_at(ctypes.addressof(buffer) + 1, 4))
pointer = ctypes.cast(values, ctypes.POINTER(ctypes.c_int))
print("pointer", pointer[0], pointer[7], ctypes.c_int8(300).value, ctypes.c_uint16(-1).value)
print("sizes", ctypes.sizeof(ctypes.c_long), ctypes.sizeof(ctypes.c_void_p), ctypes.sizeof(ctypes.c_longdouble))

libc.open.restype = ctypes.c_int
fd = libc.open(b"/no/such/file", os.O_RDONLY)
print("errno", fd, ctypes.get_errno(), os.strerror(ctypes.get_errno()))
