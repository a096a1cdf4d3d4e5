import json
import os

from confluent_kafka import Consumer
from opensearchpy import OpenSearch

consumer = Consumer({"bootstrap.servers": os.environ["KAFKA_BROKERS"], "group.id": "search-indexer"})
consumer.subscribe(["learning-events"])
search = OpenSearch(os.environ["OPENSEARCH_URL"])

while True:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    event = json.loads(msg.value())
    if event.get("type") == "CourseUpdated":
        search.index(index="courses", id=event["courseId"], body=event)
