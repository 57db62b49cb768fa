import logging, sys, structlog, colorlog
structlog.configure(processors=[structlog.processors.add_log_level, structlog.processors.KeyValueRenderer(key_order=["event", "level"], sort_keys=True)], logger_factory=structlog.PrintLoggerFactory(sys.stdout))
log = structlog.get_logger().bind(user="ann")
log.info("login", ip="127.0.0.1"); log.warning("quota", used=0.93)
structlog.reset_defaults()
structlog.configure(processors=[structlog.processors.JSONRenderer(sort_keys=True)], logger_factory=structlog.PrintLoggerFactory(sys.stdout))
structlog.get_logger().info("json", n=[1, 2])
h = colorlog.StreamHandler(sys.stdout)
h.setFormatter(colorlog.ColoredFormatter("%(log_color)s%(levelname)-8s%(reset)s %(message)s", force_color=True))
lg = colorlog.getLogger("demo"); lg.addHandler(h); lg.setLevel(logging.DEBUG); lg.propagate = False
lg.debug("dbg"); lg.error("bad %d", 3)
print(repr(colorlog.escape_codes.escape_codes["bold_red"]))
