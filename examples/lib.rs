//! Example programs; see the `[[example]]` targets.
