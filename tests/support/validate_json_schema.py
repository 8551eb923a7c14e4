#!/usr/bin/env python3
"""Validates a JSON document against a JSON Schema with the python3-jsonschema package.

usage: validate_json_schema.py SCHEMA.json DOCUMENT.json
exit 0: valid; 1: invalid (every error printed, with its JSON path); 2: usage or unreadable input.
The schema itself is checked first against its own meta-schema ($schema, e.g. draft 2020-12).
"""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        with open(sys.argv[2], encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        print(f"cannot read: {e}", file=sys.stderr)
        return 2
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        print(f"{e.json_path}: {e.message}")
    print(f"{validator_class.__name__}: {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
