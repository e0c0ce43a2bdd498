//! `clerk.organizations()`: every operation against a mock server, with exact paths, queries and
//! bodies, answered with bodies synthesized from the spec.

mod support;

use clerk_api::organizations::{CreateOrganization, OrganizationMetadata, UpdateOrganization};
use clerk_api::{Error, FileUpload};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use support::*;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

fn org(id: &str) -> Value {
    let mut o = example_schema("Organization");
    o["id"] = json!(id);
    o
}

fn page(ids: &[&str], total: u64) -> Value {
    json!({"data": ids.iter().map(|id| org(id)).collect::<Vec<_>>(), "total_count": total})
}

fn meta(v: Value) -> clerk_api::Metadata {
    v.as_object().unwrap().clone()
}

#[tokio::test]
async fn list_sends_every_filter_as_given() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations"))
        .and(ClerkHeaders)
        .and(query_is(&[
            ("query", "acme"),
            ("user_id", "user_1"),
            ("user_id", "-user_2"),
            ("organization_id", "+org_1"),
            ("organization_id", "-org_2"),
            ("include_members_count", "true"),
            ("include_missing_member_with_elevated_permissions", "false"),
            ("order_by", "-members_count"),
            ("limit", "20"),
            ("offset", "40"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["org_a", "org_b"], 42)))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .organizations()
        .list()
        .query("acme")
        .user_id(["user_1", "-user_2"])
        .organization_id(["+org_1", "-org_2"])
        .include_members_count(true)
        .include_missing_member_with_elevated_permissions(false)
        .order_by("-members_count")
        .limit(20)
        .offset(40)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(42));
    let ids: Vec<_> = page.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["org_a", "org_b"]);
}

#[tokio::test]
async fn list_without_filters_sends_no_query_and_decodes_the_spec_example() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations"))
        .and(query_is(&[]))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("GET", "/organizations")))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk.organizations().list().send().await.unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(page.total_count.is_some());
    assert!(page.data[0].has_image);
}

#[tokio::test]
async fn list_into_stream_walks_every_page_and_stops_on_a_short_page() {
    let (server, clerk) = setup().await;
    for (offset, ids) in [
        ("0", vec!["o1", "o2"]),
        ("2", vec!["o3", "o4"]),
        ("4", vec!["o5"]),
    ] {
        Mock::given(method("GET"))
            .and(path("/v1/organizations"))
            .and(query_is(&[
                ("order_by", "+name"),
                ("limit", "2"),
                ("offset", offset),
            ]))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(&ids, 5)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let all: Vec<_> = clerk
        .organizations()
        .list()
        .order_by("+name")
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["o1", "o2", "o3", "o4", "o5"]);
}

#[tokio::test]
async fn list_into_stream_stops_at_total_count_without_an_extra_request() {
    let (server, clerk) = setup().await;
    for (offset, ids) in [("3", vec!["o4", "o5"]), ("5", vec!["o6", "o7"])] {
        Mock::given(method("GET"))
            .and(path("/v1/organizations"))
            .and(query_is(&[("limit", "2"), ("offset", offset)]))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(&ids, 7)))
            .expect(1)
            .mount(&server)
            .await;
    }
    // Anything else (offset 7) would be a bug.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let all: Vec<_> = clerk
        .organizations()
        .list()
        .limit(2)
        .offset(3)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[3].id, "o7");
}

#[tokio::test]
async fn list_into_stream_yields_the_error_and_stops() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations"))
        .and(query_is(&[("limit", "1"), ("offset", "0")]))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["o1"], 3)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/organizations"))
        .and(query_is(&[("limit", "1"), ("offset", "1")]))
        .respond_with(ResponseTemplate::new(403).set_body_json(clerk_error(
            "authorization_invalid",
            "forbidden",
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let mut stream = clerk.organizations().list().limit(1).into_stream();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "o1");
    assert_eq!(stream.try_next().await.unwrap_err().status(), Some(403));
    assert!(stream.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn create_sends_only_the_given_fields() {
    let (server, clerk) = setup().await;
    let mut body = example("POST", "/organizations");
    body["id"] = json!("org_new");
    body["slug"] = json!("acme-inc");
    Mock::given(method("POST"))
        .and(path("/v1/organizations"))
        .and(body_json(json!({
            "name": "Acme Inc",
            "created_by": "user_1",
            "slug": "acme-inc",
            "public_metadata": {"tier": "gold"},
            "max_allowed_memberships": 25
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk
        .organizations()
        .create(&CreateOrganization {
            name: "Acme Inc".into(),
            created_by: Some("user_1".into()),
            slug: Some("acme-inc".into()),
            public_metadata: Some(meta(json!({"tier": "gold"}))),
            max_allowed_memberships: Some(25),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(org.id, "org_new");
    assert_eq!(org.slug.as_deref(), Some("acme-inc"));
}

#[tokio::test]
async fn get_by_id_with_flags() {
    let (server, clerk) = setup().await;
    let mut body = example("GET", "/organizations/{organization_id}");
    body["id"] = json!("org_1");
    body["members_count"] = json!(12);
    body["missing_member_with_elevated_permissions"] = json!(false);
    Mock::given(method("GET"))
        .and(path("/v1/organizations/org_1"))
        .and(query_is(&[
            ("include_members_count", "true"),
            ("include_missing_member_with_elevated_permissions", "true"),
        ]))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk
        .organizations()
        .get("org_1")
        .include_members_count(true)
        .include_missing_member_with_elevated_permissions(true)
        .send()
        .await
        .unwrap();
    assert_eq!(org.id, "org_1");
    assert_eq!(org.members_count, Some(12));
    assert_eq!(org.missing_member_with_elevated_permissions, Some(false));
}

#[tokio::test]
async fn get_by_slug_can_be_awaited_directly() {
    let (server, clerk) = setup().await;
    let mut body = example("GET", "/organizations/{organization_id}");
    body["slug"] = json!("acme-inc");
    Mock::given(method("GET"))
        .and(path("/v1/organizations/acme-inc"))
        .and(query_is(&[]))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk.organizations().get("acme-inc").await.unwrap();
    assert_eq!(org.slug.as_deref(), Some("acme-inc"));
}

#[tokio::test]
async fn get_rejects_an_empty_id_before_sending() {
    let (server, clerk) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = clerk.organizations().get(" ").send().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                field: "organization_id",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn update_sends_attributes_only() {
    let (server, clerk) = setup().await;
    let mut body = example("PATCH", "/organizations/{organization_id}");
    body["name"] = json!("Acme Corp");
    Mock::given(method("PATCH"))
        .and(path("/v1/organizations/org_1"))
        .and(body_json(
            json!({"name": "Acme Corp", "admin_delete_enabled": false}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk
        .organizations()
        .update(
            "org_1",
            &UpdateOrganization {
                name: Some("Acme Corp".into()),
                admin_delete_enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(org.name, "Acme Corp");
}

#[tokio::test]
async fn delete_returns_the_deleted_object() {
    let (server, clerk) = setup().await;
    let mut body = example("DELETE", "/organizations/{organization_id}");
    body["object"] = json!("organization");
    body["id"] = json!("org_1");
    Mock::given(method("DELETE"))
        .and(path("/v1/organizations/org_1"))
        .and(NoBody)
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = clerk.organizations().delete("org_1").await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object, "organization");
    assert_eq!(deleted.id.as_deref(), Some("org_1"));
}

#[tokio::test]
async fn update_metadata_patches_with_null_to_delete() {
    let (server, clerk) = setup().await;
    let mut body = example("PATCH", "/organizations/{organization_id}/metadata");
    body["public_metadata"] = json!({"plan": "pro"});
    Mock::given(method("PATCH"))
        .and(path("/v1/organizations/org_1/metadata"))
        .and(body_json(json!({
            "public_metadata": {"plan": "pro", "legacy": null}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk
        .organizations()
        .update_metadata(
            "org_1",
            &OrganizationMetadata {
                public_metadata: Some(meta(json!({"plan": "pro", "legacy": null}))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(org.public_metadata["plan"], "pro");
}

#[tokio::test]
async fn replace_metadata_puts() {
    let (server, clerk) = setup().await;
    let mut body = example("PUT", "/organizations/{organization_id}/metadata");
    body["private_metadata"] = json!({});
    Mock::given(method("PUT"))
        .and(path("/v1/organizations/org_1/metadata"))
        .and(body_json(
            json!({"public_metadata": {"a": 1}, "private_metadata": {}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk
        .organizations()
        .replace_metadata(
            "org_1",
            &OrganizationMetadata {
                public_metadata: Some(meta(json!({"a": 1}))),
                private_metadata: Some(Default::default()),
            },
        )
        .await
        .unwrap();
    assert_eq!(org.private_metadata, Some(Default::default()));
}

#[tokio::test]
async fn upload_logo_sends_multipart_with_file_and_uploader() {
    let (server, clerk) = setup().await;
    let mut body = example("PUT", "/organizations/{organization_id}/logo");
    body["logo_url"] = json!("https://img.clerk.com/logo.png");
    Mock::given(method("PUT"))
        .and(path("/v1/organizations/org_1/logo"))
        .and(|req: &wiremock::Request| {
            let ct = req
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let body = String::from_utf8_lossy(&req.body);
            ct.starts_with("multipart/form-data; boundary=")
                && body.contains(r#"name="file"; filename="logo.png""#)
                && body.contains("Content-Type: image/png")
                && body.contains("PNGDATA")
                && body.contains(r#"name="uploader_user_id""#)
                && body.contains("user_9")
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let mut file = FileUpload::new(b"PNGDATA".to_vec(), "logo.png", "image/png");
    file.uploader_user_id = Some("user_9".into());
    let org = clerk
        .organizations()
        .upload_logo("org_1", file)
        .await
        .unwrap();
    assert_eq!(org.extra["logo_url"], "https://img.clerk.com/logo.png");
}

#[tokio::test]
async fn upload_logo_without_uploader_sends_only_the_file() {
    let (server, clerk) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/v1/organizations/org_1/logo"))
        .and(|req: &wiremock::Request| {
            let body = String::from_utf8_lossy(&req.body);
            body.contains(r#"name="file""#) && !body.contains("uploader_user_id")
        })
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(example("PUT", "/organizations/{organization_id}/logo")),
        )
        .expect(1)
        .mount(&server)
        .await;
    clerk
        .organizations()
        .upload_logo(
            "org_1",
            FileUpload::new(vec![1, 2, 3], "l.webp", "image/webp"),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn delete_logo() {
    let (server, clerk) = setup().await;
    let mut body = example("DELETE", "/organizations/{organization_id}/logo");
    body["has_image"] = json!(false);
    Mock::given(method("DELETE"))
        .and(path("/v1/organizations/org_1/logo"))
        .and(NoBody)
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let org = clerk.organizations().delete_logo("org_1").await.unwrap();
    assert!(!org.has_image);
}
