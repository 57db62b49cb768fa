from twisted.plugin import getPlugins
from twisted.application.service import IServiceMaker
from twisted.internet import reactor, protocol, defer
from twisted.protocols.basic import LineReceiver
names = sorted(p.tapname for p in getPlugins(IServiceMaker))
print("service makers:", [n for n in names if n in ("web", "ftp", "dns", "socks", "portforward", "procmon", "words", "conch", "manhole")])
class Echo(LineReceiver):
    def lineReceived(self, line): self.sendLine(line.upper())
class Client(LineReceiver):
    def connectionMade(self): self.sendLine(b"hello twisted")
    def lineReceived(self, line):
        print("reply:", line.decode()); self.transport.loseConnection()
    def connectionLost(self, reason): reactor.stop()
f = protocol.ServerFactory(); f.protocol = Echo
port = reactor.listenTCP(0, f, interface="127.0.0.1")
cf = protocol.ClientFactory(); cf.protocol = Client
reactor.connectTCP("127.0.0.1", port.getHost().port, cf)
d = defer.succeed(20); d.addCallback(lambda x: x * 2 + 2); d.addCallback(lambda x: print("deferred", x))
reactor.run()
from twisted.python import versions, filepath
import twisted
print(twisted.__version__.split(".")[0].isdigit(), filepath.FilePath("/a/b/c").basename())
