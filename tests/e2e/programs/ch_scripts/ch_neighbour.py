"""Imported by helper.py from the script's own directory."""
VALUE = "neighbour value"
