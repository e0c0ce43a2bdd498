//! A tour of the plain `clerk-api` SDK.
//!
//! ```text
//! CLERK_SECRET_KEY=sk_test_… [CLERK_API_URL=http://127.0.0.1:8787] \
//!     cargo run -p clerk-examples --example sdk_tour -- [email]
//! ```
//!
//! 1. finds users by email (first argument, default `diego.thompson@example.com`, a person in
//!    the emulator's demo data);
//! 2. creates an organization;
//! 3. adds a member: the first user found by email, else the first user of the instance, else a
//!    user it creates with that email;
//! 4. pages through every user with `into_stream()`.
//!
//! Set `SDK_TOUR_CLEANUP=1` to delete the organization at the end.

use std::time::{SystemTime, UNIX_EPOCH};

use clerk_api::organization_memberships::CreateOrganizationMembership;
use clerk_api::organizations::CreateOrganization;
use clerk_api::users::CreateUser;
use clerk_api::{Client, User};
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

async fn run() -> clerk_api::Result<()> {
    // CLERK_SECRET_KEY, and CLERK_API_URL when set (e.g. a local emulator).
    let clerk = Client::from_env()?;
    println!(
        "Clerk API at {} (version {})",
        clerk.base_url(),
        clerk.api_version()
    );

    // 1. Find users by email.
    let email = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "diego.thompson@example.com".to_string());
    let found = clerk.users().list().email_address([&email]).send().await?;
    println!(
        "\n{} user(s) with email {email}:",
        found.total_count.unwrap_or(found.data.len() as u64)
    );
    for user in &found.data {
        print_user(user);
    }

    // 2. Create an organization (the name is unique enough to run the tour again).
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let org = clerk
        .organizations()
        .create(&CreateOrganization {
            name: format!("SDK tour {stamp}"),
            ..Default::default()
        })
        .await?;
    println!("\ncreated organization {} ({})", org.name, org.id);

    // 3. Add a member: a user found above, else the first user listed, else a new one.
    let member = match found.data.into_iter().next() {
        Some(user) => user,
        None => first_user_or_create(&clerk, &email).await?,
    };
    let membership = clerk
        .organization_memberships()
        .create(
            &org.id,
            &CreateOrganizationMembership::new(member.id.clone(), "org:admin"),
        )
        .await?;
    println!(
        "added {} to {} as {} ({})",
        member.primary_email().unwrap_or(&member.id),
        org.name,
        membership.role,
        membership.id
    );

    let org = clerk
        .organizations()
        .get(&org.id)
        .include_members_count(true)
        .send()
        .await?;
    println!("{} now has {:?} member(s)", org.name, org.members_count);

    // 4. Page through every user, 100 at a time.
    println!("\nall users:");
    let mut users = clerk
        .users()
        .list()
        .order_by("+created_at")
        .limit(100)
        .into_stream();
    let mut n = 0u64;
    while let Some(user) = users.try_next().await? {
        n += 1;
        print_user(&user);
    }
    println!("{n} user(s) in total");

    if std::env::var("SDK_TOUR_CLEANUP").is_ok_and(|v| v == "1") {
        clerk.organizations().delete(&org.id).await?;
        println!("\ndeleted organization {}", org.id);
    }
    Ok(())
}

/// The first user of the instance, or a new user with `email` when there is none.
async fn first_user_or_create(clerk: &Client, email: &str) -> clerk_api::Result<User> {
    let first = clerk
        .users()
        .list()
        .limit(1)
        .without_total_count()
        .send()
        .await?;
    if let Some(user) = first.data.into_iter().next() {
        return Ok(user);
    }
    let user = clerk
        .users()
        .create(&CreateUser {
            email_address: vec![email.to_string()],
            skip_password_requirement: Some(true),
            ..Default::default()
        })
        .await?;
    println!("created user {} ({email})", user.id);
    Ok(user)
}

fn print_user(user: &User) {
    println!(
        "  {:<32} {:<32} {}",
        user.id,
        user.primary_email().unwrap_or("-"),
        user.full_name().unwrap_or_default()
    );
}
