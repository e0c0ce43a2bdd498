//! Deterministic demo data: 4 organizations, 50 users, memberships,
//! invitations and sessions. Ids depend only on [`DEMO_ID_SEED`]; timestamps
//! are placed relative to "now" so that nothing is expired.

use serde_json::json;

use crate::handlers::insert_session;
use crate::state::{
    EmailAddress, Invitation, Membership, Organization, OrganizationInvitation, PhoneNumber,
    SessionActivity, State, User, now_ms,
};

/// Id seed of the demo data set.
pub const DEMO_ID_SEED: u64 = 0x5EED_C1E4_2026_0512;
/// Id seed of an empty instance.
pub const EMPTY_ID_SEED: u64 = 0xC1E4_E4B7_0000_0001;

/// The password of every demo user that has one (`POST /users/{id}/verify_password` accepts
/// it).
pub const DEMO_PASSWORD: &str = "emulator-demo-password";

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;

const FIRST_NAMES: [&str; 50] = [
    "Ava",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Oliver",
    "Sophia",
    "Elijah",
    "Isabella",
    "James",
    "Mia",
    "William",
    "Amelia",
    "Benjamin",
    "Harper",
    "Lucas",
    "Evelyn",
    "Henry",
    "Abigail",
    "Alexander",
    "Emily",
    "Daniel",
    "Ella",
    "Matthew",
    "Scarlett",
    "Jackson",
    "Grace",
    "Sebastian",
    "Chloe",
    "Aiden",
    "Priya",
    "Arjun",
    "Mei",
    "Hiroshi",
    "Fatima",
    "Omar",
    "Sofia",
    "Mateo",
    "Ingrid",
    "Lars",
    "Chiara",
    "Luca",
    "Zoe",
    "Ethan",
    "Nora",
    "Samuel",
    "Leila",
    "Yusuf",
    "Hana",
    "Diego",
];

const LAST_NAMES: [&str; 40] = [
    "Johnson",
    "Smith",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Patel",
    "Nakamura",
    "Chen",
    "Kim",
    "Nguyen",
    "Okafor",
    "Rossi",
    "Larsen",
    "Haddad",
    "Silva",
];

const DEPARTMENTS: [&str; 6] = [
    "engineering",
    "sales",
    "marketing",
    "support",
    "finance",
    "design",
];

struct OrgSpec {
    name: &'static str,
    slug: &'static str,
    plan: &'static str,
    industry: &'static str,
}

const ORGS: [OrgSpec; 4] = [
    OrgSpec {
        name: "Acme Corporation",
        slug: "acme",
        plan: "enterprise",
        industry: "manufacturing",
    },
    OrgSpec {
        name: "Globex",
        slug: "globex",
        plan: "pro",
        industry: "energy",
    },
    OrgSpec {
        name: "Initech",
        slug: "initech",
        plan: "free",
        industry: "software",
    },
    OrgSpec {
        name: "Umbrella Labs",
        slug: "umbrella-labs",
        plan: "pro",
        industry: "biotech",
    },
];

const ORG_INVITEES: [(&str, usize, &str, &str); 10] = [
    ("jordan.blake@example.com", 0, "org:member", "pending"),
    ("casey.morgan@example.com", 0, "org:admin", "pending"),
    ("riley.quinn@example.com", 1, "org:member", "pending"),
    ("taylor.reed@example.com", 1, "org:member", "pending"),
    ("morgan.ellis@example.com", 2, "org:member", "pending"),
    ("jamie.fox@example.com", 2, "org:member", "pending"),
    ("avery.stone@example.com", 3, "org:member", "pending"),
    ("quinn.harper@example.com", 3, "org:admin", "pending"),
    ("blake.turner@example.com", 0, "org:member", "revoked"),
    ("parker.lane@example.com", 1, "org:member", "expired"),
];

const APP_INVITEES: [(&str, &str); 6] = [
    ("alex.rivera@example.com", "pending"),
    ("sam.carter@example.com", "pending"),
    ("drew.parker@example.com", "pending"),
    ("kai.morita@example.com", "pending"),
    ("pat.lindqvist@example.com", "revoked"),
    ("robin.hale@example.com", "expired"),
];

const DEVICES: [(&str, bool, &str, &str); 4] = [
    ("Macintosh", false, "Chrome", "126.0.0.0"),
    ("iPhone", true, "Safari", "17.5"),
    ("Windows", false, "Firefox", "127.0"),
    ("Android", true, "Chrome Mobile", "125.0.6422.165"),
];

const CITIES: [(&str, &str); 6] = [
    ("San Francisco", "US"),
    ("New York", "US"),
    ("London", "GB"),
    ("Berlin", "DE"),
    ("Tokyo", "JP"),
    ("São Paulo", "BR"),
];

/// Build the demo data set.
pub fn demo() -> State {
    let now = now_ms();
    let mut st = State::empty(DEMO_ID_SEED);
    let mut rng = fastrand::Rng::with_seed(DEMO_ID_SEED);

    // Users: created over the last ~120 days, oldest first.
    let mut user_ids = Vec::with_capacity(FIRST_NAMES.len());
    for (i, first) in FIRST_NAMES.iter().enumerate() {
        let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
        let created_at = now - (120 - 2 * i as i64) * DAY - rng.i64(0..12) * HOUR;
        let id = st.new_id("user");
        let seq = st.seq;
        let email_id = st.new_id("idn");
        let email = EmailAddress {
            id: email_id.clone(),
            email_address: format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            ),
            verified: true,
            reserved: false,
            created_at,
            updated_at: created_at,
        };
        let mut phones = Vec::new();
        if i % 3 == 0 {
            phones.push(PhoneNumber {
                id: st.new_id("idn"),
                phone_number: format!("+1555010{:04}", 1000 + i),
                verified: true,
                reserved: false,
                reserved_for_second_factor: i % 9 == 0,
                default_second_factor: i % 9 == 0,
                created_at,
                updated_at: created_at,
            });
        }
        let username = (i % 5 != 4).then(|| {
            format!(
                "{}{}",
                first.to_lowercase(),
                last.chars().next().unwrap_or('x').to_ascii_lowercase()
            )
        });
        let department = DEPARTMENTS[rng.usize(..DEPARTMENTS.len())];
        let mut private = json!({});
        if i % 4 == 0 {
            private = json!({ "crm_id": format!("crm_{:05}", 10_000 + i * 37), "vip": i % 8 == 0 });
        }
        let totp = i % 6 == 0;
        let user = User {
            id: id.clone(),
            seq,
            external_id: (i % 3 == 1).then(|| format!("ext_{}", 1000 + i)),
            first_name: Some((*first).to_string()),
            last_name: Some(last.to_string()),
            username,
            locale: Some(if i % 7 == 3 { "fr-FR" } else { "en-US" }.to_string()),
            primary_email_address_id: Some(email_id),
            primary_phone_number_id: phones.first().map(|p| p.id.clone()),
            email_addresses: vec![email],
            phone_numbers: phones,
            public_metadata: json!({ "department": department, "onboarded": i % 4 != 3 }),
            private_metadata: private,
            unsafe_metadata: json!({}),
            password_enabled: i % 10 != 9,
            password_last_updated_at: (i % 10 != 9).then_some(created_at),
            totp_enabled: totp,
            backup_code_enabled: totp,
            mfa_enabled_at: totp.then_some(created_at + DAY),
            mfa_disabled_at: None,
            banned: i == 7,
            locked: i == 12,
            last_sign_in_at: None,
            last_active_at: None,
            legal_accepted_at: Some(created_at),
            delete_self_enabled: true,
            create_organization_enabled: true,
            create_organizations_limit: None,
            bypass_client_trust: false,
            password_hash: (i % 10 != 9).then(|| crate::handlers::secret_hash(&id, DEMO_PASSWORD)),
            password_compromised: false,
            backup_code_hashes: Vec::new(),
            passkeys: Vec::new(),
            web3_wallets: Vec::new(),
            external_accounts: Vec::new(),
            trusted_devices: Vec::new(),
            created_at,
            updated_at: created_at + rng.i64(0..48) * HOUR,
            image_url: None,
        };
        st.users.insert(id.clone(), user);
        user_ids.push(id);
    }

    // Organizations.
    let mut org_ids = Vec::with_capacity(ORGS.len());
    for (k, spec) in ORGS.iter().enumerate() {
        let created_at = now - (125 - 3 * k as i64) * DAY;
        let id = st.new_id("org");
        let org = Organization {
            id: id.clone(),
            seq: st.seq,
            name: spec.name.to_string(),
            slug: spec.slug.to_string(),
            max_allowed_memberships: 0,
            admin_delete_enabled: true,
            public_metadata: json!({ "plan": spec.plan, "industry": spec.industry }),
            private_metadata: json!({ "billing_id": format!("cus_demo{:04}", 42 + k) }),
            created_by: Some(user_ids[k].clone()),
            role_set_key: None,
            created_at,
            updated_at: created_at,
            image_url: None,
        };
        st.organizations.insert(id.clone(), org);
        org_ids.push(id);
    }

    // Memberships: users 0..45 belong to org i % 4; every 5th also to the next org.
    for (i, uid) in user_ids.iter().enumerate().take(45) {
        let mut orgs = vec![i % 4];
        if i % 5 == 2 {
            orgs.push((i + 1) % 4);
        }
        for k in orgs {
            let role = if i < 4 || i % 7 == 0 {
                "org:admin"
            } else {
                "org:member"
            };
            let created_at = st.users[uid].created_at + HOUR;
            let id = st.new_id("orgmem");
            let m = Membership {
                id: id.clone(),
                seq: st.seq,
                organization_id: org_ids[k].clone(),
                user_id: uid.clone(),
                role: role.to_string(),
                public_metadata: json!({ "title": if role == "org:admin" { "Administrator" } else { "Team member" } }),
                private_metadata: json!({}),
                created_at,
                updated_at: created_at,
            };
            st.memberships.insert(id, m);
        }
    }

    // Organization invitations (mostly pending).
    for (n, (email, k, role, status)) in ORG_INVITEES.iter().enumerate() {
        let created_at = if *status == "expired" {
            now - 40 * DAY
        } else {
            now - (10 - n as i64) * DAY
        };
        let expires_at = created_at + 30 * DAY;
        let id = st.new_id("orginv");
        let inv = OrganizationInvitation {
            id: id.clone(),
            seq: st.seq,
            organization_id: org_ids[*k].clone(),
            email_address: (*email).to_string(),
            role: (*role).to_string(),
            inviter_id: Some(user_ids[*k].clone()),
            status: (*status).to_string(),
            public_metadata: json!({ "source": "demo" }),
            private_metadata: json!({}),
            url: None,
            expires_at: Some(expires_at),
            created_at,
            updated_at: created_at,
        };
        st.organization_invitations.insert(id, inv);
    }

    // Application invitations.
    for (n, (email, status)) in APP_INVITEES.iter().enumerate() {
        let created_at = if *status == "expired" {
            now - 45 * DAY
        } else {
            now - (8 - n as i64) * DAY
        };
        let expires_at = created_at + 30 * DAY;
        let id = st.new_id("inv");
        let token = st.new_token(40);
        let inv = Invitation {
            id: id.clone(),
            seq: st.seq,
            email_address: (*email).to_string(),
            public_metadata: json!({ "invited_by": "demo-seed" }),
            status: (*status).to_string(),
            url: Some(format!(
                "https://accounts.emulator.clerk.test/sign-up?__clerk_ticket={token}"
            )),
            expires_at: Some(expires_at),
            created_at,
            updated_at: created_at,
        };
        st.invitations.insert(id, inv);
    }

    // Sessions: active ones for users 0..15 (but not the banned one), plus a few ended ones.
    for i in 0..18usize {
        if i == 7 {
            continue;
        }
        let uid = user_ids[i].clone();
        let created_at = now - (i as i64 + 1) * 2 * HOUR;
        let (device, mobile, browser, version) = DEVICES[i % DEVICES.len()];
        let (city, country) = CITIES[i % CITIES.len()];
        let activity = SessionActivity {
            id: st.new_id("sess_activity"),
            device_type: device.to_string(),
            is_mobile: mobile,
            browser_name: browser.to_string(),
            browser_version: version.to_string(),
            ip_address: format!("203.0.113.{}", 10 + i),
            city: city.to_string(),
            country: country.to_string(),
        };
        let org = st
            .memberships
            .values()
            .find(|m| m.user_id == uid)
            .map(|m| m.organization_id.clone());
        let sid = insert_session(&mut st, &uid, org, activity, created_at);
        let s = st.sessions.get_mut(&sid).expect("session");
        s.last_active_at = created_at + HOUR;
        s.status = match i {
            15 => "revoked",
            16 => "ended",
            17 => "removed",
            _ => "active",
        }
        .to_string();
        if let Some(u) = st.users.get_mut(&uid) {
            u.last_sign_in_at = Some(created_at);
            u.last_active_at = Some(created_at + HOUR);
        }
    }
    crate::resources::seed_demo(&mut st, now);
    seed_accounts(&mut st, &user_ids, now);
    st
}

/// Passkeys, Web3 wallets, Google accounts (with an access token) and trusted devices of a few
/// demo users (made last, so the other demo ids do not move).
fn seed_accounts(st: &mut State, user_ids: &[String], now: i64) {
    for (i, uid) in user_ids.iter().enumerate() {
        let created = st.users[uid].created_at;
        let mut passkeys = Vec::new();
        let mut wallets = Vec::new();
        let mut accounts = Vec::new();
        let mut devices = Vec::new();
        if i % 5 == 0 {
            passkeys.push(json!({
                "id": st.new_id("idn"),
                "object": "passkey",
                "name": "MacBook Touch ID",
                "last_used_at": now - 2 * DAY,
                "verification": { "object": "verification_passkey", "status": "verified",
                    "strategy": "passkey", "attempts": 1, "expire_at": null },
            }));
        }
        if i % 8 == 2 {
            wallets.push(json!({
                "id": st.new_id("idn"),
                "object": "web3_wallet",
                "web3_wallet": format!("0x{:040x}", 0x5eed_0000_u64 + i as u64),
                "verification": { "object": "verification_web3", "status": "verified",
                    "strategy": "web3_metamask_signature", "attempts": 1, "expire_at": null },
                "created_at": created,
                "updated_at": created,
            }));
        }
        if i % 4 == 1 {
            let u = &st.users[uid];
            let email = u
                .primary_email()
                .map(|e| e.email_address.clone())
                .unwrap_or_default();
            let (first, last) = (u.first_name.clone(), u.last_name.clone());
            let id = st.new_id("eac");
            let idn = st.new_id("idn");
            accounts.push(json!({
                "object": "external_account",
                "id": id,
                "provider": "oauth_google",
                "identification_id": idn,
                "provider_user_id": format!("1{:020}", 4242 + i),
                "approved_scopes": "email https://www.googleapis.com/auth/userinfo.email openid profile",
                "email_address": email,
                "email_address_verified": true,
                "first_name": first,
                "last_name": last,
                "avatar_url": crate::render::DEFAULT_IMAGE_URL,
                "image_url": crate::render::DEFAULT_IMAGE_URL,
                "username": null,
                "phone_number": null,
                "public_metadata": {},
                "label": null,
                "created_at": created,
                "updated_at": created,
                "verification": { "object": "verification_oauth", "status": "verified",
                    "strategy": "oauth_google", "attempts": null, "expire_at": now + DAY },
                "_access_token": format!("ya29.emulator-google-token-{i}"),
                "_scopes": ["email", "openid", "profile"],
                "_expires_at": now + HOUR,
            }));
        }
        if i % 6 == 3 {
            devices.push(json!({
                "object": "trusted_device",
                "id": st.new_id("td"),
                "platform": if i % 12 == 3 { "ios" } else { "android" },
                "app_identifier": "com.example.app",
                "name": "Phone",
                "algorithm": "ES256",
                "status": "active",
                "created_at": created,
                "updated_at": created,
                "last_used_at": now - DAY,
                "revoked_at": null,
            }));
        }
        let u = st.users.get_mut(uid).expect("user");
        u.passkeys = passkeys;
        u.web3_wallets = wallets;
        u.external_accounts = accounts;
        u.trusted_devices = devices;
    }
}
