//! Pages and auto-paginating streams.
//!
//! Clerk's list endpoints answer in one of two shapes: a bare JSON array (`GET /users`, and
//! `GET /invitations` / `GET /sessions` without `paginated=true`) or `{"data": [...],
//! "total_count": N}`. [`Page`] decodes both. List builders (`ListUsers`, `ListOrganizations`, …)
//! end in `.send()` for one page or `.into_stream()` for every item, fetched in pages of up to
//! 500.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;

use futures_util::stream::{self, BoxStream, StreamExt};
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Result;
use crate::models::TotalCount;
use crate::query::Query;

/// Largest page Clerk serves.
pub const MAX_PAGE_SIZE: u32 = 500;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// Total number of items matching the filters, across all pages, when Clerk reports it.
    /// Every list of this crate asks for it (`paginated=true`, or `GET /users/count` for
    /// users); it is `None` only when the endpoint gives no count.
    pub total_count: Option<u64>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            data: Vec::new(),
            total_count: None,
        }
    }
}

impl<T> Page<T> {
    /// Whether more items exist after this page, given the offset it was fetched at. Without a
    /// total count, a full page (`len == limit`) is taken to mean there may be more.
    pub fn has_more(&self, offset: u64, limit: u64) -> bool {
        match self.total_count {
            Some(total) => offset + (self.data.len() as u64) < total,
            None => self.data.len() as u64 >= limit && limit > 0,
        }
    }

    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.data.iter()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.data.into_iter()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON array or an object with `data` and `total_count`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Page<T>, A::Error> {
                let data = Vec::<T>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Page {
                    data,
                    total_count: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut data = None;
                let mut total = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "data" => {
                            data = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default())
                        }
                        // An integer, though the spec types some as `number`.
                        "total_count" => {
                            total = map
                                .next_value::<Option<serde_json::Number>>()?
                                .and_then(|n| n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)))
                        }
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let data = data.ok_or_else(|| de::Error::missing_field("data"))?;
                Ok(Page {
                    data,
                    total_count: total,
                })
            }
        }

        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

/// The state shared by every list builder: path, filters, paging, and how Clerk reports counts.
#[derive(Debug, Clone)]
pub(crate) struct ListRequest<T> {
    client: Client,
    path: Result<String, crate::Error>,
    pub(crate) query: Query,
    limit: Option<u32>,
    offset: Option<u32>,
    /// Send `paginated=true` so Clerk answers `{data,total_count}` instead of a bare array.
    paginated: bool,
    /// Endpoint answering `{total_count}` for the same filters (for `GET /users`).
    count_path: Option<String>,
    /// Whether `send()` fetches the count alongside the page.
    count_with_page: bool,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    pub(crate) fn new(client: &Client, path: Result<String, crate::Error>) -> Self {
        ListRequest {
            client: client.clone(),
            path,
            query: Query::default(),
            limit: None,
            offset: None,
            paginated: false,
            count_path: None,
            count_with_page: false,
            _item: PhantomData,
        }
    }

    /// Ask for `{data,total_count}` with `paginated=true`.
    pub(crate) fn paginated(mut self) -> Self {
        self.paginated = true;
        self
    }

    /// Fetch the total from a separate count endpoint, concurrently with the page.
    pub(crate) fn count_from(mut self, path: &str) -> Self {
        self.count_path = Some(path.to_string());
        self.count_with_page = true;
        self
    }

    pub(crate) fn skip_count(&mut self) {
        self.count_with_page = false;
    }

    /// The count endpoint's query: the list's filters without ordering or cursor.
    fn count_query(&self) -> Query {
        let mut q = self.query.clone();
        q.remove("order_by");
        q.remove("starting_after");
        q
    }

    /// The total number of items matching the filters, from the count endpoint.
    pub(crate) async fn count(&self) -> Result<u64> {
        let path = self
            .count_path
            .clone()
            .ok_or_else(|| crate::Error::Config("this list has no count endpoint".into()))?;
        let count: TotalCount = self.client.get(path, self.count_query()).await?;
        Ok(count.total_count)
    }

    pub(crate) fn set_limit(&mut self, limit: u32) {
        self.limit = Some(limit);
    }

    pub(crate) fn set_offset(&mut self, offset: u32) {
        self.offset = Some(offset);
    }

    fn page_query(&self, limit: Option<u32>, offset: Option<u32>) -> Query {
        let mut q = self.query.clone();
        if self.paginated {
            q.set("paginated", true);
        }
        if let Some(l) = limit {
            q.set("limit", l);
        }
        if let Some(o) = offset {
            q.set("offset", o);
        }
        q
    }

    fn check_limit(limit: Option<u32>) -> Result<()> {
        match limit {
            Some(l) if !(1..=MAX_PAGE_SIZE).contains(&l) => Err(crate::Error::InvalidArgument {
                field: "limit",
                message: format!("must be between 1 and {MAX_PAGE_SIZE}, got {l}"),
            }),
            _ => Ok(()),
        }
    }

    async fn fetch(&self, limit: Option<u32>, offset: Option<u32>, count: bool) -> Result<Page<T>> {
        Self::check_limit(limit)?;
        let path = self.path.clone()?;
        let page_fut = self
            .client
            .get::<Page<T>>(path, self.page_query(limit, offset));
        if count && self.count_with_page && self.count_path.is_some() {
            let (mut page, total) = futures_util::future::try_join(page_fut, self.count()).await?;
            page.total_count = Some(total);
            Ok(page)
        } else {
            page_fut.await
        }
    }

    /// Fetches one page with the builder's `limit` / `offset`.
    pub(crate) async fn send(self) -> Result<Page<T>> {
        self.fetch(self.limit, self.offset, true).await
    }

    /// Streams every item from the builder's `offset`, in pages of the builder's `limit`
    /// (default [`MAX_PAGE_SIZE`]), until the list is exhausted.
    pub(crate) fn into_stream(self) -> BoxStream<'static, Result<T>> {
        struct State<T> {
            req: ListRequest<T>,
            offset: u64,
            buf: VecDeque<T>,
            done: bool,
        }
        let page_size = self.limit.unwrap_or(MAX_PAGE_SIZE);
        let start = u64::from(self.offset.unwrap_or(0));
        let state = State {
            req: self,
            offset: start,
            buf: VecDeque::new(),
            done: false,
        };
        stream::unfold(state, move |mut st| async move {
            loop {
                if let Some(item) = st.buf.pop_front() {
                    return Some((Ok(item), st));
                }
                if st.done {
                    return None;
                }
                let offset = u32::try_from(st.offset).unwrap_or(u32::MAX);
                match st.req.fetch(Some(page_size), Some(offset), false).await {
                    Ok(page) => {
                        let n = page.data.len() as u64;
                        let has_more = page.has_more(st.offset, u64::from(page_size));
                        st.offset += n;
                        st.done = n == 0 || !has_more;
                        st.buf.extend(page.data);
                    }
                    Err(e) => {
                        st.done = true;
                        return Some((Err(e), st));
                    }
                }
            }
        })
        .boxed()
    }
}

/// Defines a list builder around [`ListRequest`] with the paging methods every list shares.
macro_rules! list_builder {
    ($(#[$meta:meta])* $name:ident => $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[must_use = "a list builder does nothing until `.send()` or `.into_stream()`"]
        pub struct $name {
            pub(crate) inner: $crate::pagination::ListRequest<$item>,
        }

        impl $name {
            /// Page size, 1–500 (Clerk's default is 10).
            pub fn limit(mut self, limit: u32) -> Self {
                self.inner.set_limit(limit);
                self
            }

            /// Number of items to skip.
            pub fn offset(mut self, offset: u32) -> Self {
                self.inner.set_offset(offset);
                self
            }

            /// Adds any query parameter this builder has no method for (sent as given).
            pub fn param(mut self, key: &str, value: impl std::fmt::Display) -> Self {
                self.inner.query.push(key, value);
                self
            }

            /// Fetches one page.
            pub async fn send(self) -> $crate::Result<$crate::Page<$item>> {
                self.inner.send().await
            }

            /// Streams every matching item, fetching pages of `limit` (default 500) from
            /// `offset` until the list is exhausted. Stops at the first error, which it yields.
            pub fn into_stream(
                self,
            ) -> futures_util::stream::BoxStream<'static, $crate::Result<$item>> {
                self.inner.into_stream()
            }
        }
    };
}
pub(crate) use list_builder;

/// Defines builder methods that append one repeated query key per value.
macro_rules! array_filters {
    ($($(#[$m:meta])* $fn:ident => $key:literal),+ $(,)?) => {$(
        $(#[$m])*
        pub fn $fn<I, S>(mut self, values: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: std::fmt::Display,
        {
            self.inner.query.push_all($key, values);
            self
        }
    )+};
}
pub(crate) use array_filters;

/// Defines builder methods that set one query key (replacing an earlier value).
macro_rules! scalar_filters {
    ($($(#[$m:meta])* $fn:ident: $ty:ty => $key:literal),+ $(,)?) => {$(
        $(#[$m])*
        pub fn $fn(mut self, value: $ty) -> Self {
            self.inner.query.set($key, value);
            self
        }
    )+};
}
pub(crate) use scalar_filters;
