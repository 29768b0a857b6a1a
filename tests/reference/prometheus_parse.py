"""Parses Prometheus text exposition format from standard input with the official Python client's
parser (prometheus_client.parser) and prints every sample as JSON:
  [{"name": ..., "labels": {...}, "value": ...}, ...]
A format error makes the parser raise, and the script exits non-zero with its message."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    samples = []
    for family in text_string_to_metric_families(sys.stdin.read()):
        for sample in family.samples:
            samples.append({"name": sample.name, "labels": dict(sample.labels), "value": sample.value})
    json.dump(samples, sys.stdout)


if __name__ == "__main__":
    main()
