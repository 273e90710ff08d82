#!/usr/bin/env python3
"""Writes the heaviest AdmissionReview per byte that the webhook decodes: a
RayCluster CREATE whose head container's `args` is a list of N short strings
(default 700,000, about 2.7 MiB). The decoded form of such a body is what
bounds the webhook's memory per review (bench/RESULTS.md, "Cost of a review").

    worst_review.py [N] > review.json
"""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 700_000
review = {
    "apiVersion": "admission.k8s.io/v1",
    "kind": "AdmissionReview",
    "request": {
        "uid": "0d6c3a1e-7f52-4d8e-9a57-2b8f3f1c9e01",
        "kind": {"group": "ray.io", "version": "v1", "kind": "RayCluster"},
        "resource": {"group": "ray.io", "version": "v1", "resource": "rayclusters"},
        "name": "args-flood",
        "namespace": "default",
        "operation": "CREATE",
        "userInfo": {"username": "kubernetes-admin", "groups": ["system:masters"]},
        "object": {
            "apiVersion": "ray.io/v1",
            "kind": "RayCluster",
            "metadata": {"name": "args-flood", "namespace": "default"},
            "spec": {
                "headGroupSpec": {
                    "rayStartParams": {},
                    "template": {"spec": {"containers": [{
                        "name": "ray-head",
                        "image": "rayproject/ray:2.46.0",
                        "args": [chr(ord("a") + i % 26) for i in range(n)],
                    }]}},
                },
            },
        },
        "oldObject": None,
        "dryRun": False,
    },
}
json.dump(review, sys.stdout, separators=(",", ":"))
