"""Create the first API keys from a shell (the admin route needs a key to start with).

    python -m api.keys create --role admin --merchant shop-1 [--name ops]
    python -m api.keys list --merchant shop-1
    python -m api.keys revoke KEY_ID --merchant shop-1

Settings come from the environment (ONRECORD_DATA_DIR, ONRECORD_DATABASE_URL) like every command.
"""

from __future__ import annotations

import argparse
import json
import sys

from models import Role
from pipeline.services import Services
from pipeline.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.keys", description="OnRecord API keys")
    sub = parser.add_subparsers(dest="cmd", required=True)
    create = sub.add_parser("create", help="make a key (printed once; only its hash is stored)")
    create.add_argument("--role", choices=[r.value for r in Role], required=True)
    create.add_argument("--merchant", required=True)
    create.add_argument("--name", default="")
    listing = sub.add_parser("list", help="the merchant's keys")
    listing.add_argument("--merchant", required=True)
    revoke = sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("key_id")
    revoke.add_argument("--merchant", required=True)
    args = parser.parse_args(argv)
    accounts = Services(Settings()).accounts
    if args.cmd == "create":
        made = accounts.create_key(Role(args.role), args.merchant, args.name)
        accounts.audit("cli", args.merchant, "key.created", made.info.id, {"role": args.role})
        print(json.dumps(made.model_dump(mode="json")))
    elif args.cmd == "list":
        for key in accounts.list_keys(args.merchant):
            print(key.model_dump_json())
    else:
        outcome = accounts.revoke_key(args.key_id, args.merchant, "cli")
        if outcome == "unknown":
            print(f"error: unknown key {args.key_id!r} for merchant {args.merchant!r}", file=sys.stderr)
            return 2
        if outcome == "last_admin":
            print(
                f"error: {args.key_id!r} is {args.merchant!r}'s last active admin key; create another first",
                file=sys.stderr,
            )
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
