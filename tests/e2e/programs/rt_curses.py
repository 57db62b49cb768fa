"""rt_curses: curses in a frozen program run with TERM=dumb (roots.sh): the
terminfo entry of the root (setupterm reads it from the root's terminfo
directories), its capabilities, tparm, key codes, and the pieces of the
curses package that need no terminal (curses.ascii, the panel and textpad
modules).
"""
import curses
import curses.ascii
import curses.panel
import curses.textpad
import os
import sys

print("TERM", os.environ.get("TERM"))
try:
    curses.setupterm(term="no-such-terminal-here", fd=sys.stdout.fileno())
except curses.error as exc:
    print("unknown terminal", exc)
curses.setupterm(fd=sys.stdout.fileno())
print("numbers", curses.tigetnum("cols"), curses.tigetnum("lines"), curses.tigetnum("colors"))
print("flags", curses.tigetflag("am"), curses.tigetflag("bce"), curses.tigetflag("no-such-cap"))
print("strings", curses.tigetstr("bel"), curses.tigetstr("cr"), curses.tigetstr("cud1"),
      curses.tigetstr("ind"), curses.tigetstr("clear"), curses.tigetstr("cup"))
print("tparm", curses.tparm(b"\x1b[%i%p1%d;%p2%dH", 4, 9), curses.tparm(b"%p1%{7}%*%d", 6))
print("keys", curses.KEY_UP > 255, curses.KEY_F0 + 5 == curses.KEY_F5)
print("ascii", curses.ascii.isprint("x"), repr(curses.ascii.ctrl("c")), curses.ascii.unctrl(27),
      curses.ascii.alt("a") == chr(0xE1))
print("version", curses.ncurses_version >= (6, 0), isinstance(curses.version, bytes))
