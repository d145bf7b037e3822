"""Reads a SAM template and prints {"sam": <the template>, "cfn": <its CloudFormation>} as JSON.

Offline, like `sam validate --lint` and cfn-lint: cfn-lint's decoder reads the YAML with its
intrinsic-function tags, and the SAM translator runs without AWS (no boto session, a managed
policy loader that knows no policy, a fake S3 location for the local CodeUri).

Usage: python3 sam-translate.py TEMPLATE [REGION]
Exit codes: 0 ok, 2 bad usage or template, 3 a Python package is missing.
"""

import copy
import json
import os
import sys

try:
    from cfnlint.decode import decode
except ImportError:
    sys.stderr.write("cfn-lint is not installed in this Python (pip install cfn-lint)\n")
    sys.exit(3)
try:
    from samtranslator.translator.transform import transform
except ImportError:
    sys.stderr.write("the SAM translator is not installed in this Python (pip install aws-sam-translator)\n")
    sys.exit(3)


class NoManagedPolicies:
    """The translator asks for the account's managed policies only to resolve policy names."""

    def load(self):
        return {}


def fake_code_locations(template):
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            properties = resource.setdefault("Properties", {})
            if isinstance(properties.get("CodeUri"), str) and not properties["CodeUri"].startswith("s3://"):
                properties["CodeUri"] = "s3://local-build/artifact.zip"


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    os.environ["AWS_DEFAULT_REGION"] = argv[2] if len(argv) == 3 else "us-east-1"
    sam, matches = decode(argv[1])
    if sam is None:
        sys.stderr.write("".join(f"{match}\n" for match in matches) or "cannot read the template\n")
        return 2
    # Through JSON: cfn-lint's node types become plain dicts, lists and strings.
    sam = json.loads(json.dumps(sam))
    fragment = copy.deepcopy(sam)
    fake_code_locations(fragment)
    cfn = transform(fragment, {}, NoManagedPolicies())
    json.dump({"sam": sam, "cfn": cfn}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
