# Tcl through tkinter, using what Tcl reads from its script library at run
# time: init.tcl, the auto-load index, clock.tcl with its message catalogues
# (msgcat, a Tcl module), an encoding file, glob and file over the library.
import os
import tkinter

tcl = tkinter.Tcl()
library = tcl.eval("info library")
print("library:", os.path.basename(library), tcl.eval("file isdirectory [info library]"))
print("scripts:", tcl.eval("lsort [glob -directory [info library] -tails *.tcl]"))
print("subdirectories:", tcl.eval("lsort [glob -directory [info library] -tails -types d {[e-o]*}]"))
print("clock:", tcl.eval("clock format 0 -format {%Y-%m-%d %A} -gmt 1"))
print("french:", tcl.eval("clock format 0 -format {%B %A} -locale fr -gmt 1"))
print("msgcat:", tcl.eval("package require msgcat"))
print("koi8-r:", tcl.eval("binary encode hex [encoding convertto koi8-r \u0416\u044f]"))
print("tclIndex:", tcl.eval("set f [open [file join [info library] tclIndex]]; "
                            "set line [gets $f]; close $f; set line"))
print("exists:", tcl.eval("file exists [file join [info library] encoding koi8-r.enc]"),
      tcl.eval("file exists [file join [info library] nosuch.tcl]"),
      tcl.eval("file readable [file join [info library] init.tcl]"))
for script in ("source [file join [info library] nosuch.tcl]", "parray"):
    try:
        tcl.eval(script)
    except tkinter.TclError as e:
        print("error:", str(e).replace(library, "LIBRARY"))
print("second interpreter:", tkinter.Tcl().eval("clock format 86400 -format %d -gmt 1"))
