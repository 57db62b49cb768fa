from kombu import Connection, Exchange, Queue, Producer, Consumer
got = []
with Connection("memory://") as conn:
    ex = Exchange("jobs", type="direct"); q = Queue("work", ex, routing_key="w")
    with conn.channel() as ch:
        p = Producer(ch, exchange=ex, serializer="json")
        q(ch).declare()
        for i in range(3):
            p.publish({"n": i, "s": "é"}, routing_key="w")
        p.publish({"pickled": [1, 2]}, routing_key="w", serializer="pickle")
        def cb(body, msg):
            got.append((body, msg.content_type)); msg.ack()
        with Consumer(ch, queues=[q], callbacks=[cb], accept=["json", "pickle"]):
            for _ in range(4):
                conn.drain_events(timeout=1)
    print(conn.transport_cls, type(conn.transport).__module__)
print(got)
from kombu.utils.url import parse_url
print(parse_url("amqp://u:p@localhost:5672//"))
from kombu import serialization
print(serialization.dumps({"a": 1}, serializer="json"))
