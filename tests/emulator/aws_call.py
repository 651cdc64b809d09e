"""Calls one AWS API operation with boto3 and prints the response as JSON.

Used by the Rust end-to-end tests to set up and inspect the emulator without more Rust SDK
crates: python aws_call.py ENDPOINT SERVICE OPERATION [JSON_ARGUMENTS]
"""
import json
import sys

import boto3


def client(service: str, endpoint: str):
    """A boto3 client of the emulator, with its test credentials and the seed's region."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="ap-southeast-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def main() -> None:
    endpoint, service, operation = sys.argv[1:4]
    arguments = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    response = getattr(client(service, endpoint), operation)(**arguments)
    response.pop("ResponseMetadata", None)
    json.dump(response, sys.stdout, default=str)


if __name__ == "__main__":
    main()
