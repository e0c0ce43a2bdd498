//! Typed models of Clerk's objects.
//!
//! Decoding is lenient, because Clerk adds fields and enum values without a version bump:
//! * unknown fields are kept in each object's `extra` map (and serialized back), never an error;
//! * unknown enum values decode as `Other(String)`;
//! * absent optional fields, and `null` where a list, map or flag was expected, decode to the
//!   default.
//!
//! Metadata stays a `serde_json` map ([`Metadata`]).

mod common;
mod invitation;
mod organization;
mod session;
mod user;

pub use common::*;
pub use invitation::*;
pub use organization::*;
pub use session::*;
pub use user::*;

/// Models generated from the spec for the generated operations.
pub use crate::generated::models::*;

/// Public, private or unsafe metadata: a free-form JSON object.
pub type Metadata = serde_json::Map<String, serde_json::Value>;

/// Fields Clerk sent that this version of the crate does not model; kept verbatim.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Decodes `null` as the type's default (Clerk sends `null` for some lists and flags).
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
