#!/usr/bin/env python3
"""Regenerate ../src/resources/shapes.json from the vendored OpenAPI spec.

For every operation the generic resource store serves, the file holds what the spec says:
the success status, the response shape (`object`, `array`, `paginated` or `empty`), a
*template* (a complete instance of the response object: every property, `null` where
nullable, the first enum value, the spec's example otherwise), and the request body's fields
(types, nullability, which are required). The emulator validates request bodies against the
`body` entry and renders responses by projecting its stored records on the template's keys, so
a response can only carry the fields the spec declares.

    python3 crates/clerk-emulator/tests/gen_shapes.py
"""
import json
import os
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(HERE, "..", "..", "..", "spec", "clerk-bapi-2026-05-12.yml")
OUT = os.path.join(HERE, "..", "src", "resources", "shapes.json")

PREFIXES = (
    "/jwt_templates", "/oauth_applications", "/domains", "/allowlist_identifiers",
    "/blocklist_identifiers", "/redirect_urls", "/actor_tokens", "/sign_in_tokens",
    "/testing_tokens", "/machines", "/organization_roles", "/organization_permissions",
    "/role_sets", "/organization_domains", "/enterprise_connections", "/directories",
    "/scim_directories", "/waitlist_entries", "/webhooks", "/instance", "/billing", "/agents",
    "/admin_portal_link_tokens", "/sign_ups", "/clients", "/proxy_checks", "/saml_connections",
    "/organizations/{organization_id}/domains", "/api_keys", "/m2m_tokens",
    "/sessions/{session_id}/tokens", "/sessions/{session_id}/refresh", "/users/{user_id}/billing",
    "/organizations/{organization_id}/billing", "/beta_features",
)

spec = yaml.safe_load(open(SPEC))
schemas = spec["components"]["schemas"]


def resolve(x):
    while isinstance(x, dict) and "$ref" in x:
        x = schemas[x["$ref"].split("/")[-1]]
    return x


def merged(x):
    x = resolve(x)
    if "allOf" in x:
        out = {"type": "object", "properties": {}, "required": []}
        for part in x["allOf"]:
            p = merged(part)
            out["properties"].update(p.get("properties", {}))
            out["required"] += p.get("required", [])
            if p.get("nullable"):
                out["nullable"] = True
        if x.get("nullable"):
            out["nullable"] = True
        return out
    return x


def instance(x, depth=0):
    x = merged(x)
    if depth > 12:
        return None
    if x.get("nullable"):
        return None
    for k in ("oneOf", "anyOf"):
        # Alternatives that only add constraints (`anyOf: [{required: [domain]}, …]`) leave
        # the schema's own properties as the shape.
        if k in x and not ("properties" in x and all(set(o) <= {"required"} for o in x[k])):
            opts = [o for o in x[k] if resolve(o).get("type") != "null"]
            return instance(opts[0], depth + 1)
    t = x.get("type")
    if isinstance(t, list):
        t = [v for v in t if v != "null"][0]
    if "enum" in x:
        ex = x.get("example")
        return ex if ex in x["enum"] else x["enum"][0]
    if t == "object" or "properties" in x:
        out = {k: instance(v, depth + 1) for k, v in x.get("properties", {}).items()}
        # The spec requires a few fields it does not describe (`EnterpriseConnection`'s
        # `authenticatable`, `disable_jit_provisioning`): flags, default false.
        for k in x.get("required", []):
            out.setdefault(k, False)
        return out
    if t == "array":
        n = x.get("minItems", 0)
        return [instance(x["items"], depth + 1) for _ in range(n)]
    ex = x.get("example")
    if t == "string":
        if isinstance(ex, str):
            return ex
        return x.get("default", "") if isinstance(x.get("default"), str) else ""
    if t == "integer":
        if isinstance(ex, int) and not isinstance(ex, bool):
            return ex
        return x.get("minimum", 0) if isinstance(x.get("minimum"), int) else 0
    if t == "number":
        return ex if isinstance(ex, (int, float)) and not isinstance(ex, bool) else 0
    if t == "boolean":
        return ex if isinstance(ex, bool) else False
    return {}


def types_of(x):
    x = merged(x)
    for k in ("oneOf", "anyOf"):
        if k in x:
            out = []
            for o in x[k]:
                out += types_of(o)
            return sorted(set(out))
    t = x.get("type")
    if t is None:
        return ["object"] if "properties" in x else []
    return t if isinstance(t, list) else [t]


def body_of(op):
    rb = op.get("requestBody")
    if not rb:
        return None
    content = rb.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    if not media or "schema" not in media:
        return None
    x = merged(media["schema"])
    if x.get("type") == "array":
        item = merged(x["items"])
        return {"array": True, "required_body": bool(rb.get("required")),
                "required": item.get("required", []),
                "props": {k: {"types": types_of(v), "nullable": bool(merged(v).get("nullable"))}
                          for k, v in item.get("properties", {}).items()}}
    return {"array": False, "required_body": bool(rb.get("required")),
            "required": x.get("required", []),
            "props": {k: {"types": types_of(v), "nullable": bool(merged(v).get("nullable"))}
                      for k, v in x.get("properties", {}).items()}}


def response_of(op):
    for status, r in op["responses"].items():
        if not status.startswith("2"):
            continue
        if "$ref" in r:
            r = spec["components"]["responses"][r["$ref"].split("/")[-1]]
        media = r.get("content", {}).get("application/json")
        if not media:
            return int(status), "empty", None
        x = merged(media["schema"])
        if x.get("type") == "array":
            return int(status), "array", instance(x["items"])
        props = x.get("properties", {})
        if set(props) >= {"data", "total_count"} and len(props) == 2:
            data = merged(props["data"])
            return int(status), "paginated", instance(data["items"])
        return int(status), "object", instance(x)
    raise SystemExit("no 2xx response")


ops = {}
for path, item in spec["paths"].items():
    if not path.startswith(PREFIXES):
        continue
    for method, op in item.items():
        if method not in ("get", "post", "put", "patch", "delete"):
            continue
        status, shape, template = response_of(op)
        ops[f"{method.upper()} {path}"] = {
            "operation_id": op.get("operationId"),
            "status": status,
            "shape": shape,
            "template": template,
            "body": body_of(op),
        }

with open(OUT, "w") as f:
    json.dump(ops, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{len(ops)} operations -> {OUT}")
