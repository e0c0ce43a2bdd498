//! Image uploads (`multipart/form-data`): user profile images, organization logos, OAuth
//! application logos. The emulator keeps no image, only the URL Clerk would serve it at.

use serde_json::json;

use super::users::find_mut;
use super::{Ctx, Res};
use crate::error::ClerkError;
use crate::render;
use crate::req::parse_multipart;
use crate::state::State;

const IMAGE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Check an upload's `file` part (and that an `uploader_user_id`, if sent, is a user), and
/// answer the URL of the stored image: `https://img.clerk.com/` + base64 of
/// `{"type":"proxy","src":"https://images.clerk.dev/uploaded/img_…"}`, like Clerk's.
pub fn store_image(
    st: &mut State,
    body: &[u8],
    uploader_allowed: bool,
) -> Result<String, ClerkError> {
    let parts = parse_multipart(body)?;
    for p in &parts {
        match p.name.as_str() {
            "file" => {}
            "uploader_user_id" if uploader_allowed => {
                let uid = String::from_utf8_lossy(&p.data).to_string();
                if !st.users.contains_key(&uid) {
                    return Err(ClerkError::user_not_found(&uid).param("uploader_user_id"));
                }
            }
            other => return Err(ClerkError::unknown_param(other)),
        }
    }
    let file = parts
        .iter()
        .find(|p| p.name == "file" && !p.data.is_empty())
        .ok_or_else(|| {
            ClerkError::new(
                400,
                "form_param_missing",
                "is missing",
                "file must be included.",
            )
            .param("file")
        })?;
    let ct = file.content_type.clone().unwrap_or_default();
    if !IMAGE_TYPES.contains(&ct.as_str()) {
        return Err(ClerkError::new(
            400,
            "unsupported_content_type",
            "unsupported content type",
            format!(
                "The file's content type ({}) is not supported: use image/jpeg, image/png, image/gif or image/webp.",
                if ct.is_empty() { "none" } else { &ct }
            ),
        )
        .param("file"));
    }
    let id = st.new_id("img");
    let src = json!({ "type": "proxy", "src": format!("https://images.clerk.dev/uploaded/{id}") });
    Ok(format!(
        "https://img.clerk.com/{}",
        data_encoding::BASE64URL_NOPAD.encode(src.to_string().as_bytes())
    ))
}

/// `POST /users/{id}/profile_image`
pub fn set_profile_image(st: &mut State, cx: &Ctx, id: &str) -> Res {
    find_mut(st, id)?;
    let url = store_image(st, cx.body, false)?;
    let u = find_mut(st, id)?;
    u.image_url = Some(url);
    u.updated_at = cx.now;
    Ok(render::user(u))
}

/// `DELETE /users/{id}/profile_image`
pub fn delete_profile_image(st: &mut State, cx: &Ctx, id: &str) -> Res {
    let u = find_mut(st, id)?;
    if u.image_url.take().is_some() {
        u.updated_at = cx.now;
    }
    Ok(render::user(u))
}

/// `PUT /organizations/{id}/logo`
pub fn set_logo(st: &mut State, cx: &Ctx, id_or_slug: &str) -> Res {
    let id = super::org_id(st, id_or_slug)?;
    let url = store_image(st, cx.body, true)?;
    let o = st.organizations.get_mut(&id).expect("organization");
    o.image_url = Some(url);
    o.updated_at = cx.now;
    let o = o.clone();
    Ok(render::organization(st, &o, render::OrgExtras::default()))
}

/// `DELETE /organizations/{id}/logo`
pub fn delete_logo(st: &mut State, cx: &Ctx, id_or_slug: &str) -> Res {
    let id = super::org_id(st, id_or_slug)?;
    let o = st.organizations.get_mut(&id).expect("organization");
    if o.image_url.take().is_some() {
        o.updated_at = cx.now;
    }
    let o = o.clone();
    Ok(render::organization(st, &o, render::OrgExtras::default()))
}
