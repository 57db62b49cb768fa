import netaddr, dns.name, dns.message, dns.rdata, dns.rdataclass, dns.rdatatype, dns.zone, dns.reversename, dns.flags
n = netaddr.IPNetwork("192.168.0.0/22")
print(n.size, n.netmask, list(n.subnet(24))[:2], netaddr.IPAddress("10.1.2.3") in netaddr.IPNetwork("10.0.0.0/8"))
print(netaddr.cidr_merge(["10.0.0.0/24", "10.0.1.0/24"]), netaddr.IPAddress("::1").version, netaddr.EUI("00-1B-77-49-54-FD").oui.registration()["org"])
print(netaddr.IPSet(["10.0.0.0/30"]) - netaddr.IPSet(["10.0.0.1"]), netaddr.valid_ipv4("1.2.3"))
m = dns.message.make_query("www.example.org", "AAAA", want_dnssec=True)
m.id = 4242
print(m.to_text()); print(len(m.to_wire()))
print(dns.name.from_text("a.b.example.").relativize(dns.name.from_text("example.")), dns.reversename.from_address("192.0.2.7"))
z = dns.zone.from_text("""$TTL 300
@ IN SOA ns hostmaster 1 7200 900 1209600 86400
@ IN NS ns
ns IN A 192.0.2.1
www IN CNAME ns
@ IN MX 10 mail
@ IN TXT "v=spf1 -all"
""", origin="example.org.")
for name, node in sorted(z.nodes.items()):
    print(name, [r.to_text() for r in node.rdatasets])
print(dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.CAA, '0 issue "ca.example"').to_text())
