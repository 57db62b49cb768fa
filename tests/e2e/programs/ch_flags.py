"""What a frozen program tells its children about interpreter flags."""
import subprocess
import sys
print("flags", subprocess._args_from_interpreter_flags())
print("sys.flags", sys.flags.no_site, sys.flags.dont_write_bytecode, sys.flags.isolated)
