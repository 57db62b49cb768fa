from docutils.core import publish_parts, publish_string
src = """
Title
=====

Some *emphasis*, ``code`` and a link_.

.. _link: https://example.org

* item one
* item two

.. note:: A note.

=====  =====
a      b
=====  =====
1      2
=====  =====

.. code:: python

   print("hi")
"""
p = publish_parts(src, writer_name="html5", settings_overrides={"report_level": 5, "syntax_highlight": "short"})
print(p["title"]); print(p["body"])
print(publish_string("Hello *x*", writer_name="pseudoxml", settings_overrides={"report_level": 5}).decode())
print(publish_string("Hello *x*\n\n.. bad::\n", writer_name="html", settings_overrides={"report_level": 2, "warning_stream": False}).decode().count("system-message"))
