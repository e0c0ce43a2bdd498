//! Resources, completion and prompts over stdio on the embedded emulator: what the templates
//! and prompts lists hold, reads through the pipeline (scoping applies), completion of ids and
//! slugs, and the errors of malformed URIs, unknown objects and missing prompt arguments.

mod support;

use serde_json::{Value, json};
use support::*;

/// The JSON text of a successful `resources/read`.
fn contents(r: &Value, uri: &str) -> Value {
    let c = &r["result"]["contents"][0];
    assert_eq!(c["uri"], uri, "{r}");
    assert_eq!(c["mimeType"], "application/json", "{r}");
    serde_json::from_str(c["text"].as_str().expect("text contents")).unwrap()
}

fn names(list: &Value, key: &str, field: &str) -> Vec<String> {
    list["result"][key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key}: {list}"))
        .iter()
        .map(|t| t[field].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn capabilities_templates_and_reads_on_the_emulator() {
    let mut s = Server::emulator();
    let init = s.initialize("2025-11-25");
    let caps = &init["result"]["capabilities"];
    for c in ["tools", "resources", "prompts", "completions"] {
        assert!(caps[c].is_object(), "{c}: {caps}");
    }

    let t = s.request(1, "resources/templates/list", json!({}));
    assert_eq!(
        names(&t, "resourceTemplates", "uriTemplate"),
        [
            "clerk://users/{userId}",
            "clerk://organizations/{slugOrId}",
            "clerk://organizations/{slugOrId}/memberships"
        ]
    );
    let l = s.request(2, "resources/list", json!({}));
    assert_eq!(l["result"]["resources"], json!([]), "{l}");

    // A demo user, read as a resource: the same object getUser returns.
    let list = s.call(3, "getUserList", json!({"limit": 1}));
    let user = structured(&list)["data"][0].clone();
    let id = user["id"].as_str().unwrap();
    let uri = format!("clerk://users/{id}");
    let r = s.request(4, "resources/read", json!({"uri": uri}));
    let read = contents(&r, &uri);
    let by_tool = s.call(5, "getUser", json!({"userId": id}));
    assert_eq!(&read, structured(&by_tool));

    // An organization by slug and by id, and its memberships by slug.
    let r = s.request(
        6,
        "resources/read",
        json!({"uri": "clerk://organizations/acme"}),
    );
    let org = contents(&r, "clerk://organizations/acme");
    assert_eq!(org["slug"], "acme");
    assert!(org["members_count"].as_u64().is_some(), "{org}");
    let by_id = format!("clerk://organizations/{}", org["id"].as_str().unwrap());
    let r = s.request(7, "resources/read", json!({"uri": by_id}));
    assert_eq!(contents(&r, &by_id)["id"], org["id"]);
    let m_uri = "clerk://organizations/acme/memberships";
    let r = s.request(8, "resources/read", json!({"uri": m_uri}));
    let m = contents(&r, m_uri);
    let data = m["data"].as_array().expect("memberships");
    assert!(!data.is_empty(), "{m}");
    assert_eq!(m["totalCount"], org["members_count"], "{m}");

    // Errors: malformed (saying what is expected), not found, bad variable.
    let r = s.request(
        9,
        "resources/read",
        json!({"uri": "clerk://sessions/sess_1"}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("clerk://users/{userId}") && msg.contains("clerk://organizations/{slugOrId}"),
        "{msg}"
    );
    let r = s.request(
        10,
        "resources/read",
        json!({"uri": "clerk://users/user_doesnotexist"}),
    );
    assert_eq!(r["error"]["code"], -32002, "{r}");
    assert_eq!(r["error"]["data"]["uri"], "clerk://users/user_doesnotexist");
    let r = s.request(
        11,
        "resources/read",
        json!({"uri": "clerk://organizations/no-such-org"}),
    );
    assert_eq!(r["error"]["code"], -32002, "{r}");
    let r = s.request(
        12,
        "resources/read",
        json!({"uri": "clerk://users/ada@example.com"}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"].as_str().unwrap().contains("{userId}"),
        "{r}"
    );
    assert!(s.close().success());
}

#[test]
fn completes_user_ids_and_organization_slugs() {
    let mut s = Server::emulator();
    s.initialize("2025-11-25");
    let list = s.call(1, "getUserList", json!({"limit": 3}));
    let user = structured(&list)["data"][0].clone();
    let email = user["email"].as_str().unwrap();
    let prefix = &email[..email.find('@').unwrap()];
    let r = s.request(
        2,
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "clerk://users/{userId}"},
               "argument": {"name": "userId", "value": prefix}}),
    );
    let values: Vec<&str> = r["result"]["completion"]["values"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        values.contains(&user["id"].as_str().unwrap()),
        "{prefix}: {values:?}"
    );
    assert!(values.len() <= 10);

    // Without a prefix: at most 10 users.
    let r = s.request(
        3,
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "clerk://users/{userId}"},
               "argument": {"name": "userId", "value": ""}}),
    );
    let all = r["result"]["completion"]["values"].as_array().unwrap();
    assert_eq!(all.len(), 10, "{r}");

    let r = s.request(
        4,
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "clerk://organizations/{slugOrId}"},
               "argument": {"name": "slugOrId", "value": "ac"}}),
    );
    assert_eq!(r["result"]["completion"]["values"], json!(["acme"]), "{r}");

    // A prompt's argument completes the same way.
    let r = s.request(
        5,
        "completion/complete",
        json!({"ref": {"type": "ref/prompt", "name": "investigate-sessions"},
               "argument": {"name": "userId", "value": prefix}}),
    );
    assert!(
        r["result"]["completion"]["values"]
            .as_array()
            .unwrap()
            .contains(&user["id"]),
        "{r}"
    );
    let r = s.request(
        6,
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "clerk://nothing/{x}"},
               "argument": {"name": "x", "value": ""}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(s.close().success());
}

#[test]
fn prompts_list_get_and_missing_arguments() {
    let mut s = Server::emulator();
    s.initialize("2025-11-25");
    let l = s.request(1, "prompts/list", json!({}));
    assert_eq!(
        names(&l, "prompts", "name"),
        [
            "setup-organization",
            "offboard-user",
            "investigate-sessions",
            "daily-user-summary"
        ]
    );
    let setup = &l["result"]["prompts"][0];
    assert_eq!(setup["arguments"][1]["name"], "founders");
    assert_eq!(setup["arguments"][1]["required"], true);

    let tools = s.request(2, "tools/list", json!({}));
    let tool_names = names(&tools, "tools", "name");
    let r = s.request(
        3,
        "prompts/get",
        json!({"name": "setup-organization",
               "arguments": {"name": "Acme Two", "founders": "ada@example.com,grace@example.com"}}),
    );
    let msg = &r["result"]["messages"][0];
    assert_eq!(msg["role"], "user", "{r}");
    let text = msg["content"]["text"].as_str().unwrap();
    assert!(
        text.contains("Acme Two") && text.contains("grace@example.com"),
        "{text}"
    );
    // Every tool it names is served here.
    for t in text.split('`').skip(1).step_by(2) {
        assert!(tool_names.iter().any(|n| n == t), "{t}");
    }

    let r = s.request(
        4,
        "prompts/get",
        json!({"name": "setup-organization", "arguments": {"name": "Acme Two"}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"founders\""),
        "{r}"
    );
    let r = s.request(5, "prompts/get", json!({"name": "nope"}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("daily-user-summary"),
        "{r}"
    );
    let r = s.request(6, "prompts/get", json!({"name": "daily-user-summary"}));
    assert!(
        r["result"]["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .contains("`getUserCount`")
    );
    assert!(s.close().success());
}

#[test]
fn scoping_hides_templates_and_prompts_whose_tools_are_hidden() {
    let mut s = Server::spawn(&["--emulator", "--read-only", "--tools", "users"], &[]);
    s.initialize("2025-11-25");
    let t = s.request(1, "resources/templates/list", json!({}));
    assert_eq!(
        names(&t, "resourceTemplates", "uriTemplate"),
        ["clerk://users/{userId}"]
    );
    let r = s.request(
        2,
        "resources/read",
        json!({"uri": "clerk://organizations/acme"}),
    );
    assert_eq!(r["error"]["code"], -32002, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("getOrganization"),
        "{r}"
    );
    let r = s.request(
        3,
        "completion/complete",
        json!({"ref": {"type": "ref/resource", "uri": "clerk://organizations/{slugOrId}"},
               "argument": {"name": "slugOrId", "value": "ac"}}),
    );
    assert_eq!(r["result"]["completion"]["values"], json!([]), "{r}");
    let l = s.request(4, "prompts/list", json!({}));
    assert_eq!(names(&l, "prompts", "name"), ["daily-user-summary"]);
    let r = s.request(
        5,
        "prompts/get",
        json!({"name": "offboard-user", "arguments": {"user": "user_1"}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(s.close().success());
}

#[test]
fn read_only_keeps_the_prompts_that_change_nothing() {
    let mut s = Server::spawn(&["--emulator", "--read-only"], &[]);
    s.initialize("2025-11-25");
    let l = s.request(1, "prompts/list", json!({}));
    assert_eq!(
        names(&l, "prompts", "name"),
        ["investigate-sessions", "daily-user-summary"]
    );
    let t = s.request(2, "resources/templates/list", json!({}));
    assert_eq!(names(&t, "resourceTemplates", "name").len(), 3);
    assert!(s.close().success());
}

#[test]
fn dynamic_mode_prompts_say_how_to_reach_the_tools() {
    let mut s = Server::spawn(&["--emulator", "--dynamic"], &[]);
    s.initialize("2025-11-25");
    let r = s.request(
        1,
        "prompts/get",
        json!({"name": "investigate-sessions", "arguments": {"userId": "user_1"}}),
    );
    let text = r["result"]["messages"][0]["content"]["text"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("`getSessionList`") && text.contains("callClerkTool"),
        "{text}"
    );
    // Reads still go to the registry's tools.
    let r = s.request(
        2,
        "resources/read",
        json!({"uri": "clerk://organizations/acme"}),
    );
    assert!(
        r["result"]["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("acme"),
        "{r}"
    );
    assert!(s.close().success());
}
