# A Tk window with ttk widgets (Tk's script library: tk.tcl, ttk/*.tcl),
# drawn, measured and destroyed.
import os
import tkinter
from tkinter import ttk

root = tkinter.Tk()
print("tk_library:", os.path.basename(root.tk.eval("set tk_library")))
print("windowing system:", root.tk.call("tk", "windowingsystem"))
frame = ttk.Frame(root, padding=4)
frame.pack()
label = ttk.Label(frame, text="hello")
button = ttk.Button(frame, text="ok")
entry = ttk.Entry(frame)
entry.insert(0, "typed")
combo = ttk.Combobox(frame, values=["one", "two"])
combo.current(1)
for widget in (label, button, entry, combo):
    widget.pack()
root.update()
print("classes:", [w.winfo_class() for w in (frame, label, button, entry, combo)])
print("mapped:", [w.winfo_ismapped() for w in (label, button, entry, combo)])
print("sizes:", button.winfo_reqwidth() > 0, root.winfo_height() > 0)
style = ttk.Style()
print("themes:", style.theme_use(), sorted(style.theme_names()))
print("values:", entry.get(), combo.get())
root.destroy()
print("destroyed")
