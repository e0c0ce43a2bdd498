//! Prompts: the common workflows as ready-made instructions for an agent, naming the exact tools
//! to call (in backticks) in the order that works. Each is data ([`PromptDef`]): a name, a
//! title, a description, its arguments, and a function rendering the user message. Nothing here
//! depends on MCP, and rendering calls no tool: the agent then calls the tools itself, through
//! the pipeline, with confirmations where the tools ask for them.

use std::collections::BTreeMap;

/// One argument of a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromptArg {
    /// Name (camelCase).
    pub name: &'static str,
    /// What to give.
    pub description: &'static str,
    /// Whether it must be given.
    pub required: bool,
}

/// Arguments given to [`render`], by name.
pub type Args = BTreeMap<String, String>;

/// One prompt.
#[derive(Debug, Clone, Copy)]
pub struct PromptDef {
    /// Name (kebab-case).
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its arguments.
    pub arguments: &'static [PromptArg],
    /// Every tool the rendered text names.
    pub tools: &'static [&'static str],
    /// The tools of [`PromptDef::tools`] it can do without (offered when only these are hidden).
    pub optional: &'static [&'static str],
    /// Renders the message; every required argument is present and non-empty.
    render: fn(&Args) -> String,
}

/// Why a prompt cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    /// No prompt has this name.
    #[error("unknown prompt {name:?}; available: {}", names().join(", "))]
    Unknown {
        /// The name given.
        name: String,
    },
    /// A required argument is missing or empty.
    #[error("prompt {prompt} needs the argument {argument:?}: {description}")]
    MissingArgument {
        /// The prompt.
        prompt: &'static str,
        /// The argument.
        argument: &'static str,
        /// What to give.
        description: &'static str,
    },
    /// An argument the prompt does not take.
    #[error("prompt {prompt} takes no argument {argument:?}; it takes: {expected}")]
    UnknownArgument {
        /// The prompt.
        prompt: &'static str,
        /// The argument given.
        argument: String,
        /// The names it takes.
        expected: String,
    },
}

/// A rendered prompt: a description and the user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The prompt's description.
    pub description: &'static str,
    /// The user message's text.
    pub text: String,
}

fn arg<'a>(args: &'a Args, name: &str) -> Option<&'a str> {
    args.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn setup_organization(args: &Args) -> String {
    let name = arg(args, "name").unwrap_or_default();
    let founders: Vec<&str> = arg(args, "founders")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let list = founders
        .iter()
        .map(|f| format!("- {f}"))
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "Set up a new Clerk organization named \"{name}\" with these founders as admins:\n{list}\n\n\
Steps:\n\
1. Check that the organization does not exist yet: call `getOrganizationList` with query \"{name}\". If one with this name or slug exists, stop and ask me what to do.\n\
2. Create it with `createOrganization` (name \"{name}\"; let Clerk derive the slug unless I gave one).\n\
3. For each founder, look the email up with `getUserList` (emailAddress). If they already have an account, add them with `createOrganizationMembership` (organizationId of the new organization, their userId, role \"org:admin\"). Otherwise invite them with `createOrganizationInvitation` (organizationId, emailAddress, role \"org:admin\"); for several new founders at once `createOrganizationInvitationBulk` does it in one call.\n\
4. Check the result with `getOrganizationMembershipList` and `getOrganizationInvitationList` for the new organization.\n\
Finish with a short report: the organization's id and slug, who was added as a member, who was invited, and anything that failed and why."
    )
}

fn offboard_user(args: &Args) -> String {
    let user = arg(args, "user").unwrap_or_default();
    let lookup = if user.starts_with("user_") {
        format!("Get the user with `getUser` (userId \"{user}\").")
    } else {
        format!(
            "Find the user with `getUserList` (emailAddress [\"{user}\"]); if none or several match, stop and tell me."
        )
    };
    let end = match arg(args, "action") {
        Some("delete") => "delete the account with `deleteUser`",
        _ => {
            "ban the account with `banUser` (it signs them out everywhere and blocks new sign-ins; reversible)"
        }
    };
    format!(
        "Offboard the Clerk user {user}.\n\n\
Steps:\n\
1. {lookup} Show me their name, primary email and id, and wait for me to confirm this is the right person before changing anything.\n\
2. List their active sessions with `getSessionList` (userId, status \"active\", limit 500; page with offset while hasMore is true) and end each with `revokeSession`.\n\
3. List their organizations with `getOrganizationMembershipListForUser` (userId, limit 500; page the same way). For each one where they are an admin, check with `getOrganizationMembershipList` (organizationId, role [\"org:admin\"]) whether another admin remains; if none does, stop and ask me who takes over first. Remove each membership with `deleteOrganizationMembership` (organizationId, userId).\n\
4. Then {end}.\n\
Destructive tools ask for confirmation: relay each question to me and go on only if I agree; never guess a confirmation code. \
Finish with a report of what was done (sessions revoked, memberships removed, final state) and anything left undone."
    )
}

fn investigate_sessions(args: &Args) -> String {
    let user = arg(args, "userId").unwrap_or_default();
    format!(
        "Investigate the sessions of the Clerk user {user}.\n\n\
Steps:\n\
1. Get the user with `getUser` (userId \"{user}\"): note last_sign_in_at, last_active_at, created_at, and whether they are banned or locked.\n\
2. List their sessions with `getSessionList` (userId \"{user}\", view \"full\"; first status \"active\", then without a status for the history; page with offset while hasMore is true). For any session that needs a closer look, call `getSession` (sessionId).\n\
3. For each session report: status, created_at, last_active_at, expire_at, and latest_activity (device_type, browser_name, ip_address, city, country).\n\
4. Point out anomalies: many active sessions at once, sessions from different countries or IP addresses within a short time, unusual devices or browsers, sessions active long after the user's last sign-in, sessions with an actor (impersonation).\n\
Do not change anything on your own. If a session looks compromised, say why and ask me before ending it with `revokeSession`."
    )
}

fn daily_user_summary(args: &Args) -> String {
    let day = arg(args, "date")
        .map(|d| format!("the day {d} (UTC)"))
        .unwrap_or_else(|| "the last 24 hours".to_string());
    format!(
        "Write a short summary of this Clerk instance's users for {day}.\n\n\
Steps:\n\
1. Total users: `getUserCount`.\n\
2. Sign-ups: call `getUserList` with orderBy \"-created_at\" and limit 100, and page with offset while hasMore is true and the last user's created_at (milliseconds since the epoch) is still within {day}; count the users created in that period, and list up to 10 of them (name, primary email, id).\n\
3. Activity: the same with orderBy \"-last_active_at\" and last_active_at to count users active in that period.\n\
4. Banned and locked: page through `getUserList` (limit 100) and count the users with banned true and with locked true; list them (at most 20). If there are more than 2,000 users, say that these counts cover the first 2,000 only.\n\
Report the numbers in a small table, then anything notable (a spike in sign-ups, newly banned or locked users). Read only: change nothing."
    )
}

/// Every prompt, in a stable order.
pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "setup-organization",
        title: "Set up an organization",
        description: "Create an organization and make its founders admins: existing users are added as members, others invited.",
        arguments: &[
            PromptArg {
                name: "name",
                description: "The organization's name.",
                required: true,
            },
            PromptArg {
                name: "founders",
                description: "The founders' email addresses, comma-separated.",
                required: true,
            },
        ],
        tools: &[
            "getOrganizationList",
            "createOrganization",
            "getUserList",
            "createOrganizationMembership",
            "createOrganizationInvitation",
            "createOrganizationInvitationBulk",
            "getOrganizationMembershipList",
            "getOrganizationInvitationList",
        ],
        optional: &[
            "createOrganizationInvitationBulk",
            "getOrganizationInvitationList",
        ],
        render: setup_organization,
    },
    PromptDef {
        name: "offboard-user",
        title: "Offboard a user",
        description: "Look a user up, revoke their sessions, remove them from every organization, then ban (or delete) the account, confirming each destructive step.",
        arguments: &[
            PromptArg {
                name: "user",
                description: "The user's id (user_…) or email address.",
                required: true,
            },
            PromptArg {
                name: "action",
                description: "\"ban\" (default, reversible) or \"delete\".",
                required: false,
            },
        ],
        tools: &[
            "getUser",
            "getUserList",
            "getSessionList",
            "revokeSession",
            "getOrganizationMembershipListForUser",
            "getOrganizationMembershipList",
            "deleteOrganizationMembership",
            "banUser",
            "deleteUser",
        ],
        optional: &["deleteUser"],
        render: offboard_user,
    },
    PromptDef {
        name: "investigate-sessions",
        title: "Investigate a user's sessions",
        description: "List a user's sessions and their latest activity (device, browser, IP, location) and point out anomalies, changing nothing.",
        arguments: &[PromptArg {
            name: "userId",
            description: "The user's id (user_…).",
            required: true,
        }],
        tools: &["getUser", "getSessionList", "getSession", "revokeSession"],
        optional: &["getSession", "revokeSession"],
        render: investigate_sessions,
    },
    PromptDef {
        name: "daily-user-summary",
        title: "Daily user summary",
        description: "Counts of users, sign-ups and active users in the last day (or a given date), and banned or locked users.",
        arguments: &[PromptArg {
            name: "date",
            description: "A day (YYYY-MM-DD, UTC); default the last 24 hours.",
            required: false,
        }],
        tools: &["getUserCount", "getUserList"],
        optional: &[],
        render: daily_user_summary,
    },
];

/// Every prompt's name.
pub fn names() -> Vec<&'static str> {
    PROMPTS.iter().map(|p| p.name).collect()
}

/// The prompt named `name`.
pub fn get(name: &str) -> Option<&'static PromptDef> {
    PROMPTS.iter().find(|p| p.name == name)
}

/// Renders the prompt `name` with `args`.
pub fn render(name: &str, args: &Args) -> Result<Rendered, PromptError> {
    let prompt = get(name).ok_or_else(|| PromptError::Unknown {
        name: name.to_string(),
    })?;
    prompt.render(args)
}

impl PromptDef {
    /// Renders this prompt with `args`: every required argument must be there and non-empty,
    /// and no argument it does not take.
    pub fn render(&self, args: &Args) -> Result<Rendered, PromptError> {
        if let Some(unknown) = args
            .keys()
            .find(|k| !self.arguments.iter().any(|a| a.name == k.as_str()))
        {
            return Err(PromptError::UnknownArgument {
                prompt: self.name,
                argument: unknown.clone(),
                expected: if self.arguments.is_empty() {
                    "none".to_string()
                } else {
                    self.arguments
                        .iter()
                        .map(|a| a.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            });
        }
        if let Some(missing) = self
            .arguments
            .iter()
            .find(|a| a.required && arg(args, a.name).is_none())
        {
            return Err(PromptError::MissingArgument {
                prompt: self.name,
                argument: missing.name,
                description: missing.description,
            });
        }
        Ok(Rendered {
            description: self.description,
            text: (self.render)(args),
        })
    }

    /// Whether every tool the prompt needs is one of `available` (a prompt that needs a hidden
    /// tool is not offered).
    pub fn usable_with(&self, available: &[&str]) -> bool {
        self.tools
            .iter()
            .all(|t| self.optional.contains(t) || available.contains(t))
    }
}

/// The names in backticks in a rendered text (the tools it tells the agent to call).
pub fn mentioned_tools(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, &str)]) -> Args {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn full_args(p: &PromptDef) -> Args {
        p.arguments
            .iter()
            .map(|a| {
                let v = match a.name {
                    "founders" => "ada@example.com, grace@example.com",
                    "user" | "userId" => "user_123",
                    "action" => "delete",
                    "date" => "2026-12-01",
                    _ => "Acme",
                };
                (a.name.to_string(), v.to_string())
            })
            .collect()
    }

    #[test]
    fn every_tool_a_prompt_names_exists_and_is_declared() {
        let all: Vec<&str> = crate::tools::all().iter().map(|t| t.name()).collect();
        for p in PROMPTS {
            for t in p.tools {
                assert!(all.contains(t), "{}: {t} is not a tool", p.name);
            }
            // With every argument and with only the required ones.
            let required: Args = full_args(p)
                .into_iter()
                .filter(|(k, _)| p.arguments.iter().any(|a| a.name == k && a.required))
                .collect();
            let mut seen: Vec<String> = Vec::new();
            for a in [full_args(p), required, args(&[("user", "ada@example.com")])] {
                let Ok(r) = p.render(&a) else { continue };
                for t in mentioned_tools(&r.text) {
                    assert!(all.contains(&t), "{}: `{t}` is not a tool", p.name);
                    assert!(p.tools.contains(&t), "{}: `{t}` is not declared", p.name);
                    seen.push(t.to_string());
                }
            }
            for t in p.tools {
                assert!(
                    seen.iter().any(|s| s == t),
                    "{}: declares {t} but never names it",
                    p.name
                );
            }
        }
    }

    #[test]
    fn renders_the_arguments_into_the_text() {
        let r = render(
            "setup-organization",
            &args(&[
                ("name", "Acme"),
                ("founders", "ada@example.com, grace@example.com"),
            ]),
        )
        .unwrap();
        assert!(r.text.contains("\"Acme\""));
        assert!(r.text.contains("- ada@example.com\n- grace@example.com"));
        assert!(r.text.contains("org:admin"));

        let by_email = render("offboard-user", &args(&[("user", "ada@example.com")])).unwrap();
        assert!(
            by_email
                .text
                .contains("`getUserList` (emailAddress [\"ada@example.com\"])")
        );
        assert!(by_email.text.contains("`banUser`") && !by_email.text.contains("`deleteUser`"));
        let by_id = render(
            "offboard-user",
            &args(&[("user", "user_1"), ("action", "delete")]),
        )
        .unwrap();
        assert!(by_id.text.contains("`getUser` (userId \"user_1\")"));
        assert!(by_id.text.contains("`deleteUser`"));

        let s = render("investigate-sessions", &args(&[("userId", "user_9")])).unwrap();
        assert!(s.text.contains("user_9") && s.text.contains("`getSessionList`"));

        let d = render("daily-user-summary", &Args::new()).unwrap();
        assert!(d.text.contains("the last 24 hours"));
        let d = render("daily-user-summary", &args(&[("date", "2026-12-01")])).unwrap();
        assert!(d.text.contains("2026-12-01"));
    }

    #[test]
    fn errors_name_the_argument_or_the_prompts() {
        let e = render("setup-organization", &args(&[("name", "Acme")])).unwrap_err();
        assert_eq!(
            e,
            PromptError::MissingArgument {
                prompt: "setup-organization",
                argument: "founders",
                description: "The founders' email addresses, comma-separated.",
            }
        );
        assert!(e.to_string().contains("\"founders\""), "{e}");
        let e = render("investigate-sessions", &args(&[("userId", "  ")])).unwrap_err();
        assert!(e.to_string().contains("\"userId\""), "{e}");
        let e = render("daily-user-summary", &args(&[("day", "x")])).unwrap_err();
        assert!(
            e.to_string().contains("\"day\"") && e.to_string().contains("date"),
            "{e}"
        );
        let read_only = ["getUser", "getUserList", "getSessionList", "getUserCount"];
        assert!(get("investigate-sessions").unwrap().usable_with(&read_only));
        assert!(get("daily-user-summary").unwrap().usable_with(&read_only));
        assert!(!get("offboard-user").unwrap().usable_with(&read_only));
        let e = render("nope", &Args::new()).unwrap_err();
        for n in names() {
            assert!(e.to_string().contains(n), "{e}");
        }
    }
}
