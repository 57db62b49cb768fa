import serial, serial.tools.list_ports, serial.rs485
s = serial.serial_for_url("loop://", baudrate=115200, timeout=0.5)
s.write(b"AT\r\nOK\r\n"); print(s.readline(), s.read_until(b"\n"), s.in_waiting, s.name if hasattr(s, "name") else "")
s.close()
print(serial.__version__.count("."), serial.PARITY_NAMES[serial.PARITY_EVEN], serial.to_bytes([65, 66]))
try:
    serial.serial_for_url("bogus://x")
except ValueError as e:
    print("err", e)
print(sorted(p.device for p in serial.tools.list_ports.comports() if "ttyS" in p.device)[:1] is not None)
s = serial.serial_for_url("hwgrep://nothing-matches-this", do_not_open=True) if False else None
from serial.tools import hexlify_codec
print(serial.protocol_handler_packages, b"\x01\xff".decode("hexlify") if False else "")
